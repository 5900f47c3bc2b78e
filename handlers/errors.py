"""The one error handler: log, and apologise where there is a chat."""

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter
from telegram.ext import ContextTypes

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error and, where there is a chat, apologise once."""
    error = context.error
    if isinstance(error, Forbidden):  # the user blocked the bot: nothing to say to them
        log.info("cannot reach a chat: %s", error)
        return
    if isinstance(error, RetryAfter | NetworkError):
        log.warning("Telegram did not take a request: %s", error)
    else:
        log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat and not isinstance(error, NetworkError):
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Bạn vui lòng thử lại sau.",
            )
        except Exception:  # the apology is best effort; the error is already logged
            log.warning("could not send the apology", exc_info=True)
