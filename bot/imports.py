"""Rows of an organiser's file checked against the columns of its kind: every problem, with row and column."""

import datetime
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.spreadsheets import Cell, read_table
from knowledge.text import fold

KINDS = ("staff", "trainings", "courses", "enrollments")


@dataclass(frozen=True)
class Problem:
    """Why a row (or the file, row 1 = the header) cannot be imported."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"dòng {self.row}" + (f", cột {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Known:
    """What rows may refer to: the registry's staff and courses, the programme catalogue."""

    staff: Collection[str]
    courses: Collection[str]
    programmes: Mapping[str, str]  # code -> Vietnamese name


@dataclass
class Parsed:
    """The file's valid records (keyed by their row number) and its problems."""

    kind: str
    records: dict[int, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # header cells that are not a known column


def text(cell: Cell) -> str:
    """A cell as trimmed text; whole numbers from Excel lose their ".0"."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split()) if cell is not None else ""


def day(cell: Cell) -> str:
    """A date as ISO text, from dd/mm/yyyy, d-m-yyyy, yyyy-mm-dd or an Excel date."""
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    value = text(cell)
    try:
        if match := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value):
            day_, month, year = map(int, match.groups())
            return datetime.date(year, month, day_).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise ValueError(f"ngày không hợp lệ «{value}» (dùng dd/mm/yyyy)")


def phone(cell: Cell) -> str:
    """A Vietnamese phone number as 0xxxxxxxxx, from 0xxx, +84xxx, 84xxx, with spaces, dots or dashes."""
    value = re.sub(r"[\s.()-]", "", text(cell))
    digits = "0" + value[3:] if value.startswith("+84") else value
    if re.fullmatch(r"84\d{9}", digits):
        digits = "0" + digits[2:]
    if re.fullmatch(r"\d{9}", digits) and not digits.startswith("0"):  # Excel dropped the leading 0
        digits = "0" + digits
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise ValueError(f"số điện thoại không hợp lệ «{text(cell)}»")
    return digits


def count(cell: Cell) -> int:
    """A whole number of periods, zero or more."""
    value = text(cell)
    if not re.fullmatch(r"\d{1,4}", value):
        raise ValueError(f"số tiết phải là số nguyên không âm, không phải «{value}»")
    return int(value)


def choice(options: Mapping[str, str]) -> Callable[[Cell], str]:
    """A parser accepting the given spellings (folded) of a fixed set of values."""

    def parse(cell: Cell) -> str:
        value = fold(text(cell)).lower().replace("_", " ")
        if value in options:
            return options[value]
        allowed = ", ".join(sorted(set(options.values())))
        raise ValueError(f"giá trị «{text(cell)}» không hợp lệ (chọn một trong: {allowed})")

    return parse


@dataclass(frozen=True)
class Column:
    """One column of a kind: its English name, the Vietnamese headers organisers use, how to read it."""

    name: str
    aliases: tuple[str, ...] = ()
    parse: Callable[[Cell], object] = text
    required: bool = False
    empty: object = ""  # the value of an empty cell


GENDERS = {"nam": "male", "male": "male", "m": "male", "nu": "female", "female": "female", "f": "female"}
LEADER_LEVELS = {"cap phong": "cap_phong", "cap so": "cap_so", "cap vu": "cap_vu"}
ROLES = {"staff": "staff", "officer": "officer", "can bo to chuc": "officer", "to chuc": "officer"}
COURSE_STATUSES = {
    "scheduled": "scheduled", "du kien": "scheduled", "sap khai giang": "scheduled",
    "cancelled": "cancelled", "huy": "cancelled", "da huy": "cancelled",
    "completed": "completed", "da ket thuc": "completed", "ket thuc": "completed",
}  # fmt: skip
ENROLLMENT_STATUSES = {
    "enrolled": "enrolled", "dang ky": "enrolled", "da dang ky": "enrolled",
    "completed": "completed", "hoan thanh": "completed", "da hoan thanh": "completed",
    "withdrawn": "withdrawn", "rut": "withdrawn", "rut ten": "withdrawn", "thoi hoc": "withdrawn",
}  # fmt: skip

STAFF_CODE = Column("staff_code", ("Mã cán bộ", "Mã CBCC", "Mã nhân sự", "Mã số cán bộ"), required=True)
PROGRAMME = Column("programme", ("Chương trình", "Mã chương trình"), required=True)
COURSE_CODE = Column("course_code", ("Mã lớp", "Mã khóa học", "Mã lớp học"), required=True)
COLUMNS: dict[str, tuple[Column, ...]] = {
    "staff": (
        STAFF_CODE,
        Column("full_name", ("Họ và tên", "Họ tên"), required=True),
        Column("date_of_birth", ("Ngày sinh",), day, empty=None),
        Column("gender", ("Giới tính",), choice(GENDERS)),
        Column("unit_code", ("Mã đơn vị",), required=True),
        Column("unit_name", ("Tên đơn vị", "Đơn vị"), required=True),
        Column("parent_unit_code", ("Mã đơn vị cấp trên",)),
        Column("position", ("Chức vụ", "Chức danh", "Chức vụ, chức danh")),
        Column("leader_level", ("Cấp lãnh đạo", "Cấp quản lý"), choice(LEADER_LEVELS)),
        Column("appointed_on", ("Ngày bổ nhiệm",), day, empty=None),
        Column("phone", ("Số điện thoại", "Điện thoại", "SĐT"), phone),
        Column("role", ("Vai trò",), choice(ROLES), empty="staff"),
    ),
    "trainings": (
        STAFF_CODE,
        PROGRAMME,
        Column("completed_on", ("Ngày hoàn thành", "Ngày cấp"), day, required=True),
        Column("periods", ("Số tiết",), count, empty=None),
        Column("certificate_no", ("Số chứng chỉ", "Số văn bằng", "Số giấy chứng nhận")),
    ),
    "courses": (
        COURSE_CODE,
        Column("title", ("Tên lớp", "Tên khóa học"), required=True),
        PROGRAMME,
        Column("starts_on", ("Ngày khai giảng", "Ngày bắt đầu"), day, required=True),
        Column("ends_on", ("Ngày kết thúc", "Ngày bế giảng"), day, empty=None),
        Column("location", ("Địa điểm",)),
        Column("organizer", ("Đơn vị tổ chức", "Cơ sở đào tạo")),
        Column("status", ("Trạng thái",), choice(COURSE_STATUSES), empty="scheduled"),
    ),
    "enrollments": (
        COURSE_CODE,
        STAFF_CODE,
        Column("status", ("Trạng thái",), choice(ENROLLMENT_STATUSES), empty="enrolled"),
    ),
}
KEYS = {
    "staff": ("staff_code",),
    "trainings": ("staff_code", "programme", "completed_on"),
    "courses": ("course_code",),
    "enrollments": ("course_code", "staff_code"),
}


def _header_key(cell: str) -> str:
    return " ".join(fold(cell).lower().replace("_", " ").split())


def parse_file(path: Path, kind: str, known: Known) -> Parsed:
    """Every valid record of the file and every problem; a file with any problem imports nothing."""
    header, rows = read_table(path)
    parsed = Parsed(kind)
    columns = _match_header(header, COLUMNS[kind], parsed)
    if parsed.problems:
        return parsed
    seen: dict[tuple, int] = {}
    for number, cells in rows:
        record = _parse_row(number, cells, columns, parsed)
        if record is None:
            continue
        _check_references(number, record, known, parsed)
        key = tuple(record[name] for name in KEYS[kind])
        if key in seen:
            names = ", ".join(KEYS[kind])
            parsed.problems.append(Problem(number, names, f"trùng khoá với dòng {seen[key]}"))
            continue
        seen[key] = number
        parsed.records[number] = record
    return parsed


def _match_header(header: list[str], columns: tuple[Column, ...], parsed: Parsed) -> dict[str, int]:
    """Column name -> position in the file; missing required columns are problems of row 1."""
    lookup = {_header_key(a): c.name for c in columns for a in (c.name, *c.aliases)}
    positions: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = lookup.get(_header_key(cell))
        if name is None:
            parsed.ignored.append(cell)
        elif name in positions:
            parsed.problems.append(Problem(1, cell, f"cột {name} xuất hiện hai lần"))
        else:
            positions[name] = position
    for column in columns:
        if column.required and column.name not in positions:
            reason = f"thiếu cột (tiêu đề «{column.name}» hoặc «{column.aliases[0]}»)"
            parsed.problems.append(Problem(1, column.name, reason))
    return positions


def _parse_row(number: int, cells: list[Cell], positions: dict[str, int], parsed: Parsed) -> dict | None:
    """The row as a record of parsed values, or None with its problems recorded."""
    record: dict = {}
    ok = True
    for column in COLUMNS[parsed.kind]:
        position = positions.get(column.name)
        cell = cells[position] if position is not None and position < len(cells) else None
        if text(cell) == "":
            if column.required:
                parsed.problems.append(Problem(number, column.name, "bắt buộc nhưng để trống"))
                ok = False
            record[column.name] = column.empty
            continue
        try:
            record[column.name] = column.parse(cell)
        except ValueError as exc:
            parsed.problems.append(Problem(number, column.name, str(exc)))
            ok = False
    return record if ok else None


def _check_references(number: int, record: dict, known: Known, parsed: Parsed) -> None:
    """Codes that must exist already: staff, courses and programmes; course dates in order."""
    problems = parsed.problems
    if "programme" in record and record["programme"] not in known.programmes:
        by_name = {_header_key(name): code for code, name in known.programmes.items()}
        if code := by_name.get(_header_key(record["programme"])):  # the name instead of the code
            record["programme"] = code
        else:
            problems.append(Problem(number, "programme", f"không có trong danh mục: «{record['programme']}»"))
    if parsed.kind in ("trainings", "enrollments") and record["staff_code"] not in known.staff:
        problems.append(Problem(number, "staff_code", f"chưa có cán bộ mã «{record['staff_code']}»"))
    if parsed.kind == "enrollments" and record["course_code"] not in known.courses:
        problems.append(Problem(number, "course_code", f"chưa có lớp mã «{record['course_code']}»"))
    if parsed.kind == "courses" and record["ends_on"] and record["ends_on"] < record["starts_on"]:
        problems.append(Problem(number, "ends_on", "ngày kết thúc trước ngày khai giảng"))
