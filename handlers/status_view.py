"""Telegram HTML for a person's training status, and the buttons that pick one person among several."""

import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.people import Course, Staff
from bot.standards import RuleStatus, dmy
from bot.status import StatusReport

PERSON = "p"  # callback data kind: show this person's status ("p:<staff code>")
ICONS = {"met": "✅", "due": "⏳", "overdue": "❗", "not_applicable": "➖", "unknown": "❔"}
LABELS = {
    "met": "Đạt",
    "due": "Chưa đạt, còn hạn",
    "overdue": "Quá hạn",
    "not_applicable": "Không áp dụng",
    "unknown": "Chưa đủ dữ liệu",
}
LLCT = ("llct_cao_cap", "llct_trung_cap", "llct_so_cap")  # highest first
LEADER_LEVELS = {"cap_phong": "cấp phòng", "cap_so": "cấp sở", "cap_vu": "cấp vụ"}


def status_html(report: StatusReport, programme_names: dict[str, str]) -> str:
    """Who the person is, their political-theory level and trainings, each standard, and useful courses."""
    parts = [_identity(report.staff), _llct(report, programme_names), _trainings(report, programme_names)]
    parts.append("<b>Tiêu chuẩn theo vị trí</b>\n" + "\n\n".join(map(_rule, report.statuses)))
    for title, courses in (
        ("Lớp đã đăng ký", report.enrolled),
        ("Lớp sắp khai giảng giúp đạt tiêu chuẩn còn thiếu", report.closing),
    ):
        if courses:
            parts.append(f"<b>{title}</b>\n" + "\n".join(course_line(c, report.today) for c in courses))
    return "\n\n".join(parts)


def people_keyboard(people: list[Staff]) -> InlineKeyboardMarkup:
    """One button per person found: name, position, unit."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_button_text(p), callback_data=f"{PERSON}:{p.code}")] for p in people]
    )


def parse_person(data: str | None) -> str | None:
    """The staff code in a person button's data, or None for anything else."""
    kind, _, code = (data or "").partition(":")
    return code if kind == PERSON and 0 < len(code) <= 60 else None


def masked(phone: str) -> str:
    """A phone number never shown whole: 091*****78."""
    return f"{phone[:3]}{'*' * (len(phone) - 5)}{phone[-2:]}" if len(phone) > 5 else ""


def _identity(staff: Staff) -> str:
    lines = [f"<b>{escape(staff.full_name)}</b> (mã {escape(staff.code)})"]
    position = staff.position or "chưa ghi chức vụ"
    level = LEADER_LEVELS.get(staff.leader_level)
    lines.append(escape(position) + (f" — lãnh đạo, quản lý {level}" if level else ""))
    lines.append(f"Đơn vị: {escape(staff.unit_name)}")
    if staff.appointed_on:
        lines.append(f"Ngày bổ nhiệm: {dmy(staff.appointed_on)}")
    if staff.phone:
        lines.append(f"Điện thoại: {masked(staff.phone)}")
    return "\n".join(lines)


def _llct(report: StatusReport, names: dict[str, str]) -> str:
    done = {t.programme: t for t in report.trainings if t.completed_on}
    best = next((code for code in LLCT if code in done), None)
    if best is None:
        return "Lý luận chính trị: chưa có trong hồ sơ."
    return f"Lý luận chính trị: {escape(names.get(best, best))} ({dmy(done[best].completed_on)})."


def _trainings(report: StatusReport, names: dict[str, str]) -> str:
    if not report.trainings:
        return "<b>Đã học</b>\nChưa có khóa học nào trong hồ sơ."
    lines = []
    for training in report.trainings[-10:]:  # the newest ten; older ones are in the organiser's files
        when = dmy(training.completed_on) if training.completed_on else "chưa rõ ngày"
        periods = f", {training.periods} tiết" if training.periods is not None else ""
        lines.append(f"• {escape(names.get(training.programme, training.programme))}: {when}{periods}")
    return "<b>Đã học</b>\n" + "\n".join(lines)


def _rule(status: RuleStatus) -> str:
    lines = [f"{ICONS[status.state]} <b>{escape(status.rule.title)}</b>: {LABELS[status.state]}."]
    lines.append(escape(status.reason))
    lines.append(f"<i>Căn cứ: {escape(status.rule.citation.label)}</i>")
    return "\n".join(lines)


def course_line(course: Course, today: datetime.date) -> str:
    """A course in one line: title, start date and days left, place, organiser."""
    days = (course.starts_on - today).days
    when = {0: "hôm nay", 1: "ngày mai"}.get(days, f"còn {days} ngày")
    where = f"; địa điểm: {escape(course.location)}" if course.location else ""
    by = f"; tổ chức: {escape(course.organizer)}" if course.organizer else ""
    title = f"<b>{escape(course.title)}</b> (mã {escape(course.code)})"
    return f"• {title}: khai giảng {dmy(course.starts_on)}, {when}{where}{by}"


def _button_text(person: Staff) -> str:
    text = f"{person.full_name} — {person.position or person.code}, {person.unit_name}"
    return text if len(text) <= 60 else text[:59] + "…"
