"""Registry imports: whole files or nothing, every bad row reported, upserts counted, csv and xlsx alike."""

import csv
import datetime
from pathlib import Path

import openpyxl
import pytest

from bot.db import open_database
from bot.registry import Counts, Registry
from bot.spreadsheets import SheetError

PROGRAMMES = {"boi_duong_vtvl": "Bồi dưỡng theo yêu cầu vị trí việc làm", "qlnn_cap_phong": "QLNN cấp phòng"}
STAFF_HEADER = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên",
                "Chức vụ", "Cấp lãnh đạo", "Ngày bổ nhiệm", "Số điện thoại", "Vai trò"]  # fmt: skip
STAFF = [
    ["T01", "Nguyễn Văn An", "01/02/1980", "TINH", "Sở Nội vụ", "", "Chuyên viên", "", "", "0912 345 678",
     "cán bộ tổ chức"],
    ["X01", "Trần Thị Bình", "1985-08-15", "XA1", "UBND xã Hòa An", "TINH", "Phó Trưởng phòng", "cấp phòng",
     "1/9/2025", "+84 987 654 321", ""],
    ["X02", "Lê Văn Cường", "", "XA1", "UBND xã Hòa An", "TINH", "Công chức", "", "", "", ""],
]  # fmt: skip


def write(path: Path, header: list[str], rows: list[list]) -> Path:
    """A .csv or .xlsx file with these cells."""
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows([header, *rows])
    else:
        book = openpyxl.Workbook()
        for row in [header, *rows]:
            book.active.append(row)
        book.save(path)
    return path


@pytest.fixture
def registry() -> Registry:
    return Registry(open_database(":memory:"), PROGRAMMES)


def table(registry: Registry, name: str) -> list[dict]:
    return list(registry.db.query(f"SELECT * FROM {name}"))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_staff_import_normalises_and_reimport_counts_unchanged(registry, tmp_path, suffix):
    path = write(tmp_path / f"staff{suffix}", ["STT", *STAFF_HEADER], [[n, *r] for n, r in enumerate(STAFF)])
    first = registry.import_file(path, "staff")
    assert first.counts == Counts(inserted=3) and first.parsed.ignored == ["STT"]
    binh = registry.db["staff"].get("X01")
    assert (binh["phone"], binh["appointed_on"], binh["leader_level"]) == (
        "0987654321",
        "2025-09-01",
        "cap_phong",
    )
    assert registry.db["staff"].get("T01")["role"] == "officer"
    assert registry.db["units"].get("XA1")["parent_code"] == "TINH"
    assert registry.import_file(path, "staff").counts == Counts(unchanged=3)


def test_changed_rows_are_updated_and_missing_people_kept_unless_pruned(registry, tmp_path):
    registry.import_file(write(tmp_path / "a.csv", STAFF_HEADER, STAFF), "staff")
    changed = [STAFF[0], [*STAFF[1][:6], "Trưởng phòng", *STAFF[1][7:]]]
    path = write(tmp_path / "b.csv", STAFF_HEADER, changed)
    assert registry.import_file(path, "staff").counts == Counts(updated=1, unchanged=1)
    assert registry.db["staff"].get("X02")["active"] == 1
    assert registry.import_file(path, "staff", prune=True).counts == Counts(unchanged=2, deactivated=1)
    assert registry.db["staff"].get("X02")["active"] == 0


def test_dry_run_counts_but_writes_nothing(registry, tmp_path):
    result = registry.import_file(write(tmp_path / "a.csv", STAFF_HEADER, STAFF), "staff", dry_run=True)
    assert result.counts == Counts(inserted=3)
    assert table(registry, "staff") == [] and table(registry, "units") == []


BAD_ROWS = [
    ("trainings", ["X09", "boi_duong_vtvl", "01/03/2026", "8", ""], "staff_code", "chưa có cán bộ"),
    ("trainings", ["X01", "boi_duong_vtvl", "31/02/2026", "8", ""], "completed_on", "ngày không hợp lệ"),
    ("trainings", ["X01", "tin_hoc", "01/03/2026", "8", ""], "programme", "không có trong danh mục"),
    ("trainings", ["X01", "boi_duong_vtvl", "01/03/2026", "tám", ""], "periods", "số nguyên"),
    ("trainings", ["X01", "", "01/03/2026", "8", ""], "programme", "bắt buộc"),
]


