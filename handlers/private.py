"""Registry data is shown only in private chats: commands sent elsewhere get a pointer, nothing more."""

import functools
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

PRIVATE_ONLY = "Thông tin hồ sơ cá nhân chỉ xem được trong tin nhắn riêng. Bạn nhắn riêng cho tôi nhé."
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def private_only(handler: Handler) -> Handler:
    """Run the handler in a private chat; elsewhere answer with a pointer to the private chat."""

    @functools.wraps(handler)
    async def wrapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
            await handler(update, context)
        elif update.callback_query:
            await update.callback_query.answer(PRIVATE_ONLY, show_alert=True)
        elif update.effective_message:
            await update.effective_message.reply_text(PRIVATE_ONLY)

    return wrapped
