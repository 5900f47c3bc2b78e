"""A person's training status: /status for oneself, /lookup and its buttons for organisers."""

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.services import Services, services
from bot.status import StatusReport
from handlers import render, status_view
from handlers.link import NOT_IN_SCOPE
from handlers.private import private_only

NOT_LINKED = "Tài khoản này chưa liên kết với hồ sơ. Gõ /link để liên kết bằng số điện thoại của bạn."


@private_only
async def on_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/status`: the linked person's own record and standards."""
    svc = services(context)
    report = svc.own_status(update.effective_user.id)
    if report is None:
        await update.effective_message.reply_text(NOT_LINKED)
        return
    await send_status(update.effective_message, report, svc)


@private_only
async def on_lookup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/lookup TÊN|MÃ` for organisers and admins: one match shows the status, several give buttons."""
    message, svc = update.effective_message, services(context)
    query = " ".join(context.args or [])
    if not query.strip():
        await message.reply_text("Bạn gõ họ tên hoặc mã cán bộ sau lệnh, ví dụ: /lookup Nguyễn Văn An")
        return
    found = svc.lookup(update.effective_user.id, query[:100])
    if not found:
        await message.reply_text(NOT_IN_SCOPE)
    elif len(found) == 1:
        await _show(message, svc, update.effective_user.id, found[0].code)
    else:
        markup = status_view.people_keyboard(found)
        await message.reply_text("Có nhiều người khớp, bạn chọn một người:", reply_markup=markup)


@private_only
async def on_person_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A person chosen from /lookup: shown only if the presser may see them (the data may be forged)."""
    query = update.callback_query
    code = status_view.parse_person(query.data)
    await query.answer()
    if code is not None and query.message is not None:
        await _show(query.message, services(context), update.effective_user.id, code)


async def _show(message: Message, svc: Services, user_id: int, code: str) -> None:
    report = svc.status_of(user_id, code)
    if report is None:
        await message.reply_text(NOT_IN_SCOPE)
        return
    await send_status(message, report, svc)


async def send_status(message: Message, report: StatusReport, svc: Services) -> None:
    """Send a status report, split at paragraphs if long."""
    names = {code: programme.name for code, programme in svc.standards.programmes.items()}
    for part in render.split_message(status_view.status_html(report, names)):
        await message.reply_text(part, parse_mode=ParseMode.HTML)
