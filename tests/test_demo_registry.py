"""The demo registry: a fictional commune that imports cleanly, around any day, and shows every status."""

import re
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest

from bot.db import open_database
from bot.demo_registry import DemoPeople, seed
from bot.registry import Registry
from bot.standards import Person, RuleStatus, Standards, Training, evaluate, load_programmes, load_standards

TODAYS = [date(2026, 11, 21), date(2028, 2, 29)]
KINDS = ("staff", "courses", "trainings", "enrollments")
STATES = {"met", "due", "overdue", "not_applicable", "unknown"}


class Demo(NamedTuple):
    registry: Registry
    people: DemoPeople
    today: date
    folder: Path


def catalogue() -> dict[str, str]:
    return {code: programme.name for code, programme in load_programmes().items()}


@pytest.fixture(params=TODAYS, ids=str)
def demo(request, tmp_path) -> Demo:
    registry = Registry(open_database(":memory:"), catalogue())
    return Demo(registry, seed(registry, tmp_path, request.param), request.param, tmp_path)


@pytest.fixture(scope="module")
def standards() -> Standards:
    return load_standards()


def query(demo: Demo, sql: str, *params: object) -> list[dict]:
    return list(demo.registry.db.query(sql, params))


def days_from_today(demo: Demo, iso: str) -> int:
    return (date.fromisoformat(iso) - demo.today).days


def statuses(demo: Demo, code: str, standards: Standards) -> dict[str, RuleStatus]:
    """Each rule's status for one person of the registry, keyed by rule id."""
    row = demo.registry.db["staff"].get(code)
    appointed = date.fromisoformat(row["appointed_on"]) if row["appointed_on"] else None
    person = Person(row["position"], row["leader_level"], appointed)
    trainings = [
        Training(r["programme"], date.fromisoformat(r["completed_on"]), r["periods"], r["certificate_no"])
        for r in query(demo, "SELECT * FROM trainings WHERE staff_code = ?", code)
    ]
    return {status.rule.id: status for status in evaluate(person, trainings, standards, demo.today)}


