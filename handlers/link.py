"""Linking one's Telegram account to one's registry record: /link, the shared contact, /unlink, /invite."""

from html import escape

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from bot.services import Link, services
from handlers.private import private_only

ASK_CONTACT = (
    "Để xem hồ sơ bồi dưỡng của mình, bạn bấm nút «Chia sẻ số điện thoại» bên dưới. Tôi chỉ liên kết "
    "khi số bạn chia sẻ là của chính tài khoản này và trùng với số trong hồ sơ của đơn vị.\n\n"
    "Nếu hồ sơ chưa có số điện thoại, bạn nhờ cán bộ tổ chức cấp mã liên kết rồi gõ: /link MÃ"
)
SHARE_BUTTON = "📱 Chia sẻ số điện thoại"
# The one refusal for "no such person", "not in your units" and "not allowed": it reveals nothing.
NOT_IN_SCOPE = "Không tìm thấy người này trong phạm vi đơn vị bạn phụ trách, hoặc bạn không có quyền tra cứu."
OUTCOMES = {
    "not_own": "Bạn chỉ chia sẻ được số điện thoại của chính tài khoản này (nút «Chia sẻ số điện thoại»).",
    "not_found": (
        "Chưa liên kết được: không tìm thấy hồ sơ phù hợp. Bạn nhờ cán bộ tổ chức kiểm tra số điện thoại "
        "trong hồ sơ hoặc cấp mã liên kết (/link MÃ)."
    ),
    "taken": "Hồ sơ này đã liên kết với một tài khoản Telegram khác. Bạn vui lòng liên hệ cán bộ tổ chức.",
    "blocked": "Bạn đã thử liên kết quá 5 lần trong một giờ. Bạn vui lòng thử lại sau.",
}


@private_only
async def on_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/link`: ask for the user's own contact; `/link MÃ`: redeem an organiser's one-time code."""
    message = update.effective_message
    if not context.args:
        keyboard = [[KeyboardButton(SHARE_BUTTON, request_contact=True)]]
        markup = ReplyKeyboardMarkup(keyboard, resize_keyboard=True, one_time_keyboard=True)
        await message.reply_text(ASK_CONTACT, reply_markup=markup)
        return
    link = services(context).link_by_code(update.effective_user.id, context.args[0])
    await message.reply_html(_linked_text(link), reply_markup=ReplyKeyboardRemove())


@private_only
async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared contact: link when it is the sender's own and matches one active record."""
    contact = update.effective_message.contact
    link = services(context).link_by_contact(update.effective_user.id, contact.user_id, contact.phone_number)
    await update.effective_message.reply_html(_linked_text(link), reply_markup=ReplyKeyboardRemove())


@private_only
async def on_unlink(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/unlink`: forget the link between this account and the record."""
    done = services(context).unlink(update.effective_user.id)
    text = "Đã hủy liên kết tài khoản với hồ sơ." if done else "Tài khoản này chưa liên kết với hồ sơ nào."
    await update.effective_message.reply_text(text)


@private_only
async def on_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/invite MÃ_CÁN_BỘ` for organisers: a one-time code, valid 72 hours, for a person without a phone."""
    message = update.effective_message
    if not context.args:
        await message.reply_text("Bạn gõ mã cán bộ sau lệnh, ví dụ: /invite X01")
        return
    issued = services(context).invite(update.effective_user.id, context.args[0])
    if issued is None:
        await message.reply_text(NOT_IN_SCOPE)
        return
    staff, code = issued
    await message.reply_html(
        f"Mã liên kết cho {escape(staff.full_name)}: <code>{code}</code>\n"
        f"Mã dùng một lần, hết hạn sau 72 giờ. Người này mở tin nhắn riêng với bot và gõ: /link {code}"
    )


def _linked_text(link: Link) -> str:
    if link.outcome == "linked":
        return (
            f"Đã liên kết tài khoản với hồ sơ của <b>{escape(link.staff.full_name)}</b> "
            f"({escape(link.staff.unit_name)}). Gõ /status để xem tình trạng bồi dưỡng."
        )
    return escape(OUTCOMES[link.outcome])
