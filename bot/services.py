"""The Services object: everything a handler may call, built once and kept in bot_data."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

import sqlite_utils
from telegram.ext import CallbackContext

from bot.access import Viewer, audit, may_view, viewer
from bot.config import Config
from bot.db import open_database
from bot.imports import phone
from bot.linking import Linking
from bot.people import Course, People, Staff
from bot.registry import Registry
from bot.reminders import KINDS, Batch, Due, Outbox, due_reminders, standard_due, switched_off
from bot.standards import RuleStatus, Standards, evaluate, load_standards
from bot.status import CoursesView, StatusReport, closed_by, courses_view, status_report
from knowledge.answer import Answer, answer_to
from knowledge.loader import BUNDLED, load
from knowledge.model import Entry, KnowledgeBase
from knowledge.search import Index, SearchResult, search

log = logging.getLogger(__name__)
BOT_DATA_KEY = "services"


@dataclass(frozen=True)
class Link:
    """How an attempt to link an account ended, and the person when it worked."""

    outcome: Literal["linked", "not_own", "not_found", "taken", "blocked"]
    staff: Staff | None = None


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Notice:
    """One reminder of a batch, with what its message needs to say."""

    kind: str
    due_on: date
    course: Course | None = None
    status: RuleStatus | None = None
    enrolled: bool = False


@dataclass(frozen=True)
class Preview:
    """An announcement before it is confirmed: the course and who it would reach."""

    course: Course
    enrolled: list[Staff]
    eligible: list[Staff]

    @property
    def recipients(self) -> list[Staff]:
        """Everyone it reaches."""
        return [*self.enrolled, *self.eligible]


@dataclass
class Services:
    """The knowledge base, its index and the database, behind small task-named methods."""

    config: Config
    kb: KnowledgeBase
    index: Index
    db: sqlite_utils.Database
    standards: Standards = field(default_factory=load_standards)
    clock: Callable[[], datetime] = utc_now
    registry: Registry = field(init=False)
    people: People = field(init=False)
    linking: Linking = field(init=False)
    outbox: Outbox = field(init=False)

    def __post_init__(self) -> None:
        programmes = {code: programme.name for code, programme in self.standards.programmes.items()}
        self.registry = Registry(self.db, programmes)
        self.people, self.linking, self.outbox = People(self.db), Linking(self.db), Outbox(self.db)

    @classmethod
    def open(cls, config: Config) -> "Services":
        """Load the knowledge base, build its index and open the database."""
        kb = load(config.knowledge.path or BUNDLED)
        return cls(config, kb, Index(kb), open_database(config.storage.database))

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def ask(self, question: str, chat_type: str = "private", keep_unanswered: bool = True) -> SearchResult:
        """Search for a question; questions the bot cannot answer are kept for the curators."""
        result = search(self.index, question)
        if result.outcome == "decline" and question.strip() and keep_unanswered:
            log.info("declined question: %r", question[:200])
            self.db["unanswered"].insert(
                {"question": question[:1000], "chat_type": chat_type, "created_at": self._stamp()}
            )
        return result

    def answer_for(self, entry: Entry, result: SearchResult | None = None) -> Answer:
        """The answer of an entry, warning about any replaced document the question named."""
        return answer_to(entry, self.kb.documents, result.documents if result else ())

    def entry(self, entry_id: str) -> Entry | None:
        """An entry by id, or None (ids in callback data may be stale or forged)."""
        return self.kb.entry(entry_id)

    def related(self, entry: Entry) -> list[Entry]:
        """The entries a curator linked to this one."""
        return [e for e in map(self.kb.entry, entry.related) if e is not None]

    def record_feedback(self, entry_id: str, helpful: bool) -> None:
        """Store a 👍 or 👎 on an answer; who gave it is not kept."""
        row = {"entry_id": entry_id, "helpful": int(helpful), "created_at": self._stamp()}
        self.db["feedback"].insert(row)

    def today(self) -> date:
        """Today in Vietnam."""
        return self.local_now().date()

    def local_now(self) -> datetime:
        """The time now where the officials are (config [reminders] timezone)."""
        return self.clock().astimezone(self.config.reminders.zone)

    def viewer(self, user_id: int) -> Viewer:
        """Who a Telegram user is to the registry."""
        return viewer(user_id, self.people, self.config.access.admins)

    def link_by_contact(self, user_id: int, contact_user_id: int | None, phone_number: str) -> Link:
        """Link the sender to the one active record with the phone number they shared, if it is their own."""
        if contact_user_id != user_id:
            return self._failed(user_id, "not_own")
        try:
            matches = self.people.with_phone(phone(phone_number))
        except ValueError:
            matches = []
        return self._link(user_id, matches[0] if len(matches) == 1 else None)

    def link_by_code(self, user_id: int, code: str) -> Link:
        """Link the sender to the person an organiser's one-time code names."""
        if self.linking.blocked(user_id, self.clock()):
            return Link("blocked")
        staff_code = self.linking.redeem(code, self.clock())
        # An organiser's code vouches for the person: it moves the record off a lost account.
        return self._link(user_id, self.people.get(staff_code) if staff_code else None, vouched=True)

    def unlink(self, user_id: int) -> bool:
        """Remove the sender's link; False when there was none."""
        return self.linking.unlink(user_id)

    def invite(self, user_id: int, staff_code: str) -> tuple[Staff, str] | None:
        """A one-time link code for someone the organiser covers; None if they may not, or no such person."""
        who, subject = self.viewer(user_id), self.people.get(staff_code.strip())
        if not who.may_look_up or subject is None or not subject.active or not may_view(who, subject):
            audit(self.db, who, "denied", None, f"/invite {staff_code}", self.clock())
            return None
        audit(self.db, who, "invite", subject.code, "", self.clock())
        return subject, self.linking.invite(subject.code, user_id, self.clock())

    def own_status(self, user_id: int) -> StatusReport | None:
        """The linked person's own status, or None when the account is not linked."""
        staff = self.people.linked(user_id)
        return status_report(self.people, self.standards, staff, self.today()) if staff else None

    def status_of(self, user_id: int, staff_code: str) -> StatusReport | None:
        """Someone's status for a viewer allowed to see it (audited); None otherwise, saying nothing more."""
        who, subject = self.viewer(user_id), self.people.get(staff_code)
        if subject is None or not subject.active or not may_view(who, subject):
            audit(self.db, who, "denied", None, f"status {staff_code[:40]}", self.clock())
            return None
        if who.staff is None or who.staff.code != subject.code:
            audit(self.db, who, "status", subject.code, "", self.clock())
        return status_report(self.people, self.standards, subject, self.today())

    def lookup(self, user_id: int, query: str) -> list[Staff] | None:
        """People an organiser or admin may see whose code or name matches; None for anyone else."""
        who = self.viewer(user_id)
        if not who.may_look_up:
            audit(self.db, who, "denied", None, f"/lookup {query}", self.clock())
            return None
        audit(self.db, who, "lookup", None, query, self.clock())
        return self.people.search(query, who.scope)

    def courses(self, user_id: int) -> CoursesView | None:
        """/courses for a linked person (with their units' counts for organisers); None if not linked."""
        who = self.viewer(user_id)
        if who.staff is None and not who.admin:
            return None
        counted = who.may_look_up
        return courses_view(self.people, self.standards, who.staff, self.today(), who.scope, counted)

    def reminder_settings(self, user_id: int) -> set[str] | None:
        """The kinds of reminder the linked person receives; None when not linked."""
        staff = self.people.linked(user_id)
        return self._enabled(staff.code) if staff else None

    def switch_reminder(self, user_id: int, kind: str) -> set[str] | None:
        """Turn a kind of reminder on if it was off, off if it was on; the new settings."""
        staff = self.people.linked(user_id)
        if staff is None:
            return None
        if kind in KINDS:
            self.outbox.switch(staff.code, kind, kind not in self._enabled(staff.code))
        return self._enabled(staff.code)

    def _enabled(self, staff_code: str) -> set[str]:
        off = {kind for _, kind in switched_off(self.db, staff_code)}
        return {kind for kind in KINDS if kind not in off}

    def plan_reminders(self) -> int:
        """Plan today's reminders when the day or the registry changed; returns how many rows are new."""
        today = self.today()
        if not self.outbox.stale(today):
            return 0
        dues = due_reminders(self.people, self.standards, self.config.reminders, today)
        return self.outbox.plan(dues, today, self.clock())

    def quiet_now(self) -> bool:
        """True during the configured quiet hours."""
        if (quiet := self.config.reminders.quiet) is None:
            return False
        (start, end), now = quiet, self.local_now().time()
        return (start <= now < end) if start < end else (now >= start or now < end)

    def may_send(self, batch: Batch, any_hour: bool = False) -> bool:
        """Reminders go from send_at on, announcements at any hour; neither in quiet hours."""
        if any_hour:
            return True
        if self.quiet_now():
            return False
        return batch.announcement_id is not None or self.local_now().time() >= self.config.reminders.send_time

    def notices(self, batch: Batch) -> list[Notice]:
        """What each row of a batch says; a row whose subject changed since it was planned is left out."""
        today, staff, settings = self.today(), self.people.get(batch.staff_code), self.config.reminders
        if staff is None or not staff.active:
            return []
        statuses = []
        if any(row.kind != "course" for row in batch.rows):
            statuses = evaluate(staff.person, self.people.trainings(staff.code), self.standards, today)
        by_due = {due: s for s in statuses if (due := standard_due(staff.code, s, settings, today))}
        notices = []
        for row in batch.rows:
            if row.kind == "announce":
                notices.extend(self._announced(staff, row.subject, statuses, today))
            elif row.kind == "course" and (course := self._upcoming(row.subject, today)):
                notices.append(Notice("course", row.due_on, course=course, enrolled=True))
            elif status := by_due.get(Due(staff.code, row.kind, row.subject, row.due_on)):
                notices.append(Notice(row.kind, row.due_on, status=status))
        return notices

    def _upcoming(self, code: str, today: date) -> Course | None:
        course = self.people.course(code)
        return course if course and course.status == "scheduled" and course.starts_on >= today else None

    def _announced(self, staff: Staff, code: str, statuses: list[RuleStatus], today: date) -> list[Notice]:
        if (course := self._upcoming(code, today)) is None:
            return []
        enrolled = staff.code in self.people.enrolled_in(code)
        closes = closed_by(course, statuses, staff)
        return [Notice("announce", today, course=course, status=closes, enrolled=enrolled)]

    def announcement(self, user_id: int, course_code: str) -> Preview | None:
        """Who an organiser's announcement of a course would reach; None if they may not announce it."""
        who, course, today = self.viewer(user_id), self.people.course(course_code.strip()), self.today()
        if not who.may_look_up or course is None or course.status != "scheduled" or course.starts_on < today:
            return None
        off = {code for code, kind in switched_off(self.db) if kind == "announce"}
        enrolled_codes, trainings = self.people.enrolled_in(course.code), self.people.trainings_of_linked()
        enrolled, eligible = [], []
        for staff in self.people.all_linked():
            if staff.code in off or (who.scope is not None and staff.unit_code not in who.scope):
                continue
            if staff.code in enrolled_codes:
                enrolled.append(staff)
                continue
            statuses = evaluate(staff.person, trainings.get(staff.code, []), self.standards, today)
            if closed_by(course, statuses, staff):
                eligible.append(staff)
        return Preview(course, enrolled, eligible)

    def announce(self, user_id: int, course_code: str) -> tuple[Preview, int] | None:
        """Queue an announcement for sending now (audited); the preview and how many are new."""
        preview = self.announcement(user_id, course_code)
        if preview is None:
            return None
        who = self.viewer(user_id)
        audit(self.db, who, "announce", None, f"{course_code} -> {len(preview.recipients)}", self.clock())
        codes = [staff.code for staff in preview.recipients]
        _, new = self.outbox.announce(preview.course.code, user_id, codes, self.today(), self.clock())
        return preview, new

    def _link(self, user_id: int, staff: Staff | None, vouched: bool = False) -> Link:
        if self.linking.blocked(user_id, self.clock()):
            return Link("blocked")
        if staff is None or not staff.active:
            return self._failed(user_id, "not_found")
        if not vouched and self.linking.taken(staff.code, user_id):
            return self._failed(user_id, "taken")
        self.linking.link(user_id, staff.code, self.clock())
        return Link("linked", staff)

    def _stamp(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def _failed(self, user_id: int, outcome: Literal["not_own", "not_found", "taken"]) -> Link:
        if self.linking.blocked(user_id, self.clock()):
            return Link("blocked")
        self.linking.fail(user_id, self.clock())
        return Link(outcome)


def services(context: CallbackContext) -> Services:
    """The Services of the running application."""
    return context.bot_data[BOT_DATA_KEY]
