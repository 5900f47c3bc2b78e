"""The offline demo's registry: a fictional commune whose courses and deadlines fall around a given day.

seed() writes the four files an organiser would export (CSV, Vietnamese headers) and imports them
through Registry.import_file, so the demo exercises the same path as real data. Every date that
matters is computed from `today`; the QLNN states assume `today` is after 01/07/2026, a year past
the cutoff of the bundled rule (the demo runs on the real date).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from bot.registry import Registry
from bot.spreadsheets import write_table
from bot.standards import add_months, dmy

PROVINCE, HOA_AN, BINH_MINH = "TINH-DEMO", "XA-HOA-AN", "XA-BINH-MINH"
UNITS = {  # code -> (name, parent code)
    PROVINCE: ("Sở Nội vụ tỉnh Demo", ""),
    HOA_AN: ("UBND xã Hòa An", PROVINCE),
    BINH_MINH: ("UBND xã Bình Minh", PROVINCE),
}
# The first day after the exemption cutoff of standards.toml (appointed before 30/06/2025).
AFTER_CUTOFF = date(2025, 7, 1)

STAFF_HEADER = ["STT", "Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Mã đơn vị", "Tên đơn vị",
                "Mã đơn vị cấp trên", "Chức vụ", "Cấp lãnh đạo", "Ngày bổ nhiệm", "Số điện thoại",
                "Vai trò"]  # fmt: skip
COURSE_HEADER = ["Mã lớp", "Tên lớp", "Mã chương trình", "Ngày khai giảng", "Ngày kết thúc", "Địa điểm",
                 "Đơn vị tổ chức", "Trạng thái"]  # fmt: skip
TRAINING_HEADER = ["Mã cán bộ", "Mã chương trình", "Ngày hoàn thành", "Số tiết", "Số chứng chỉ"]
ENROLLMENT_HEADER = ["Mã lớp", "Mã cán bộ", "Trạng thái"]
COURSE_STATUS = {"scheduled": "Sắp khai giảng", "cancelled": "Đã hủy", "completed": "Đã kết thúc"}
ENROLLMENT_STATUS = {"enrolled": "Đã đăng ký", "withdrawn": "Rút tên", "completed": "Hoàn thành"}

POSITIONS = (
    "Chuyên viên Văn phòng HĐND và UBND",
    "Chuyên viên Phòng Kinh tế (nông nghiệp - môi trường)",
    "Chuyên viên Phòng Văn hóa - Xã hội (văn hóa - thông tin)",
    "Chuyên viên Phòng Kinh tế (tài chính - kế hoạch)",
    "Chuyên viên Phòng Văn hóa - Xã hội (lao động - thương binh - xã hội)",
    "Chuyên viên Phòng Kinh tế (xây dựng - địa chính)",
    "Chuyên viên Trung tâm phục vụ hành chính công",
    "Chuyên viên Phòng Văn hóa - Xã hội (giáo dục - y tế)",
)
MEN = ("Trần Văn Bình", "Nguyễn Hữu Cường", "Phạm Quốc Đạt", "Lê Minh Đức", "Hoàng Văn Giang", "Vũ Quang Huy",
       "Đặng Thanh Hải", "Bùi Văn Hiếu", "Đỗ Trọng Khoa", "Ngô Văn Lâm", "Dương Minh Nhật", "Lý Văn Quân",
       "Trịnh Xuân Tùng", "Mai Văn Thắng", "Phan Đình Trung", "Võ Văn Toàn", "Hồ Sỹ Việt", "Tạ Quang Vinh",
       "Cao Văn Hòa", "Lương Văn Kiên")  # fmt: skip
WOMEN = ("Nguyễn Thị Ánh", "Trần Thị Bích", "Lê Thị Cúc", "Phạm Thị Dung", "Hoàng Thị Duyên",
         "Vũ Thị Hồng Gấm", "Đặng Thị Hằng", "Bùi Thị Hoa", "Đỗ Thị Huyền", "Ngô Thị Kim Liên",
         "Dương Thị Loan", "Lý Thị Mận", "Trịnh Thị Nga", "Mai Thị Nhung", "Phan Thị Oanh",
         "Võ Thị Phượng", "Hồ Thị Quỳnh", "Tạ Thị Sen", "Cao Thị Tâm", "Lương Thị Thảo")  # fmt: skip

# This year's tiết of boi_duong_vtvl, by a person's place in the list (0: nothing yet this year).
YEARLY = (40, 24, 0, 48, 16, 40, 32, 8)
UNRECORDED = "HA021"  # attended a course whose tiết the organiser has not entered yet
QLNN_MET, QLNN_CERTIFIED = "HA009", "HA006"
COURSE_COMPLETERS = ("HA018", "HA025", "HA031")
LLCT_CAO_CAP = ("HA001", "HA002", "HA003", "BM001")


@dataclass(frozen=True)
class DemoPeople:
    """The registry people the demo acts as."""

    staff_code: str
    staff_phone: str  # an ordinary công chức the demo links as "staff member"
    officer_code: str
    officer_phone: str  # the commune's organiser (role officer)


@dataclass(frozen=True)
class _Person:
    """One row of the staff file, before it is written."""

    code: str
    name: str
    gender: str
    unit: str
    position: str
    leader_level: str = ""
    appointed_on: date | None = None
    role: str = "staff"
    phone: str = ""


class _Course(NamedTuple):
    """One row of the courses file."""

    code: str
    title: str
    programme: str
    starts_on: date
    ends_on: date
    location: str
    organizer: str
    status: str = "scheduled"


class _Training(NamedTuple):
    """One row of the trainings file."""

    staff_code: str
    programme: str
    completed_on: date
    periods: int | None = None
    certificate_no: str = ""


ORGANISER_POSITION = "Chuyên viên phụ trách công tác tổ chức, cán bộ"
ORGANISER = _Person("HA014", "Lê Thị Minh Phương", "Nữ", HOA_AN, ORGANISER_POSITION, role="officer")
STAFF_MEMBER = _Person("HA015", "Nguyễn Thị Thu Hà", "Nữ", HOA_AN,
                       "Chuyên viên Văn phòng HĐND và UBND (văn thư - lưu trữ)")  # fmt: skip
THIS_YEAR = {STAFF_MEMBER.code: 16, ORGANISER.code: 40, UNRECORDED: None}  # tiết, overriding YEARLY


def seed(registry: Registry, folder: Path, today: date) -> DemoPeople:
    """Write staff, courses, trainings and enrollments (.csv) into folder and import them, in that order."""
    people = _people(today)
    courses = _courses(today)
    trainings = _trainings(people, courses, today)
    tables = {
        "staff": (STAFF_HEADER, [_staff_row(number, person) for number, person in enumerate(people, 1)]),
        "courses": (COURSE_HEADER, [_course_row(course) for course in courses]),
        "trainings": (TRAINING_HEADER, [_training_row(training) for training in trainings]),
        "enrollments": (ENROLLMENT_HEADER, _enrollments(people, trainings, today)),
    }
    for kind, (header, rows) in tables.items():
        path = folder / f"{kind}.csv"
        write_table(path, header, rows)
        if problems := registry.import_file(path, kind).parsed.problems:
            listed = "; ".join(str(problem) for problem in problems)
            raise RuntimeError(f"Dữ liệu mẫu {path.name} không nhập được: {listed}")
    phones = {person.code: person.phone for person in people}
    return DemoPeople(STAFF_MEMBER.code, phones[STAFF_MEMBER.code], ORGANISER.code, phones[ORGANISER.code])


# ---------------------------------------------------------------- people


def _people(today: date) -> list[_Person]:
    """Everyone, Hòa An first; phones 0900000101 onwards in that order."""
    province = _Person("TINH001", "Vương Thị Thanh Tâm", "Nữ", PROVINCE,
                       "Chuyên viên Phòng Công chức, viên chức", role="officer")  # fmt: skip
    hoa_an = [*_hoa_an_leaders(today), ORGANISER, STAFF_MEMBER, *_hoa_an_staff()]
    everyone = [*hoa_an, *_binh_minh(today), province]
    return [replace(person, phone=f"0900000{100 + n:03d}") for n, person in enumerate(everyone, 1)]


def _hoa_an_leaders(today: date) -> list[_Person]:
    """The commune's leaders; the office heads' appointments give every state of the QLNN rule."""

    def head(code: str, name: str, gender: str, position: str, appointed_on: date | None) -> _Person:
        return _Person(code, name, gender, HOA_AN, position, "cap_phong", appointed_on)

    # Kept after the cutoff so that, a year on, the person is overdue rather than exempt.
    overdue = max(add_months(today, -15), AFTER_CUTOFF)
    return [
        _Person("HA001", "Nguyễn Văn Thành", "Nam", HOA_AN, "Chủ tịch UBND xã"),
        _Person("HA002", "Trần Thị Lan", "Nữ", HOA_AN, "Phó Chủ tịch UBND xã"),
        _Person("HA003", "Lê Văn Dũng", "Nam", HOA_AN, "Phó Chủ tịch UBND xã"),
        head("HA004", "Phạm Văn Hùng", "Nam", "Chánh Văn phòng HĐND và UBND", date(2021, 3, 15)),
        head("HA005", "Hoàng Thị Mai", "Nữ", "Phó Chánh Văn phòng HĐND và UBND", overdue),
        head("HA006", "Vũ Đức Anh", "Nam", "Phó Chánh Văn phòng HĐND và UBND", add_months(today, -5)),
        head("HA007", "Đặng Văn Long", "Nam", "Trưởng phòng Kinh tế", date(2023, 4, 10)),
        head("HA008", "Bùi Thị Hương", "Nữ", "Phó Trưởng phòng Kinh tế", add_months(today, -4)),
        head("HA009", "Đỗ Minh Tuấn", "Nam", "Phó Trưởng phòng Kinh tế",
             max(add_months(today, -14), AFTER_CUTOFF)),
        head("HA010", "Ngô Thị Hạnh", "Nữ", "Trưởng phòng Văn hóa - Xã hội", date(2024, 11, 1)),
        head("HA011", "Dương Văn Khánh", "Nam", "Phó Trưởng phòng Văn hóa - Xã hội",
             max(add_months(today, -18), AFTER_CUTOFF)),
        # The deadline falls about 20 days ahead, so a deadline reminder is near.
        head("HA012", "Lý Thị Ngọc", "Nữ", "Phó Trưởng phòng Văn hóa - Xã hội",
             add_months(today, -12) + timedelta(days=20)),
        head("HA013", "Trịnh Văn Phúc", "Nam", "Phó Giám đốc Trung tâm phục vụ hành chính công", None),
    ]  # fmt: skip


def _hoa_an_staff() -> list[_Person]:
    """The commune's other công chức, HA016 onwards, spread over the offices."""
    names = [pair for man, woman in zip(MEN, WOMEN, strict=True) for pair in ((man, "Nam"), (woman, "Nữ"))]
    return [
        _Person(f"HA{number:03d}", name, gender, HOA_AN, POSITIONS[number % len(POSITIONS)])
        for number, (name, gender) in enumerate(names, 16)
    ]


