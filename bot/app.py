"""The composition root: every handler, the error handler, the rate limiter and the menu, in order."""

from telegram import BotCommand, MessageEntity
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Config
from bot.delivery import FanOutBot
from bot.services import BOT_DATA_KEY, Services
from bot.transport import AiohttpRequest
from handlers import courses, errors, inline, link, questions, reminders, start, status, unsupported

# The command menu; the README and /help list the same commands (a test checks it).
COMMANDS = (
    ("start", "Bắt đầu và giới thiệu"),
    ("help", "Hướng dẫn sử dụng"),
    ("ask", "Hỏi một câu (dùng trong nhóm)"),
    ("status", "Tình trạng bồi dưỡng của tôi"),
    ("link", "Liên kết tài khoản với hồ sơ"),
    ("unlink", "Hủy liên kết tài khoản"),
    ("lookup", "Tra cứu người trong đơn vị (cán bộ tổ chức)"),
    ("invite", "Cấp mã liên kết (cán bộ tổ chức)"),
    ("courses", "Lớp sắp khai giảng"),
    ("reminders", "Bật, tắt nhắc việc"),
    ("announce", "Thông báo lớp học (cán bộ tổ chức)"),
)

PRIVATE = filters.ChatType.PRIVATE
NEW_TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


def build_application(config: Config, services: Services, base_url: str | None = None) -> Application:
    """A ready-to-run Application; `base_url` points it at another Bot API server (the local fake)."""
    bot = FanOutBot(
        config.require_token(),
        base_url=base_url or config.telegram.api_base_url,
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
        # Telegram's published limits: 30 messages a second overall, 20 a minute per group; the
        # per-chat pace of private chats is kept by bot.delivery.Sender for fan-outs.
        rate_limiter=AIORateLimiter(
            overall_max_rate=config.telegram.messages_per_second, group_max_rate=20, max_retries=3
        ),
    )
    application = Application.builder().bot(bot).post_init(_post_init).post_shutdown(_post_shutdown).build()
    application.bot_data[BOT_DATA_KEY] = services
    application.add_handlers(
        [
            CommandHandler("start", start.on_start),
            CommandHandler("help", start.on_help),
            CommandHandler("ask", questions.on_ask),
            # The registry: personal data, so private chats only (the handlers say so elsewhere).
            CommandHandler("status", status.on_status),
            CommandHandler("link", link.on_link),
            CommandHandler("unlink", link.on_unlink),
            CommandHandler("lookup", status.on_lookup),
            CommandHandler("invite", link.on_invite),
            MessageHandler(filters.CONTACT & PRIVATE, link.on_contact),
            CallbackQueryHandler(status.on_person_button, pattern=r"^p:"),
            # Courses and reminders: personal too, private chats only.
            CommandHandler("courses", courses.on_courses),
            CommandHandler("reminders", reminders.on_reminders),
            CommandHandler("announce", courses.on_announce),
            CallbackQueryHandler(reminders.on_switch_button, pattern=r"^r:"),
            CallbackQueryHandler(courses.on_confirm_button, pattern=r"^a:"),
            MessageHandler(NEW_TEXT & PRIVATE, questions.on_private_text),
            MessageHandler(
                NEW_TEXT & filters.ChatType.GROUPS & filters.Entity(MessageEntity.MENTION),
                questions.on_group_mention,
            ),
            CallbackQueryHandler(questions.on_button),
            InlineQueryHandler(inline.on_inline_query),
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.COMMAND & PRIVATE,
                unsupported.on_unknown_command,
            ),
            MessageHandler(
                filters.UpdateType.MESSAGE & PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
                unsupported.on_unsupported,
            ),
        ]
    )
    application.add_error_handler(errors.on_error)
    # Reminders are rows: this one job sends what is due, and its first run catches up after a restart.
    every = config.reminders.check_every_seconds
    application.job_queue.run_repeating(
        reminders.ReminderJob(), interval=every, first=1, name=reminders.ReminderJob.NAME
    )
    return application


async def _post_init(application: Application) -> None:
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])


async def _post_shutdown(application: Application) -> None:
    application.bot_data[BOT_DATA_KEY].close()
