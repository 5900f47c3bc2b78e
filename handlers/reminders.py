"""Reminders: the repeating job that sends what is due, and /reminders with its switches."""

import logging
from collections import Counter
from collections.abc import Callable

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes

from bot.delivery import Sender
from bot.reminders import Batch
from bot.services import Services, services
from handlers import reminder_view
from handlers.private import private_only
from handlers.status import NOT_LINKED

log = logging.getLogger(__name__)
CHUNK = 100  # people sent to between two checks that the plan still holds


async def send_due(
    svc: Services, sender: Sender, any_hour: bool = False, running: Callable[[], bool] = lambda: True
) -> Counter:
    """Send every open reminder that may go now, one message in flight at a time; count the outcomes."""
    if recovered := svc.outbox.recover():
        log.warning("%d reminders were in flight when a sender stopped; sending them again", recovered)
    outcomes: Counter = Counter()
    seen: set[int] = set()
    while running():
        svc.plan_reminders()  # again whenever the registry changed: a moved course is not reminded
        batches = [b for b in svc.outbox.batches(CHUNK) if b.ids[0] not in seen and svc.may_send(b, any_hour)]
        if not batches:
            break
        claimed = svc.outbox.claim(batches)  # one transaction for the chunk, not one per message
        if taken := len(batches) - len(claimed):
            outcomes["taken"] += taken
        try:
            while claimed and running():
                batch = claimed.pop(0)
                seen.add(batch.ids[0])
                outcomes[await _send_batch(svc, sender, batch)] += 1
        finally:
            svc.outbox.release(claimed)  # stopping: what was not sent goes back to the queue
        await _report_announcements(svc, sender)
    return outcomes


async def _send_batch(svc: Services, sender: Sender, batch: Batch) -> str:
    """Check a claimed batch is still owed, send it, record it; returns the outcome."""
    notices = svc.notices(batch) if batch.user_id is not None else []
    if not notices:
        reason = "not linked" if batch.user_id is None else "no longer due"
        svc.outbox.finish(batch, "dropped", svc.clock(), detail=reason)
        return "dropped"
    delivery = await sender.send(batch.user_id, reminder_view.notices_html(notices, svc.today()))
    svc.outbox.finish(batch, delivery.outcome, svc.clock(), delivery.attempts, delivery.detail)
    return delivery.outcome


async def _report_announcements(svc: Services, sender: Sender) -> None:
    for report in svc.outbox.finished_announcements(svc.clock()):
        await sender.send(report.created_by, reminder_view.report_html(report))


class ReminderJob:
    """The repeating job: starts a fan-out unless one is already running, and never blocks the queue."""

    NAME = "reminders"

    def __init__(self) -> None:
        self.running = False

    async def __call__(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Look for reminders to send; a long fan-out runs as its own task."""
        if not self.running:
            self.running = True
            fan_out = self._fan_out(context.application, services(context))
            context.application.create_task(fan_out, name=self.NAME)

    async def _fan_out(self, application: Application, svc: Services) -> None:
        try:
            outcomes = await send_due(svc, Sender(application.bot), running=lambda: application.running)
            if outcomes:
                log.info("reminders: %s", dict(outcomes))
        except Exception:  # the job must survive a bad day: log it and try again at the next tick
            log.exception("reminder fan-out failed")
        finally:
            self.running = False


@private_only
async def on_reminders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/reminders`: the person's reminder kinds, with a button to switch each."""
    enabled = services(context).reminder_settings(update.effective_user.id)
    if enabled is None:
        await update.effective_message.reply_text(NOT_LINKED)
        return
    await update.effective_message.reply_text(
        reminder_view.settings_html(enabled), parse_mode=ParseMode.HTML,
        reply_markup=reminder_view.settings_keyboard(enabled),
    )  # fmt: skip


@private_only
async def on_switch_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A switch pressed: flip that kind for the presser's own record (the data may be forged)."""
    query = update.callback_query
    kind = reminder_view.parse_switch(query.data)
    enabled = services(context).switch_reminder(update.effective_user.id, kind) if kind else None
    if enabled is None:
        await query.answer(NOT_LINKED if kind else None, show_alert=bool(kind))
        return
    await query.answer("Đã lưu.")
    await query.edit_message_text(
        reminder_view.settings_html(enabled), parse_mode=ParseMode.HTML,
        reply_markup=reminder_view.settings_keyboard(enabled),
    )  # fmt: skip