def _binh_minh(today: date) -> list[_Person]:
    """A small second commune, so that an organiser sees only their own."""
    return [
        _Person("BM001", "Hà Văn Lợi", "Nam", BINH_MINH, "Chủ tịch UBND xã"),
        _Person("BM002", "Phùng Thị Hồng Nhung", "Nữ", BINH_MINH, ORGANISER_POSITION, role="officer"),
        _Person("BM003", "Kiều Minh Phong", "Nam", BINH_MINH, "Trưởng phòng Kinh tế", "cap_phong",
                date(2022, 8, 1)),
        _Person("BM004", "Tô Thị Vân", "Nữ", BINH_MINH, "Phó Trưởng phòng Văn hóa - Xã hội", "cap_phong",
                add_months(today, -3)),
        _Person("BM005", "Chu Văn Nam", "Nam", BINH_MINH, "Chuyên viên Phòng Kinh tế (tài chính - kế hoạch)"),
    ]  # fmt: skip


def _staff_row(number: int, person: _Person) -> list:
    """The person as the organiser's export shows them, STT first."""
    name, parent = UNITS[person.unit]
    born = date(1968 + (number * 7) % 26, 1 + (number * 5) % 12, 1 + (number * 11) % 28)
    level = "Cấp phòng" if person.leader_level == "cap_phong" else ""
    role = "Cán bộ tổ chức" if person.role == "officer" else ""
    return [number, person.code, person.name, dmy(born), person.gender, person.unit, name, parent,
            person.position, level, dmy(person.appointed_on), person.phone, role]  # fmt: skip


