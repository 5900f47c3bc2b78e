"""/courses for everyone linked, /announce and its confirm button for organisers."""

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.services import services
from handlers import reminder_view, render
from handlers.link import NOT_IN_SCOPE
from handlers.private import private_only
from handlers.reminders import ReminderJob
from handlers.status import NOT_LINKED

NO_COURSE = (
    "Không có lớp sắp khai giảng với mã này trong phạm vi bạn phụ trách, hoặc bạn không phải cán bộ tổ chức. "
    "Gõ /courses để xem mã các lớp."
)


@private_only
async def on_courses(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/courses`: upcoming courses for the person; enrollment counts for organisers."""
    view = services(context).courses(update.effective_user.id)
    if view is None:
        await update.effective_message.reply_text(NOT_LINKED)
        return
    for part in render.split_message(reminder_view.courses_html(view)):
        await update.effective_message.reply_text(part, parse_mode=ParseMode.HTML)


@private_only
async def on_announce(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/announce MÃ_LỚP` for organisers: a preview and a confirm button."""
    message, svc = update.effective_message, services(context)
    code = " ".join(context.args or []).strip()
    if not code:
        await message.reply_text("Bạn gõ mã lớp sau lệnh, ví dụ: /announce QLNN-CP-01")
        return
    preview = svc.announcement(update.effective_user.id, code[:60])
    if preview is None:
        await message.reply_text(NO_COURSE)
        return
    markup = reminder_view.confirm_keyboard(preview.course.code) if preview.recipients else None
    text = reminder_view.preview_html(preview, svc.today())
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


@private_only
async def on_confirm_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm pressed: queue the announcement (permission checked again) and start sending."""
    query, svc = update.callback_query, services(context)
    code = reminder_view.parse_confirm(query.data)
    queued = svc.announce(update.effective_user.id, code) if code else None
    await query.answer()
    if query.message is None:
        return
    if query.message.reply_markup:  # the preview's button is used up either way
        await query.edit_message_reply_markup(None)
    if queued is None:
        await query.message.reply_text(NOT_IN_SCOPE)
        return
    preview, new = queued
    await query.message.reply_text(reminder_view.queued_text(len(preview.recipients), new, svc.quiet_now()))
    for job in context.job_queue.get_jobs_by_name(ReminderJob.NAME):  # send now, not at the next tick
        context.job_queue.run_once(job.callback, 0)
