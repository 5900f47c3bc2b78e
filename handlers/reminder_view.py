"""Telegram HTML and buttons for reminders, /courses, /reminders and /announce."""

import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.reminders import KINDS, AnnouncementReport
from bot.services import Notice, Preview
from bot.status import CoursesView
from handlers.status_view import course_line

SWITCH, CONFIRM = "r", "a"  # callback data kinds: "r:<kind>" switches a reminder kind, "a:<course>" announces
KIND_LABELS = {
    "course": "Nhắc lịch khai giảng các lớp bạn đã đăng ký",
    "deadline": "Nhắc hạn hoàn thành tiêu chuẩn (như bồi dưỡng QLNN trong 12 tháng)",
    "yearly": "Nhắc khi số tiết bồi dưỡng trong năm còn thiếu",
    "announce": "Thông báo lớp học của cán bộ tổ chức",
}
BUTTONS = {
    "course": "nhắc lịch khai giảng",
    "deadline": "nhắc hạn tiêu chuẩn",
    "yearly": "nhắc số tiết trong năm",
    "announce": "thông báo lớp học",
}
FOOTER = "<i>Bật, tắt từng loại nhắc việc: /reminders. Xem các lớp sắp khai giảng: /courses.</i>"


def notices_html(notices: list[Notice], today: datetime.date) -> str:
    """One message carrying a person's reminders of the day."""
    return "\n\n".join([*(_notice(n, today) for n in notices), FOOTER])


def _notice(notice: Notice, today: datetime.date) -> str:
    if notice.kind == "course":
        return f"🔔 <b>Nhắc lịch học</b>\n{course_line(notice.course, today)}"
    if notice.kind == "announce":
        why = "Bạn có tên trong danh sách học viên lớp này." if notice.enrolled else ""
        if not notice.enrolled and notice.status:
            why = f"Lớp này giúp bạn đáp ứng tiêu chuẩn: {escape(notice.status.rule.title)}."
        return f"📢 <b>Thông báo lớp học</b>\n{course_line(notice.course, today)}\n{why}".rstrip()
    status = notice.status
    title = "Đã quá hạn" if status.state == "overdue" else "Sắp đến hạn"
    if notice.kind == "yearly":
        title = f"Số tiết bồi dưỡng năm {today.year} còn thiếu"
    return (
        f"⏰ <b>{title}</b>: {escape(status.rule.title)}\n{escape(status.reason)}\n"
        f"<i>Căn cứ: {escape(status.rule.citation.label)}</i>"
    )


def courses_html(view: CoursesView) -> str:
    """The person's courses, those that would close a gap, their unit's; the counts for organisers."""
    sections = [
        ("Lớp bạn đã đăng ký", view.enrolled),
        ("Lớp sắp khai giảng giúp bạn đạt tiêu chuẩn còn thiếu", view.closing),
        ("Lớp khác có người trong đơn vị bạn đăng ký", view.unit),
    ]
    parts = [f"<b>{title}</b>\n" + "\n".join(course_line(c, view.today) for c in courses)
             for title, courses in sections if courses]  # fmt: skip
    if view.counts:
        lines = [f"{course_line(course, view.today)} — <b>{count}</b> người" for course, count in view.counts]
        parts.append("<b>Số người đơn vị bạn phụ trách đã đăng ký</b>\n" + "\n".join(lines))
    return "\n\n".join(parts) or "Chưa có lớp nào sắp khai giảng liên quan đến bạn."


def settings_html(enabled: set[str]) -> str:
    """The person's reminder switches."""
    lines = [f"{'✅' if kind in enabled else '🔕'} {KIND_LABELS[kind]}" for kind in KINDS]
    return "<b>Nhắc việc của bạn</b>\n" + "\n".join(lines) + "\n\nBấm nút để bật hoặc tắt từng loại."


def settings_keyboard(enabled: set[str]) -> InlineKeyboardMarkup:
    """One button per kind, saying what pressing it does."""
    buttons = [
        [
            InlineKeyboardButton(
                f"{'Tắt' if kind in enabled else 'Bật'} {BUTTONS[kind]}",
                callback_data=f"{SWITCH}:{kind}",
            )
        ]
        for kind in KINDS
    ]
    return InlineKeyboardMarkup(buttons)


def parse_switch(data: str | None) -> str | None:
    """The kind in a switch button's data, or None for anything else."""
    kind, _, value = (data or "").partition(":")
    return value if kind == SWITCH and value in KINDS else None


def preview_html(preview: Preview, today: datetime.date) -> str:
    """What an announcement will say and whom it reaches, before it is confirmed."""
    reach = (
        f"Sẽ gửi cho <b>{len(preview.recipients)}</b> người đã liên kết tài khoản trong các đơn vị "
        f"bạn phụ trách: {len(preview.enrolled)} người đã đăng ký lớp, {len(preview.eligible)} người "
        "còn thiếu tiêu chuẩn mà lớp này đáp ứng (không tính người đã tắt loại thông báo này)."
    )
    sample = _notice(Notice("announce", today, course=preview.course, enrolled=True), today)
    return f"<b>Xem trước thông báo</b>\n\n{sample}\n\n{reach}"


def confirm_keyboard(course_code: str) -> InlineKeyboardMarkup:
    """The button that sends the announcement."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("Gửi thông báo", callback_data=f"{CONFIRM}:{course_code}")]]
    )


def parse_confirm(data: str | None) -> str | None:
    """The course code in a confirm button's data, or None for anything else."""
    kind, _, code = (data or "").partition(":")
    return code if kind == CONFIRM and 0 < len(code) <= 60 else None


def report_html(report: AnnouncementReport) -> str:
    """How an announcement's sending ended."""
    counts = report.counts
    return (
        f"<b>Kết quả gửi thông báo lớp {escape(report.course_code)}</b>\n"
        f"Đã gửi: {counts.get('sent', 0)}\n"
        f"Bị chặn (người dùng đã chặn bot hoặc xóa tài khoản): {counts.get('blocked', 0)}\n"
        f"Lỗi gửi: {counts.get('failed', 0)}\n"
        f"Không gửi (hết liên kết hoặc lớp đã đổi): {counts.get('dropped', 0)}"
    )


def queued_text(recipients: int, new: int, quiet: bool) -> str:
    """What the organiser is told once an announcement is confirmed."""
    if new == 0:
        return "Những người này đã nhận thông báo về lớp này trong hôm nay nên tôi không gửi lại."
    again = f" ({recipients - new} người đã nhận hôm nay nên không gửi lại)" if new < recipients else ""
    when = "khi hết khung giờ không gửi tin ban đêm" if quiet else "ngay bây giờ"
    return f"Đã xếp lịch gửi thông báo cho {new} người{again}, bắt đầu {when}. Gửi xong tôi sẽ báo kết quả."