@pytest.mark.parametrize(("kind", "bad", "column", "reason"), BAD_ROWS)
def test_each_bad_row_is_reported_and_nothing_changes(registry, tmp_path, kind, bad, column, reason):
    registry.import_file(write(tmp_path / "s.csv", STAFF_HEADER, STAFF), "staff")
    good = ["X01", "boi_duong_vtvl", "01/02/2026", "16", "CC-1"]
    header = ["staff_code", "programme", "completed_on", "periods", "certificate_no"]
    result = registry.import_file(
        write(tmp_path / "t.csv", header, [good, bad, [*good[:2], "05/02/2026"]]), kind
    )
    assert result.counts is None
    assert [(p.row, p.column) for p in result.parsed.problems] == [(3, column)]
    assert reason in str(result.parsed.problems[0]) and str(result.parsed.problems[0]).startswith("dòng 3")
    assert table(registry, "trainings") == []


def test_duplicate_keys_and_missing_columns_are_reported(registry, tmp_path):
    rows = [STAFF[0], STAFF[1], STAFF[0]]
    result = registry.import_file(write(tmp_path / "d.csv", STAFF_HEADER, rows), "staff")
    assert [(p.row, "trùng khoá với dòng 2" in p.reason) for p in result.parsed.problems] == [(4, True)]
    result = registry.import_file(
        write(tmp_path / "m.csv", STAFF_HEADER[:3], [r[:3] for r in STAFF]), "staff"
    )
    assert {p.column for p in result.parsed.problems} == {"unit_code", "unit_name"}
    assert all(p.row == 1 for p in result.parsed.problems) and table(registry, "staff") == []


def test_units_need_an_existing_parent_and_never_loop(registry, tmp_path):
    orphan = [["X05", "A", "", "XA5", "Xã E", "KHONGCO", "", "", "", "", ""]]
    result = registry.import_file(write(tmp_path / "o.csv", STAFF_HEADER, orphan), "staff")
    assert [p.column for p in result.parsed.problems] == ["parent_unit_code"]
    loop = [
        ["A1", "A", "", "U1", "Một", "U2", "", "", "", "", ""],
        ["B1", "B", "", "U2", "Hai", "U1", "", "", "", "", ""],
    ]
    assert (
        len(registry.import_file(write(tmp_path / "l.csv", STAFF_HEADER, loop), "staff").parsed.problems) == 2
    )


def test_courses_and_enrollments_refer_to_what_exists(registry, tmp_path):
    registry.import_file(write(tmp_path / "s.csv", STAFF_HEADER, STAFF), "staff")
    courses = [
        ["L1", "Lớp QLNN cấp phòng", "QLNN cấp phòng", "01/12/2026", "28/12/2026", "Tỉnh", "Trường", ""],
        ["L2", "Lớp lỗi", "qlnn_cap_phong", "10/12/2026", "01/12/2026", "", "", "hủy"],
    ]
    header = ["course_code", "title", "programme", "starts_on", "ends_on", "location", "organizer", "status"]
    result = registry.import_file(write(tmp_path / "c.csv", header, courses), "courses")
    assert [(p.row, p.column) for p in result.parsed.problems] == [(3, "ends_on")]
    assert registry.import_file(write(tmp_path / "c.csv", header, courses[:1]), "courses").counts == Counts(1)
    assert registry.db["courses"].get("L1")["programme"] == "qlnn_cap_phong"  # named, not coded
    enrollments = [["L1", "X01", "đã đăng ký"], ["L9", "X01", ""], ["L1", "X01", "rút tên"]]
    path = write(tmp_path / "e.csv", ["Mã lớp", "Mã cán bộ", "Trạng thái"], enrollments)
    result = registry.import_file(path, "enrollments")
    assert [(p.row, p.column) for p in result.parsed.problems] == [
        (3, "course_code"),
        (4, "course_code, staff_code"),
    ]


