"""Messages the bot cannot read: stickers, photos, voice, files, unknown commands."""

from telegram import Update
from telegram.ext import ContextTypes


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain that only text questions are understood."""
    await update.effective_message.reply_text(
        "Tôi chỉ đọc được câu hỏi dạng chữ. Bạn vui lòng gõ câu hỏi, ví dụ: "
        "«điều kiện cử đi học sau đại học»."
    )


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point to /help for commands the bot does not have."""
    await update.effective_message.reply_text("Tôi không có lệnh này. Gõ /help để xem các lệnh và cách hỏi.")