# ---------------------------------------------------------------- courses


def _courses(today: date) -> list[_Course]:
    """Courses starting in 1, 3, 7 and 30 days, one cancelled and one that ended about a month ago."""
    def day(days: int) -> date:
        return today + timedelta(days=days)

    school, commune = "Trường Chính trị tỉnh Demo", "UBND xã Hòa An"
    return [
        _Course("BD-VTVL-01", "Bồi dưỡng kỹ năng chuyển đổi số cho công chức cấp xã", "boi_duong_vtvl",
                day(1), day(5), "Hội trường UBND xã Hòa An", "Sở Nội vụ tỉnh Demo"),
        _Course("BD-VTVL-02", "Bồi dưỡng nghiệp vụ văn thư, lưu trữ và quản lý văn bản điện tử",
                "boi_duong_vtvl", day(3), day(7), "Trung tâm Chính trị xã Hòa An", "Sở Nội vụ tỉnh Demo"),
        _Course("QLNN-CP-01",
                "Bồi dưỡng kiến thức, kỹ năng quản lý nhà nước đối với lãnh đạo, quản lý cấp phòng",
                "qlnn_cap_phong", day(7), day(34), school, school),
        _Course("LLCT-TC-01", "Trung cấp lý luận chính trị (hệ không tập trung)", "llct_trung_cap",
                day(30), day(270), school, school),
        _Course("QPAN-01", "Bồi dưỡng kiến thức quốc phòng và an ninh (đối tượng 4)", "qp_an",
                day(10), day(14), "Hội trường UBND xã Hòa An", "Bộ Chỉ huy quân sự tỉnh Demo",
                "cancelled"),
        _Course("BD-VTVL-00", "Bồi dưỡng kỹ năng tiếp công dân, giải quyết khiếu nại, tố cáo",
                "boi_duong_vtvl", day(-37), day(-33), "Hội trường UBND xã Hòa An", commune, "completed"),
    ]  # fmt: skip