def test_valid_trainings_and_enrollments_are_stored_and_counted(registry, tmp_path):
    registry.import_file(write(tmp_path / "s.csv", STAFF_HEADER, STAFF), "staff")
    header = ["Mã cán bộ", "Chương trình", "Ngày hoàn thành", "Số tiết", "Số chứng chỉ"]
    rows = [
        ["X01", "boi_duong_vtvl", "01/02/2026", "16", "CC-1"],
        ["X02", "qlnn_cap_phong", "2025-12-01", "", ""],
    ]
    trainings = write(tmp_path / "t.csv", header, rows)
    assert registry.import_file(trainings, "trainings").counts == Counts(2)
    assert registry.db["trainings"].get(("X01", "boi_duong_vtvl", "2026-02-01"))["periods"] == 16
    rows[0][3] = "24"
    assert registry.import_file(write(trainings, header, rows), "trainings").counts == Counts(0, 1, 1)
    course_header = ["Mã lớp", "Tên lớp", "Chương trình", "Ngày khai giảng"]
    registry.import_file(
        write(tmp_path / "c.csv", course_header, [["L1", "Lớp", "qlnn_cap_phong", "01/12/2026"]]), "courses"
    )
    path = write(tmp_path / "e.csv", ["course_code", "staff_code"], [["L1", "X01"], ["L1", "X02"]])
    assert registry.import_file(path, "enrollments").counts == Counts(2)
    assert {r["status"] for r in table(registry, "enrollments")} == {"enrolled"}
    for kind in ("trainings", "enrollments", "courses"):
        out = tmp_path / f"{kind}.xlsx"
        registry.export(kind, out)
        assert registry.import_file(out, kind).counts.unchanged > 0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_reimports_unchanged(registry, tmp_path, suffix):
    registry.import_file(write(tmp_path / "s.csv", STAFF_HEADER, STAFF), "staff")
    assert registry.export("staff", tmp_path / f"out{suffix}") == 3
    assert registry.import_file(tmp_path / f"out{suffix}", "staff", prune=True).counts == Counts(unchanged=3)


def test_malformed_files_are_one_clear_error(registry, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Mã cán bô\n".encode("latin-1"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    for path, words in ((latin, "UTF-8"), (broken, "Excel"), (empty, "trống"), (tmp_path / "a.txt", ".csv")):
        with pytest.raises(SheetError, match=words):
            registry.import_file(path, "staff")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0912345678", "0912345678"), ("+84 912 345 678", "0912345678"), ("84912345678", "0912345678"),
     ("912345678", "0912345678"), ("0912.345.678", "0912345678"), ("024 3825 1234", "02438251234")],
)  # fmt: skip
def test_phone_spellings(raw, expected):
    from bot.imports import phone

    assert phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "09123456789012", "abc", "+1 202 555 0100"])
def test_bad_phones_are_refused(raw):
    from bot.imports import phone

    with pytest.raises(ValueError, match="số điện thoại"):
        phone(raw)


def test_cli_imports_checks_and_exports_with_the_bundled_catalogue(tmp_path, capsys):
    from bot.cli import main

    config = tmp_path / "bot.toml"
    config.write_text(f'[storage]\ndatabase = "{tmp_path / "r.db"}"\n', encoding="utf-8")
    staff = write(tmp_path / "staff.xlsx", STAFF_HEADER, STAFF)
    assert main(["registry", "import", str(staff), "--kind", "staff", "--config", str(config)]) == 0
    assert "thêm 3" in capsys.readouterr().out
    header = ["Mã cán bộ", "Chương trình", "Ngày hoàn thành", "Số tiết"]
    bad = write(tmp_path / "t.csv", header, [["X01", "boi_duong_vtvl", "30/02/2026", "8"]])
    assert main(["registry", "import", str(bad), "--kind", "trainings", "--config", str(config)]) == 1
    assert "t.csv: dòng 2, cột completed_on" in capsys.readouterr().out
    out = tmp_path / "out.csv"
    assert main(["registry", "export", str(out), "--kind", "staff", "--config", str(config)]) == 0
    assert out.read_text(encoding="utf-8-sig").count("\n") == 4


def test_cli_prints_the_audit_log(tmp_path, capsys):
    from bot.access import Viewer, audit
    from bot.cli import main

    config = tmp_path / "bot.toml"
    config.write_text(f'[storage]\ndatabase = "{tmp_path / "r.db"}"\n', encoding="utf-8")
    db = open_database(tmp_path / "r.db")
    who = Viewer(77, None, True, frozenset())
    audit(db, who, "status", "X01", "", datetime.datetime(2026, 11, 21, 8, tzinfo=datetime.UTC))
    db.close()
    assert main(["registry", "audit", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "2026-11-21T08:00:00+00:00" in out and "user 77" in out and "X01" in out and "1 dòng" in out
