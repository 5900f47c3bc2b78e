"""Reminders are rows: what is owed on a day is planned into the reminders table, and each row goes once.

A row is keyed by (person, kind, subject, due day). Planning inserts the rows owed today and drops
open rows that are no longer owed (a course moved or cancelled, a rule met). A sender claims a
person's open rows, sends one message and records the outcome; rows left in flight by a sender
that died are put back, so at most that one message can be sent twice.
"""

import os
import socket
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlite_utils

from bot.config import RemindersConfig
from bot.db import transaction
from bot.people import People, Staff
from bot.standards import RuleStatus, Standards, Training, evaluate

KINDS = ("course", "deadline", "yearly", "announce")
OUTCOMES = ("sent", "blocked", "failed", "dropped")


@dataclass(frozen=True, order=True)
class Due:
    """One reminder owed: to whom, of what kind, about what, and the day it is for."""

    staff_code: str
    kind: str
    subject: str
    due_on: date


@dataclass(frozen=True)
class Row:
    """An open reminder as the sender reads it."""

    id: int
    kind: str
    subject: str
    due_on: date


@dataclass(frozen=True)
class Batch:
    """A person's open reminders that go out together in one message."""

    staff_code: str
    user_id: int | None  # the active link's Telegram user, None when there is none any more
    announcement_id: int | None
    rows: tuple[Row, ...]

    @property
    def ids(self) -> list[int]:
        """The reminder ids of the batch."""
        return [row.id for row in self.rows]


@dataclass(frozen=True)
class AnnouncementReport:
    """How an announcement's fan-out ended."""

    id: int
    course_code: str
    created_by: int
    counts: dict[str, int]


def due_reminders(
    people: People, standards: Standards, settings: RemindersConfig, today: date, only: str | None = None
) -> list[Due]:
    """Everything owed on `today` to linked people (only one, when given) who did not switch it off."""
    linked = people.all_linked(only)
    trainings = people.trainings_of_linked(only)
    dues = [
        *_course_dues(people.db, settings, today, only),
        *_standard_dues(linked, trainings, standards, settings, today),
    ]
    codes, off = {staff.code for staff in linked}, switched_off(people.db, only)
    return sorted(due for due in dues if due.staff_code in codes and (due.staff_code, due.kind) not in off)


def _course_dues(
    db: sqlite_utils.Database, settings: RemindersConfig, today: date, only: str | None
) -> list[Due]:
    """Enrolled people of scheduled courses starting one of `days_before` days from today."""
    starts = [(today + timedelta(days=n)).isoformat() for n in settings.days_before]
    if not starts:
        return []
    marks = ", ".join("?" * len(starts))
    rows = db.execute(
        "SELECT e.staff_code, c.code FROM enrollments e JOIN courses c ON c.code = e.course_code "
        f"WHERE e.status = 'enrolled' AND c.status = 'scheduled' AND c.starts_on IN ({marks}) "
        "AND (? IS NULL OR e.staff_code = ?)",
        [*starts, only, only],
    )
    return [Due(code, "course", course, today) for code, course in rows]


def _standard_dues(
    linked: list[Staff], trainings: dict[str, list[Training]], standards: Standards,
    settings: RemindersConfig, today: date,
) -> Iterator[Due]:  # fmt: skip
    for staff in linked:
        for status in evaluate(staff.person, trainings.get(staff.code, []), standards, today):
            if due := standard_due(staff.code, status, settings, today):
                yield due


def standard_due(code: str, status: RuleStatus, settings: RemindersConfig, today: date) -> Due | None:
    """The reminder a rule's status calls for today, if any."""
    rule = status.rule
    if rule.kind == "yearly_periods":
        check = settings.periods_check(today.year)
        if status.state == "due" and today >= check:
            return Due(code, "yearly", f"{rule.id}@{today.year}", check)
        return None
    if status.deadline is None or status.state not in ("due", "overdue"):
        return None
    subject = f"{rule.id}@{status.deadline.isoformat()}"
    if status.state == "overdue":
        return Due(code, "deadline", subject, status.deadline + timedelta(days=1))
    # The nearest reminder day already reached; a day missed (the bot was down) is made up for.
    reached = [n for n in settings.deadline_days_before if n >= (status.deadline - today).days]
    return Due(code, "deadline", subject, status.deadline - timedelta(days=min(reached))) if reached else None


def switched_off(db: sqlite_utils.Database, only: str | None = None) -> set[tuple[str, str]]:
    """(person, kind) pairs the people switched off."""
    rows = db.execute(
        "SELECT staff_code, kind FROM reminder_optouts WHERE ? IS NULL OR staff_code = ?", [only, only]
    )
    return {(code, kind) for code, kind in rows}


