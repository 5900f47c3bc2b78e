"""A small registry whose courses and deadlines fall around 21/11/2026, for the reminder tests."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.config import Config, RemindersConfig, TelegramConfig
from bot.db import open_database
from bot.services import Services
from tests.test_registry_import import write

TOKEN = "123456:reminders-secret"
TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam: after send_at, outside quiet hours
STAFF_HEADER = ["staff_code", "full_name", "unit_code", "unit_name", "parent_unit_code", "position",
                "leader_level", "appointed_on", "phone", "role"]  # fmt: skip
STAFF = [
    ["P1", "Hoàng Văn Phú", "TINH", "Sở Nội vụ", "", "Chuyên viên", "", "", "0900000009", "officer"],
    ["S1", "Nguyễn Thị Sen", "XA1", "Xã Một", "TINH", "Công chức", "", "", "0900000001", "staff"],
    # appointed 20/12/2025: the QLNN deadline is 20/12/2026, 29 days from today
    ["T1", "Trần Văn Tâm", "XA1", "Xã Một", "TINH", "Phó Trưởng phòng", "cap_phong", "20/12/2025",
     "0900000002", "staff"],
    ["O1", "Lê Văn Ổn", "XA1", "Xã Một", "TINH", "Công chức tổ chức", "", "", "0900000003", "officer"],
    ["U1", "Đỗ Văn Út", "XA1", "Xã Một", "TINH", "Công chức", "", "", "0900000004", "staff"],
    ["B1", "Vũ Thị Bình", "XA2", "Xã Hai", "TINH", "Công chức", "", "", "0900000005", "staff"],
]  # fmt: skip
USERS = {"S1": 11, "T1": 12, "O1": 13, "B1": 15}  # U1 is not linked
COURSE_HEADER = [
    "course_code",
    "title",
    "programme",
    "starts_on",
    "ends_on",
    "location",
    "organizer",
    "status",
]


def course_rows(today: date = TODAY, **changes: tuple[int, str]) -> list[list]:
    """Courses starting in 7, 5, 3 and 1 days; changes maps a code to (days from today, status)."""
    plan = {"C7": (7, "scheduled"), "C5": (5, "scheduled"), "C3": (3, "scheduled"), "C1": (1, "scheduled")}
    plan.update(changes)
    return [[code, f"Lớp {code}", "boi_duong_vtvl", (today + timedelta(days=days)).strftime("%d/%m/%Y"), "",
             "Hội trường xã", "Sở Nội vụ", status] for code, (days, status) in plan.items()]  # fmt: skip


ENROLLMENTS = [["C7", "S1"], ["C3", "S1"], ["C5", "S1"], ["C1", "T1"], ["C7", "U1"], ["C7", "B1"]]
TRAININGS = [[code, "boi_duong_vtvl", "15/03/2026", periods]
             for code, periods in (("S1", 16), ("T1", 40), ("O1", 40), ("B1", 40))]  # fmt: skip


class Clock:
    """A settable clock."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def local(self, day: date, hour: int, minute: int = 0) -> None:
        """Set the clock to a time of day in Vietnam (UTC+7)."""
        self.now = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def imported(svc: Services, folder: Path, kind: str, header: list[str], rows: list[list]) -> None:
    """Import rows through the registry's own CSV path, failing the test on any problem."""
    result = svc.registry.import_file(write(folder / f"{kind}.csv", header, rows), kind)
    assert result.counts is not None, result.parsed.problems


def reminder_services(
    kb, index, folder: Path, clock: Clock, reminders: RemindersConfig | None = None
) -> Services:
    """Services over a database file in folder with the small registry imported and four people linked."""
    config = Config(telegram=TelegramConfig(token=TOKEN), reminders=reminders or RemindersConfig())
    svc = Services(config, kb, index, open_database(folder / "bot.db"), clock=clock)
    if svc.people.get("S1") is None:
        imported(svc, folder, "staff", STAFF_HEADER, STAFF)
        imported(svc, folder, "courses", COURSE_HEADER, course_rows())
        imported(svc, folder, "enrollments", ["course_code", "staff_code"], ENROLLMENTS)
        imported(svc, folder, "trainings", ["staff_code", "programme", "completed_on", "periods"], TRAININGS)
        for code, user in USERS.items():
            svc.linking.link(user, code, NOW)
    return svc
