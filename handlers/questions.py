"""Questions in private chats, /ask and mentions in groups, and the buttons under answers."""

from html import escape

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import replies
from bot.services import Services, services
from handlers import render
from knowledge.search import SearchResult


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer any text typed in a private chat."""
    await reply_to_question(update.effective_message, update.effective_message.text, context)


async def on_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/ask câu hỏi`, in any chat."""
    await reply_to_question(update.effective_message, " ".join(context.args or []), context)


async def on_group_mention(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group message that mentions the bot; ignore the others."""
    message = update.effective_message
    mention = f"@{context.bot.username}".lower()
    if mention not in message.text.lower():
        return
    start = message.text.lower().index(mention)
    question = (message.text[:start] + message.text[start + len(mention) :]).strip()
    await reply_to_question(message, question, context)


async def reply_to_question(message: Message, question: str, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Search and reply with the answer, the suggestions or a polite decline."""
    if not question.strip():
        await message.reply_text(replies.ASK_HINT)
        return
    svc = services(context)
    result = svc.ask(question, message.chat.type)
    await send_result(message, result, svc)


async def send_result(message: Message, result: SearchResult, svc: Services) -> None:
    """Reply with what the search concluded."""
    if result.outcome == "answer":
        await send_entry(message, result.best.entry.id, svc, result)
    elif result.outcome == "suggest":
        entries = [hit.entry for hit in result.hits]
        await message.reply_html(
            escape(replies.SUGGEST_PROMPT), reply_markup=render.suggestions_keyboard(entries)
        )
    else:
        await message.reply_html(render.decline_html(svc.config.support.contact))


async def send_entry(
    message: Message, entry_id: str, svc: Services, result: SearchResult | None = None
) -> None:
    """Send one entry's answer, split if long, with the buttons under its last part."""
    entry = svc.entry(entry_id)
    if entry is None:
        await message.reply_text("Nội dung này không còn trong cơ sở tri thức. Bạn vui lòng hỏi lại.")
        return
    parts = render.split_message(render.answer_html(svc.answer_for(entry, result)))
    keyboard = render.answer_keyboard(entry, svc.related(entry))
    for number, part in enumerate(parts, 1):
        markup = keyboard if number == len(parts) else None
        await message.reply_text(part, parse_mode=ParseMode.HTML, reply_markup=markup)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a suggested or related entry, or record 👍/👎; anything else is answered and dropped."""
    query = update.callback_query
    parsed = render.parse_callback(query.data)
    svc = services(context)
    if parsed is None or svc.entry(parsed[1]) is None:
        await query.answer("Nút này không còn hiệu lực. Bạn vui lòng hỏi lại.")
        return
    kind, entry_id, vote = parsed
    if kind == render.FEEDBACK:
        svc.record_feedback(entry_id, vote)
        await query.answer("Cảm ơn bạn đã góp ý!")
        return
    await query.answer()
    if isinstance(query.message, Message):  # not so under inline-mode or very old messages
        await send_entry(query.message, entry_id, svc)