def test_files_are_an_organisers_export_and_reimport_unchanged(demo):
    header = (demo.folder / "staff.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("STT,Mã cán bộ,Họ và tên")
    for kind in KINDS:
        result = demo.registry.import_file(demo.folder / f"{kind}.csv", kind, dry_run=True)
        assert result.parsed.problems == []
        assert result.counts.inserted == result.counts.updated == 0 and result.counts.unchanged > 0
        assert result.parsed.ignored == (["STT"] if kind == "staff" else [])


def test_a_file_with_a_problem_stops_the_seed_with_the_problems_listed(tmp_path):
    registry = Registry(open_database(":memory:"), {k: v for k, v in catalogue().items() if k != "qp_an"})
    with pytest.raises(RuntimeError, match=r"courses\.csv.*dòng \d+, cột programme.*qp_an"):
        seed(registry, tmp_path, TODAYS[0])


def test_about_sixty_people_in_two_communes_under_the_province_with_one_organiser_each(demo):
    counted = query(demo, "SELECT unit_code, COUNT(*) AS n FROM staff WHERE active = 1 GROUP BY unit_code")
    per_unit = {r["unit_code"]: r["n"] for r in counted}
    assert 55 <= sum(per_unit.values()) <= 65
    assert per_unit["XA-HOA-AN"] >= 50 and 3 <= per_unit["XA-BINH-MINH"] <= 8
    units = {r["code"]: r["parent_code"] for r in query(demo, "SELECT * FROM units")}
    assert units == {"TINH-DEMO": None, "XA-HOA-AN": "TINH-DEMO", "XA-BINH-MINH": "TINH-DEMO"}
    officers = query(demo, "SELECT unit_code FROM staff WHERE role = 'officer' ORDER BY unit_code")
    assert [r["unit_code"] for r in officers] == ["TINH-DEMO", "XA-BINH-MINH", "XA-HOA-AN"]
    phones = [r["phone"] for r in query(demo, "SELECT phone FROM staff")]
    assert len(set(phones)) == len(phones) and all(re.fullmatch(r"0900000\d{3}", p) for p in phones)


def test_the_demo_identities_exist_with_their_roles_and_phones(demo):
    staff = demo.registry.db["staff"].get(demo.people.staff_code)
    officer = demo.registry.db["staff"].get(demo.people.officer_code)
    assert (staff["role"], staff["unit_code"], staff["leader_level"]) == ("staff", "XA-HOA-AN", "")
    assert (officer["role"], officer["unit_code"]) == ("officer", "XA-HOA-AN")
    assert (staff["phone"], officer["phone"]) == (demo.people.staff_phone, demo.people.officer_phone)


def test_courses_start_in_one_three_and_seven_days_with_one_cancelled_and_one_past(demo):
    courses = query(demo, "SELECT * FROM courses")
    upcoming = sorted(days_from_today(demo, c["starts_on"]) for c in courses if c["status"] == "scheduled")
    assert upcoming[:3] == [1, 3, 7] and any(25 <= days <= 35 for days in upcoming)
    assert [c["status"] for c in courses].count("cancelled") == 1
    (past,) = [c for c in courses if c["status"] == "completed"]
    assert -60 <= days_from_today(demo, past["ends_on"]) < 0
    programmes = {c["programme"] for c in courses}
    assert programmes >= {"boi_duong_vtvl", "qlnn_cap_phong", "llct_trung_cap", "qp_an"}


def test_enrollments_fill_the_near_courses_with_one_withdrawn_and_one_completed(demo):
    enrolled = query(demo, "SELECT e.*, c.starts_on, c.status AS course_status FROM enrollments e "
                           "JOIN courses c ON c.code = e.course_code")  # fmt: skip
    starting_in = {1: set(), 3: set(), 7: set()}
    for row in enrolled:
        days = days_from_today(demo, row["starts_on"])
        if row["status"] == "enrolled" and days in starting_in:
            starting_in[days].add(row["staff_code"])
    assert demo.people.staff_code in starting_in[3]
    assert len(starting_in[1]) >= 3 and len(starting_in[7]) >= 3
    assert [r["status"] for r in enrolled].count("withdrawn") == 1
    assert any(r["status"] == "completed" and r["course_status"] == "completed" for r in enrolled)


def test_no_record_is_in_the_future_and_last_years_records_exist(demo):
    trainings = query(demo, "SELECT * FROM trainings")
    assert max(r["completed_on"] for r in trainings) <= demo.today.isoformat()
    yearly = [r for r in trainings if r["programme"] == "boi_duong_vtvl"]
    assert {r["completed_on"][:4] for r in yearly} == {str(demo.today.year), str(demo.today.year - 1)}
    assert [r["periods"] for r in yearly].count(None) == 1


def test_everyone_together_shows_every_state_of_every_kind_of_rule(demo, standards):
    people = query(demo, "SELECT * FROM staff WHERE active = 1")
    everyone = [(row, statuses(demo, row["code"], standards)) for row in people]
    assert {mine["boi_duong_vtvl_hang_nam"].state for _, mine in everyone} == {"met", "due", "unknown"}
    assert {mine["qlnn_sau_bo_nhiem"].state for _, mine in everyone} == STATES
    exempt = [(row, mine["qlnn_sau_bo_nhiem"]) for row, mine in everyone
              if row["leader_level"] and mine["qlnn_sau_bo_nhiem"].state == "not_applicable"]  # fmt: skip
    certified = [status.satisfied_by.programme for _, status in exempt if status.satisfied_by]
    assert certified == ["qlnn_truoc_2025"]
    assert any(row["appointed_on"] < "2025-06-30" and status.satisfied_by is None for row, status in exempt)


def test_the_demo_staff_member_has_a_gap_that_an_upcoming_course_closes(demo, standards):
    mine = statuses(demo, demo.people.staff_code, standards)
    yearly = mine["boi_duong_vtvl_hang_nam"]
    assert yearly.state == "due"
    last_year = query(demo, "SELECT SUM(periods) AS n FROM trainings WHERE staff_code = ? AND programme = ? "
                            "AND completed_on LIKE ?", demo.people.staff_code, yearly.rule.programme,
                      f"{demo.today.year - 1}-%")  # fmt: skip
    assert last_year[0]["n"] >= yearly.rule.minimum  # last year's tiết do not count this year
    closing = query(demo, "SELECT c.starts_on FROM courses c JOIN enrollments e ON e.course_code = c.code "
                          "WHERE e.staff_code = ? AND e.status = 'enrolled' AND c.status = 'scheduled' "
                          "AND c.programme = ?", demo.people.staff_code, yearly.rule.programme)  # fmt: skip
    assert [days_from_today(demo, c["starts_on"]) for c in closing] == [3]