def _course_row(course: _Course) -> list:
    """The course as a row of the courses file."""
    return [course.code, course.title, course.programme, dmy(course.starts_on), dmy(course.ends_on),
            course.location, course.organizer, COURSE_STATUS[course.status]]  # fmt: skip


# ---------------------------------------------------------------- trainings


def _trainings(people: list[_Person], courses: list[_Course], today: date) -> list[_Training]:
    """Everyone's records: yearly tiết, political theory, defence, and the QLNN certificates."""
    past = next(course for course in courses if course.status == "completed")
    records: list[_Training] = []
    for number, person in enumerate(people):
        records += _yearly(number, person.code, today, past)
        records += _completed(number, person)
    met_on = min(_person(people, QLNN_MET).appointed_on + timedelta(days=100), today)
    records.append(_Training(QLNN_MET, "qlnn_cap_phong", met_on, None, f"QLNN-{met_on.year}/0815"))
    records.append(_Training(QLNN_CERTIFIED, "qlnn_truoc_2025", date(2023, 10, 20), None, "QLNN-2023/0457"))
    return records


def _yearly(number: int, code: str, today: date, past: _Course) -> list[_Training]:
    """One boi_duong_vtvl record last year and at most one this year, so no two share a key."""
    last_year = _Training(code, "boi_duong_vtvl", date(today.year - 1, 3 + number % 8, 1 + number % 27),
                          56 if number % 5 == 0 else 40)  # fmt: skip
    if code in COURSE_COMPLETERS:
        course = _Training(code, "boi_duong_vtvl", past.ends_on, 40, f"{past.code}/{number:03d}")
        return [last_year, course]
    periods = THIS_YEAR[code] if code in THIS_YEAR else YEARLY[number % len(YEARLY)]
    if periods == 0:
        return [last_year]
    # In early January every date is clamped to 1 January; one record a year keeps the keys apart.
    completed_on = max(date(today.year, 1, 1), today - timedelta(days=20 + (number * 13) % 150))
    return [last_year, _Training(code, "boi_duong_vtvl", completed_on, periods)]


