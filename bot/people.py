"""Reading the registry for the bot: a person, the units an organiser covers, names, records, courses."""

import datetime
from collections.abc import Collection
from dataclasses import dataclass

import sqlite_utils

from bot.names import Named, NameIndex
from bot.standards import Person, Training


@dataclass(frozen=True)
class Staff:
    """One person of the registry, as the bot shows and checks them."""

    code: str
    full_name: str
    unit_code: str
    unit_name: str
    position: str
    leader_level: str
    appointed_on: datetime.date | None
    phone: str
    role: str
    active: bool

    @property
    def is_officer(self) -> bool:
        """An organiser (cán bộ tổ chức) still in the registry."""
        return self.role == "officer" and self.active

    @property
    def person(self) -> Person:
        """What the standards check."""
        return Person(self.position, self.leader_level, self.appointed_on)


@dataclass(frozen=True)
class Course:
    """A course as listed to people."""

    code: str
    title: str
    programme: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    location: str
    organizer: str
    status: str


_STAFF = "SELECT s.*, u.name AS unit_name FROM staff s JOIN units u ON u.code = s.unit_code"


class People:
    """Short queries over the registry tables, safe to run on the event loop."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._index: tuple[int, NameIndex] | None = None

    def get(self, code: str) -> Staff | None:
        """The person with this staff code, active or not."""
        return next(map(_staff, self.db.query(f"{_STAFF} WHERE s.code = ?", [code])), None)

    def linked(self, user_id: int) -> Staff | None:
        """The active person an active Telegram link points to."""
        rows = self.db.query(
            f"{_STAFF} JOIN links l ON l.staff_code = s.code "
            "WHERE l.user_id = ? AND l.active = 1 AND s.active = 1",
            [user_id],
        )
        return next(map(_staff, rows), None)

    def all_linked(self, code: str | None = None) -> list[Staff]:
        """Active people with an active link (only the one with `code`, when given)."""
        rows = self.db.query(
            f"{_STAFF} JOIN links l ON l.staff_code = s.code WHERE l.active = 1 AND s.active = 1 "
            "AND (? IS NULL OR s.code = ?) ORDER BY s.code",
            [code, code],
        )
        return [_staff(row) for row in rows]

    def trainings_of_linked(self, code: str | None = None) -> dict[str, list[Training]]:
        """The training records of linked people (only `code`, when given), oldest first, by person."""
        rows = self.db.query(
            "SELECT t.* FROM trainings t JOIN links l ON l.staff_code = t.staff_code AND l.active = 1 "
            "WHERE ? IS NULL OR t.staff_code = ? ORDER BY t.completed_on",
            [code, code],
        )
        records: dict[str, list[Training]] = {}
        for row in rows:
            records.setdefault(row["staff_code"], []).append(_training(row))
        return records

    def with_phone(self, phone: str) -> list[Staff]:
        """Active people with this (normalised) phone number."""
        return [_staff(r) for r in self.db.query(f"{_STAFF} WHERE s.phone = ? AND s.active = 1", [phone])]

    def units_from(self, unit_code: str) -> frozenset[str]:
        """The unit and every unit below it."""
        rows = self.db.execute(
            "WITH RECURSIVE below(code) AS (SELECT ? UNION SELECT u.code FROM units u JOIN below b "
            "ON u.parent_code = b.code) SELECT code FROM below",
            [unit_code],
        )
        return frozenset(row[0] for row in rows)

    def search(self, query: str, units: Collection[str] | None) -> list[Staff]:
        """Active people of these units (None: all) whose code is the query or whose name is close to it."""
        return [person for person in map(self.get, self._names().find(query, units)) if person is not None]

    def _names(self) -> NameIndex:
        """The name index, rebuilt only when the staff table has changed (a trigger counts changes)."""
        [(version,)] = self.db.execute("SELECT staff FROM registry_version").fetchall()
        if self._index is None or self._index[0] != version:
            rows = self.db.execute("SELECT code, search_name, unit_code FROM staff WHERE active = 1")
            self._index = (version, NameIndex(Named(*row) for row in rows))
        return self._index[1]

    def trainings(self, code: str) -> list[Training]:
        """A person's training records, oldest first."""
        rows = self.db.query("SELECT * FROM trainings WHERE staff_code = ? ORDER BY completed_on", [code])
        return [_training(row) for row in rows]

    def upcoming(self, today: datetime.date, programmes: Collection[str] | None = None) -> list[Course]:
        """Scheduled courses starting from today, soonest first, of these programmes (None: any)."""
        rows = self.db.query(
            "SELECT * FROM courses WHERE status = 'scheduled' AND starts_on >= ? ORDER BY starts_on, code",
            [today.isoformat()],
        )
        courses = map(_course, rows)
        return [c for c in courses if programmes is None or c.programme in programmes]

    def unit_courses(self, unit_code: str, today: datetime.date) -> list[Course]:
        """Scheduled courses not started yet in which someone of the unit is enrolled, soonest first."""
        rows = self.db.query(
            "SELECT DISTINCT c.* FROM courses c JOIN enrollments e ON e.course_code = c.code "
            "JOIN staff s ON s.code = e.staff_code WHERE s.unit_code = ? AND e.status = 'enrolled' "
            "AND c.status = 'scheduled' AND c.starts_on >= ? ORDER BY c.starts_on, c.code",
            [unit_code, today.isoformat()],
        )
        return [_course(r) for r in rows]

    def enrollment_counts(
        self, today: datetime.date, units: Collection[str] | None
    ) -> list[tuple[Course, int]]:
        """Scheduled courses not started yet with how many people of these units (None: all) are enrolled."""
        rows = self.db.query(
            "SELECT c.*, s.unit_code AS unit FROM courses c JOIN enrollments e ON e.course_code = c.code "
            "JOIN staff s ON s.code = e.staff_code WHERE e.status = 'enrolled' AND s.active = 1 "
            "AND c.status = 'scheduled' AND c.starts_on >= ? ORDER BY c.starts_on, c.code",
            [today.isoformat()],
        )
        counts: dict[str, list] = {}
        for row in rows:
            if units is None or row["unit"] in units:
                counts.setdefault(row["code"], [_course(row), 0])[1] += 1
        return [(course, count) for course, count in counts.values()]

    def enrolled_in(self, course_code: str) -> set[str]:
        """The staff codes of the people enrolled in a course."""
        rows = self.db.execute(
            "SELECT staff_code FROM enrollments WHERE course_code = ? AND status = 'enrolled'", [course_code]
        )
        return {row[0] for row in rows}

    def course(self, code: str) -> Course | None:
        """The course with this code, whatever its status."""
        return next(map(_course, self.db.query("SELECT * FROM courses WHERE code = ?", [code])), None)

    def enrolled(self, code: str, today: datetime.date) -> list[Course]:
        """The scheduled courses a person is enrolled in that have not started yet."""
        rows = self.db.query(
            "SELECT c.* FROM courses c JOIN enrollments e ON e.course_code = c.code WHERE e.staff_code = ? "
            "AND e.status = 'enrolled' AND c.status = 'scheduled' AND c.starts_on >= ? ORDER BY c.starts_on",
            [code, today.isoformat()],
        )
        return [_course(r) for r in rows]


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _staff(row: dict) -> Staff:
    return Staff(
        row["code"], row["full_name"], row["unit_code"], row["unit_name"], row["position"],
        row["leader_level"], _date(row["appointed_on"]), row["phone"], row["role"], bool(row["active"]),
    )  # fmt: skip


def _training(row: dict) -> Training:
    return Training(row["programme"], _date(row["completed_on"]), row["periods"], row["certificate_no"])


def _course(row: dict) -> Course:
    return Course(
        row["code"], row["title"], row["programme"], _date(row["starts_on"]), _date(row["ends_on"]),
        row["location"], row["organizer"], row["status"],
    )  # fmt: skip
