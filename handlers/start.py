"""/start and /help: what the bot does and how to ask."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.services import services

HELP = (
    "Tôi trả lời câu hỏi về quy định đối với cán bộ, công chức xã, phường, đặc khu: đào tạo, "
    "bồi dưỡng, lý luận chính trị, quản lý nhà nước, tuyển dụng, đánh giá, kỷ luật, quy hoạch, "
    "bổ nhiệm và chính quyền địa phương hai cấp. Mỗi câu trả lời đều ghi rõ căn cứ (điều, khoản, "
    "văn bản) và tình trạng hiệu lực của văn bản.\n\n"
    "Cách hỏi: gõ câu hỏi bằng tiếng Việt, có dấu hay không dấu đều được, viết tắt quen dùng "
    "(LLCT, QLNN, CBCC...) cũng được. Ví dụ:\n"
    "• bồi dưỡng bắt buộc mỗi năm bao nhiêu tiết\n"
    "• điều kiện học trung cấp llct\n"
    "• nghị định 171 quy định gì về đền bù chi phí đào tạo\n\n"
    "Trong nhóm, hãy nhắc tên tôi hoặc dùng /ask kèm câu hỏi.\n\n"
    "Các lệnh:\n"
    "/help - hướng dẫn sử dụng\n"
    "/ask - hỏi một câu (dùng trong nhóm)\n"
    "/link - liên kết tài khoản với hồ sơ của bạn (chia sẻ số điện thoại)\n"
    "/status - tình trạng bồi dưỡng của bạn so với tiêu chuẩn vị trí, kèm hạn và căn cứ\n"
    "/unlink - hủy liên kết tài khoản\n"
    "/lookup - tra cứu người trong đơn vị (dành cho cán bộ tổ chức)\n"
    "/invite - cấp mã liên kết cho người chưa có số điện thoại (dành cho cán bộ tổ chức)\n"
    "/courses - lớp sắp khai giảng: lớp bạn đã đăng ký và lớp giúp bạn đạt tiêu chuẩn còn thiếu\n"
    "/reminders - bật, tắt từng loại nhắc việc (lịch khai giảng, hạn bồi dưỡng, số tiết trong năm)\n"
    "/announce - thông báo một lớp học tới người trong đơn vị (dành cho cán bộ tổ chức)\n\n"
    "Câu trả lời chỉ để tham khảo, không thay cho văn bản chính thức. Khi cần, bạn liên hệ {contact}."
)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet and explain."""
    name = update.effective_user.first_name if update.effective_user else ""
    greeting = f"Xin chào {name}!".replace(" !", "!")
    await update.effective_message.reply_text(f"{greeting}\n\n" + _help(context))


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain what the bot does and how to ask."""
    await update.effective_message.reply_text(_help(context))


def _help(context: ContextTypes.DEFAULT_TYPE) -> str:
    return HELP.format(contact=services(context).config.support.contact)
