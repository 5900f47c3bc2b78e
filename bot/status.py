"""A person's training status: their records, each standard's state, the courses that would close a gap."""

import datetime
from dataclasses import dataclass

from bot.people import Course, People, Staff
from bot.standards import RuleStatus, Standards, Training, evaluate

COURSES_SHOWN = 3
COURSES_LISTED = 10
OPEN = ("due", "overdue")


@dataclass(frozen=True)
class StatusReport:
    """Everything /status shows about one person on one day."""

    staff: Staff
    trainings: list[Training]
    statuses: list[RuleStatus]
    enrolled: list[Course]
    closing: list[Course]  # upcoming courses whose programme would close an open standard
    today: datetime.date


def status_report(people: People, standards: Standards, staff: Staff, today: datetime.date) -> StatusReport:
    """The person's records checked against the standards of their position today."""
    trainings = people.trainings(staff.code)
    statuses = evaluate(staff.person, trainings, standards, today)
    enrolled = people.enrolled(staff.code, today)
    closing = _closing(people, staff, statuses, enrolled, today)[:COURSES_SHOWN]
    return StatusReport(staff, trainings, statuses, enrolled, closing, today)


@dataclass(frozen=True)
class CoursesView:
    """Everything /courses shows on one day: one's own courses, and the counts organisers see."""

    enrolled: list[Course]
    closing: list[Course]  # upcoming courses whose programme would close one of the person's open standards
    unit: list[Course]  # other upcoming courses that people of the person's unit are enrolled in
    counts: list[tuple[Course, int]]  # organisers and admins: people of their units enrolled, per course
    today: datetime.date


def courses_view(
    people: People, standards: Standards, staff: Staff | None, today: datetime.date,
    scope: frozenset[str] | None, counted: bool,
) -> CoursesView:  # fmt: skip
    """The courses a person is in, those that would close a gap, their unit's; counts for organisers."""
    enrolled, closing, unit = [], [], []
    if staff is not None:
        statuses = evaluate(staff.person, people.trainings(staff.code), standards, today)
        enrolled = people.enrolled(staff.code, today)
        closing = _closing(people, staff, statuses, enrolled, today)[:COURSES_LISTED]
        shown = {course.code for course in [*enrolled, *closing]}
        if not counted:  # organisers see their units' courses with counts below instead
            unit = [c for c in people.unit_courses(staff.unit_code, today) if c.code not in shown]
    unit = unit[:COURSES_LISTED]
    counts = people.enrollment_counts(today, scope) if counted else []
    return CoursesView(enrolled, closing, unit, counts, today)


def _closing(
    people: People, staff: Staff, statuses: list[RuleStatus], enrolled: list[Course], today: datetime.date
) -> list[Course]:
    """Upcoming courses, not already taken, whose programme would close one of the open standards."""
    gaps = [status for status in statuses if status.state in OPEN]
    wanted = {code for status in gaps for code in closing_programmes(status, staff)}
    taken = {course.code for course in enrolled}
    return [c for c in people.upcoming(today, wanted) if c.code not in taken]


def closed_by(course: Course, statuses: list[RuleStatus], staff: Staff) -> RuleStatus | None:
    """The first open standard that completing this course would meet, if any."""
    return next(
        (s for s in statuses if s.state in OPEN and course.programme in closing_programmes(s, staff)), None
    )


def closing_programmes(status: RuleStatus, staff: Staff) -> tuple[str, ...]:
    """The programmes whose completion would meet this rule for this person."""
    rule = status.rule
    if rule.kind == "yearly_periods":
        return (rule.programme,)
    if rule.kind == "qlnn_after_appointment":
        required = rule.programme_for(staff.leader_level)
        return (required,) if required else ()
    return tuple(rule.programmes)