def _completed(number: int, person: _Person) -> list[_Training]:
    """Political theory for leaders and a share of staff; defence and security for some."""
    records = []
    year = 2014 + number % 10
    on = date(year, 1 + (number * 5) % 12, 1 + (number * 7) % 28)
    if person.code in LLCT_CAO_CAP:
        records.append(_Training(person.code, "llct_cao_cap", on, None, f"CC-{year}/{number:04d}"))
    elif person.leader_level or person.code in (STAFF_MEMBER.code, ORGANISER.code) or number % 3 == 0:
        records.append(_Training(person.code, "llct_trung_cap", on, None, f"TC-{year}/{number:04d}"))
    if person.leader_level or number % 5 == 0:
        defence = date(year + 1, 1 + (number * 3) % 12, 1 + number % 28)
        records.append(_Training(person.code, "qp_an", defence, None, f"QPAN-{year + 1}/{number:04d}"))
    return records


def _training_row(training: _Training) -> list:
    """The record as a row of the trainings file; no tiết is an empty cell."""
    periods = "" if training.periods is None else training.periods
    day = dmy(training.completed_on)
    return [training.staff_code, training.programme, day, periods, training.certificate_no]


# ---------------------------------------------------------------- enrollments


def _enrollments(people: list[_Person], trainings: list[_Training], today: date) -> list[list]:
    """Who is in which course: those short of tiết, the leaders owing QLNN, some for LLCT and defence."""
    tiet = {person.code: 0 for person in people}
    for training in trainings:
        if training.programme == "boi_duong_vtvl" and training.completed_on.year == today.year:
            tiet[training.staff_code] += training.periods or 0
    staff = [p for p in people if p.unit == HOA_AN and p.position in POSITIONS]
    short = [p.code for p in staff if tiet[p.code] < 40 and p.code != UNRECORDED]
    owing = [p.code for p in people if p.leader_level and p.appointed_on and p.appointed_on >= AFTER_CUTOFF
             and p.code not in (QLNN_MET, QLNN_CERTIFIED)]  # fmt: skip
    theory = {t.staff_code for t in trainings if t.programme.startswith("llct_")}
    without_theory = [p.code for p in staff if p.code not in theory]
    return [
        *_enrol("BD-VTVL-02", [STAFF_MEMBER.code, *short[:3]]),
        *_enrol("BD-VTVL-01", short[3:8]),
        *_enrol("BD-VTVL-01", short[8:9], "withdrawn"),
        *_enrol("QLNN-CP-01", owing),
        *_enrol("LLCT-TC-01", without_theory[:3]),
        *_enrol("QPAN-01", short[9:11]),
        *_enrol("BD-VTVL-00", COURSE_COMPLETERS, "completed"),
    ]


def _enrol(course: str, codes: Sequence[str], status: str = "enrolled") -> list[list[str]]:
    """Rows of the enrollments file putting these people in the course."""
    return [[course, code, ENROLLMENT_STATUS[status]] for code in codes]


# ---------------------------------------------------------------- helpers


def _person(people: list[_Person], code: str) -> _Person:
    """The person with this code."""
    return next(person for person in people if person.code == code)

