"""A person's training status: their records, each standard's state, the courses that would close a gap."""

import datetime
from dataclasses import dataclass

from bot.people import Course, People, Staff
from bot.standards import RuleStatus, Standards, Training, evaluate

COURSES_SHOWN = 3
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
    gaps = [status for status in statuses if status.state in OPEN]
    wanted = {code for status in gaps for code in closing_programmes(status, staff)}
    taken = {course.code for course in enrolled}
    closing = [c for c in people.upcoming(today, wanted) if c.code not in taken][:COURSES_SHOWN]
    return StatusReport(staff, trainings, statuses, enrolled, closing, today)


def closing_programmes(status: RuleStatus, staff: Staff) -> tuple[str, ...]:
    """The programmes whose completion would meet this rule for this person."""
    rule = status.rule
    if rule.kind == "yearly_periods":
        return (rule.programme,)
    if rule.kind == "qlnn_after_appointment":
        required = rule.programme_for(staff.leader_level)
        return (required,) if required else ()
    return tuple(rule.programmes)
