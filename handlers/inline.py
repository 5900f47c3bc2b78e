"""Inline mode: `@bot câu hỏi` in any chat offers the best answers to send."""

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.services import services
from handlers import render

INLINE_RESULTS = 3


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer up to three answers for the typed question, none when unsure."""
    query = update.inline_query
    svc = services(context)
    # Inline queries come with every keystroke: half-typed questions are not kept as unanswered.
    result = svc.ask(query.query, "inline", keep_unanswered=False) if query.query.strip() else None
    articles = []
    if result is not None and result.outcome != "decline":
        for hit in result.hits[:INLINE_RESULTS]:
            html = render.split_message(render.answer_html(svc.answer_for(hit.entry, result)))[0]
            articles.append(
                InlineQueryResultArticle(
                    id=hit.entry.id[:64],
                    title=hit.entry.title,
                    description=hit.entry.body[:120],
                    input_message_content=InputTextMessageContent(html, parse_mode=ParseMode.HTML),
                )
            )
    await query.answer(articles, cache_time=60, is_personal=False)