def this_process() -> str:
    """Who claims rows: host and process id, so that rows of a dead sender can be recognised."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's sender: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Outbox:
    """The reminders table: planning, claiming, recording outcomes, and the people's switches."""

    def __init__(self, db: sqlite_utils.Database, owner: str | None = None) -> None:
        self.db = db
        self.owner = owner or this_process()
        self._planned: tuple[date, int] | None = None

    def stale(self, today: date) -> bool:
        """True when the day or anything reminders are computed from changed since the last plan."""
        return self._planned != (today, self._version())

    def plan(self, dues: Iterable[Due], today: date, now: datetime) -> int:
        """Insert the rows owed today and drop open ones no longer owed; returns how many are new."""
        version = self._version()
        owed = {(d.staff_code, d.kind, d.subject, d.due_on.isoformat()) for d in dues}
        stamp = now.isoformat(timespec="seconds")
        with transaction(self.db):
            before = self.db.execute("SELECT COUNT(*) FROM reminders").fetchone()[0]
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO reminders (staff_code, kind, subject, due_on, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(*key, stamp) for key in owed],
            )
            open_rows = self.db.execute(
                "SELECT id, staff_code, kind, subject, due_on FROM reminders "
                "WHERE state = 'pending' AND announcement_id IS NULL"
            ).fetchall()
            gone = [(stamp, row[0]) for row in open_rows if tuple(row[1:]) not in owed]
            self.db.conn.executemany(
                "UPDATE reminders SET state = 'dropped', reason = 'no longer due', done_at = ? WHERE id = ?",
                gone,
            )
            new = self.db.execute("SELECT COUNT(*) FROM reminders").fetchone()[0] - before
        self._planned = (today, version)
        return new

    def announce(
        self, course_code: str, created_by: int, staff_codes: Iterable[str], today: date, now: datetime
    ) -> tuple[int, int]:
        """An announcement of a course to these people; returns its id and how many rows are new."""
        stamp = now.isoformat(timespec="seconds")
        with transaction(self.db):
            announcement = (
                self.db["announcements"]
                .insert({"course_code": course_code, "created_by": created_by, "created_at": stamp})
                .last_pk
            )
            cursor = self.db.conn.executemany(
                "INSERT OR IGNORE INTO reminders "
                "(staff_code, kind, subject, due_on, announcement_id, created_at) "
                "VALUES (?, 'announce', ?, ?, ?, ?)",
                [(code, course_code, today.isoformat(), announcement, stamp) for code in staff_codes],
            )
            if cursor.rowcount == 0:  # everyone already had it today: nothing to report later
                self.db.execute("UPDATE announcements SET done_at = ? WHERE id = ?", [stamp, announcement])
        return announcement, cursor.rowcount

    def recover(self) -> int:
        """Put back the rows that dead senders left in flight; returns how many."""
        owners = [
            row[0]
            for row in self.db.execute("SELECT DISTINCT claimed_by FROM reminders WHERE state = 'sending'")
        ]
        dead = [owner for owner in owners if owner is None or not _alive(owner)]
        if not dead:
            return 0
        marks = ", ".join("?" * len(dead))
        cursor = self.db.execute(
            f"UPDATE reminders SET state = 'pending', claimed_by = NULL WHERE state = 'sending' "
            f"AND (claimed_by IS NULL OR claimed_by IN ({marks}))",
            dead,
        )
        return cursor.rowcount

    def batches(self, limit: int = 500) -> list[Batch]:
        """Up to `limit` people's open rows, oldest first, one batch per person and announcement."""
        heads = self._heads(limit)
        if not heads:
            return []
        codes = sorted({code for code, _ in heads})
        rows = self.db.execute(
            "SELECT r.id, r.staff_code, r.kind, r.subject, r.due_on, r.announcement_id, l.user_id "
            "FROM reminders r LEFT JOIN links l ON l.staff_code = r.staff_code AND l.active = 1 "
            f"WHERE r.state = 'pending' AND r.staff_code IN ({', '.join('?' * len(codes))}) ORDER BY r.id",
            codes,
        )
        grouped: dict[tuple, list[Row]] = defaultdict(list)
        for id_, code, kind, subject, due_on, announcement, user_id in rows:
            if (code, announcement) in heads:
                row = Row(id_, kind, subject, date.fromisoformat(due_on))
                grouped[(code, announcement, user_id)].append(row)
        return [
            Batch(code, user, announcement, tuple(rows))
            for (code, announcement, user), rows in grouped.items()
        ]

    def _heads(self, limit: int) -> set[tuple[str, int | None]]:
        """The first `limit` (person, announcement) pairs with open rows, reading no further than needed."""
        heads: set[tuple[str, int | None]] = set()
        query = "SELECT staff_code, announcement_id FROM reminders WHERE state = 'pending' ORDER BY id"
        with closing(self.db.conn.execute(query)) as cursor:
            for code, announcement in cursor:
                heads.add((code, announcement))
                if len(heads) == limit:
                    break
        return heads

    def claim(self, batches: list[Batch]) -> list[Batch]:
        """Mark the batches in flight in one go; returns those wholly ours, putting back parts of the rest."""
        ids = [id_ for batch in batches for id_ in batch.ids]
        marks = ", ".join("?" * len(ids))
        with transaction(self.db):
            cursor = self.db.execute(
                "UPDATE reminders SET state = 'sending', claimed_by = ? "
                f"WHERE state = 'pending' AND id IN ({marks})",
                [self.owner, *ids],
            )
            if cursor.rowcount == len(ids):
                return batches
            rows = self.db.execute(
                f"SELECT id FROM reminders WHERE state = 'sending' AND claimed_by = ? AND id IN ({marks})",
                [self.owner, *ids],
            )
            ours = {row[0] for row in rows}
            whole = [batch for batch in batches if ours.issuperset(batch.ids)]
            self.release([batch for batch in batches if batch not in whole])
        return whole

    def release(self, batches: Iterable[Batch]) -> None:
        """Put back the claimed rows of batches that were not sent (the sender is stopping)."""
        ids = [id_ for batch in batches for id_ in batch.ids]
        self.db.execute(
            "UPDATE reminders SET state = 'pending', claimed_by = NULL WHERE state = 'sending' "
            f"AND claimed_by = ? AND id IN ({', '.join('?' * len(ids))})",
            [self.owner, *ids],
        )

    def finish(self, batch: Batch, outcome: str, now: datetime, attempts: int = 0, detail: str = "") -> None:
        """Record how the batch's send ended (or why it was not sent) on its rows and in the sends log."""
        stamp, marks = now.isoformat(timespec="seconds"), ", ".join("?" * len(batch.ids))
        with transaction(self.db):
            self.db.execute(
                "UPDATE reminders SET state = ?, reason = ?, done_at = ?, claimed_by = NULL "
                f"WHERE id IN ({marks})",
                [outcome, detail[:200], stamp, *batch.ids],
            )
            if attempts:
                self.db.execute(
                    "INSERT INTO sends (at, user_id, reminder_ids, outcome, attempts, detail) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [stamp, batch.user_id, ",".join(map(str, batch.ids)), outcome, attempts, detail[:200]],
                )
            if outcome == "blocked":  # the person blocked the bot: no more sends to this account
                self.db.execute("UPDATE links SET active = 0 WHERE user_id = ?", [batch.user_id])

    def finished_announcements(self, now: datetime) -> list[AnnouncementReport]:
        """Announcements whose rows are all done and not reported yet, now marked reported."""
        stamp = now.isoformat(timespec="seconds")
        reports = []
        rows = self.db.execute(
            "SELECT a.id, a.course_code, a.created_by FROM announcements a WHERE a.done_at IS NULL "
            "AND NOT EXISTS "
            "(SELECT 1 FROM reminders r WHERE r.announcement_id = a.id AND r.state IN ('pending', 'sending'))"
        ).fetchall()
        for id_, course, created_by in rows:
            counts = dict(
                self.db.execute(
                    "SELECT state, COUNT(*) FROM reminders WHERE announcement_id = ? GROUP BY state", [id_]
                )
            )
            self.db.execute("UPDATE announcements SET done_at = ? WHERE id = ?", [stamp, id_])
            reports.append(AnnouncementReport(id_, course, created_by, counts))
        return reports

    def sent(self) -> set[tuple[str, str, str, str]]:
        """The (person, kind, subject, due day) keys already sent."""
        rows = self.db.execute("SELECT staff_code, kind, subject, due_on FROM reminders WHERE state = 'sent'")
        return {tuple(row) for row in rows}

    def switch(self, staff_code: str, kind: str, on: bool) -> None:
        """Switch a kind of reminder on or off for a person."""
        if on:
            self.db.execute(
                "DELETE FROM reminder_optouts WHERE staff_code = ? AND kind = ?", [staff_code, kind]
            )
        else:
            self.db.execute("INSERT OR IGNORE INTO reminder_optouts VALUES (?, ?)", [staff_code, kind])

    def _version(self) -> int:
        return self.db.execute("SELECT n FROM data_version").fetchone()[0]
