"""Training standards: the bundled catalogue and rules, every state at its boundaries, the loader's errors."""

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.standards import (
    STANDARDS,
    Citation,
    Person,
    Rule,
    Standards,
    StandardsError,
    Training,
    add_months,
    evaluate,
    load_programmes,
    load_standards,
)

TODAY = date(2026, 8, 1)
CLERK = Person(position="Công chức Văn phòng - Thống kê")
LEVEL_EXAMPLE = re.compile(
    r"^# --- example: level_for_position ---\n(.*?)^# --- end of example ---", re.MULTILINE | re.DOTALL
)


@pytest.fixture(scope="module")
def programmes():
    """The bundled programme catalogue."""
    return load_programmes()


@pytest.fixture(scope="module")
def standards(programmes):
    """The bundled standards."""
    return load_standards(programmes=programmes)


def status(standards, rule_id, person, trainings, today=TODAY):
    """The status of one rule."""
    [found] = [s for s in evaluate(person, trainings, standards, today) if s.rule.id == rule_id]
    return found


def vtvl(day, periods):
    """A job-position training record."""
    return Training("boi_duong_vtvl", day, periods)


def leader(appointed_on, level="cap_phong", **extra):
    """A commune leader at the given level."""
    return Person("Trưởng phòng Kinh tế", level, appointed_on, **extra)


def write(tmp_path, text, name="standards.toml"):
    """A TOML file in tmp_path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def level_example_text():
    """The commented level_for_position example of the bundled file, uncommented."""
    block = LEVEL_EXAMPLE.search(STANDARDS.read_text(encoding="utf-8")).group(1)
    return "".join(line.removeprefix("# ") for line in block.splitlines(keepends=True))


@pytest.fixture(scope="module")
def with_level(programmes, standards, tmp_path_factory):
    """The bundled rules plus the example level rule, uncommented and loaded from a file."""
    path = tmp_path_factory.mktemp("level") / "standards.toml"
    path.write_text(level_example_text(), encoding="utf-8")
    return Standards(programmes, standards.rules + load_standards(path, programmes).rules)


# ---------------------------------------------------------------- the bundled files


def test_catalogue_has_the_programmes_records_name(programmes):
    required = {
        "llct_so_cap",
        "llct_trung_cap",
        "llct_cao_cap",
        "qlnn_cap_phong",
        "qlnn_cap_so",
        "qlnn_cap_vu",
        "qlnn_truoc_2025",
        "boi_duong_vtvl",
        "qp_an",
    }
    assert required <= set(programmes)
    assert programmes["boi_duong_vtvl"].measure == "periods"
    assert {code for code, p in programmes.items() if p.measure == "periods"} == {"boi_duong_vtvl"}
    assert "cấp phòng ở cấp xã" in programmes["qlnn_cap_phong"].name
    assert programmes["qlnn_cap_phong"].duration == "04 tuần"


@pytest.mark.parametrize(
    ("code", "article"),
    [
        ("qlnn_cap_phong", "Điều 15 khoản 3 điểm a"),
        ("qlnn_cap_so", "Điều 15 khoản 3 điểm b"),
        ("qlnn_cap_vu", "Điều 15 khoản 3 điểm c"),
        ("boi_duong_vtvl", "Điều 15 khoản 4"),
        ("qp_an", "Điều 15 khoản 2"),
        ("qlnn_truoc_2025", "Điều 41 khoản 4"),
    ],
)
def test_programmes_cite_the_article_that_defines_them(programmes, code, article):
    assert programmes[code].citation == Citation("171/2025/NĐ-CP", article)


def test_llct_levels_carry_no_unverified_citation(programmes):
    llct = ("llct_so_cap", "llct_trung_cap", "llct_cao_cap")
    assert all(programmes[code].citation is None for code in llct)


def test_bundled_rules_and_their_citations(standards):
    yearly, qlnn = standards.rules
    assert (yearly.id, yearly.kind, yearly.programme, yearly.minimum) == (
        "boi_duong_vtvl_hang_nam",
        "yearly_periods",
        "boi_duong_vtvl",
        40,
    )
    assert yearly.citation.label == "Điều 16 khoản 3, Nghị định 171/2025/NĐ-CP"
    assert (qlnn.kind, qlnn.months) == ("qlnn_after_appointment", 12)
    assert qlnn.citation.label == "Điều 16 khoản 2, Nghị định 171/2025/NĐ-CP"
    assert dict(qlnn.programme_by_level) == {
        "cap_phong": "qlnn_cap_phong",
        "cap_so": "qlnn_cap_so",
        "cap_vu": "qlnn_cap_vu",
    }
    assert qlnn.exemption.appointed_before == date(2025, 6, 30)
    assert qlnn.exemption.programmes == ("qlnn_truoc_2025",)
    assert qlnn.exemption.citation.label == "Điều 41 khoản 4, Nghị định 171/2025/NĐ-CP"


def test_level_rule_ships_only_as_a_commented_example(standards, with_level):
    assert all(rule.kind != "level_for_position" for rule in standards.rules)
    example = with_level.rules[-1]
    assert example.kind == "level_for_position"
    assert example.programmes == ("llct_trung_cap", "llct_cao_cap")
    assert example.citation.label.endswith("Quyết định SỐ/NĂM/QĐ-UBND")


@pytest.mark.parametrize(
    ("citation", "label"),
    [
        (Citation("171/2025/NĐ-CP", "Điều 16 khoản 3"), "Điều 16 khoản 3, Nghị định 171/2025/NĐ-CP"),
        (Citation("12/2026/QĐ-UBND", "Điều 2"), "Điều 2, Quyết định 12/2026/QĐ-UBND"),
        (Citation("100/2025/TT-BTC", "Điều 3"), "Điều 3, Thông tư 100/2025/TT-BTC"),
        (Citation("350-QĐ/TW", "Điều 4"), "Điều 4, Quy định 350-QĐ/TW"),
        (Citation("45-HD/BTCTW", "Mục 1"), "Mục 1, Hướng dẫn 45-HD/BTCTW"),
        (Citation("80/2025/QH15", "Điều 29"), "Điều 29, 80/2025/QH15"),
        (Citation("80/2025/QH15", "Điều 29", "Luật"), "Điều 29, Luật 80/2025/QH15"),
    ],
)
def test_citation_label(citation, label):
    assert citation.label == label


# ---------------------------------------------------------------- yearly_periods


def test_39_periods_are_due_until_the_end_of_the_year(standards):
    result = status(standards, "boi_duong_vtvl_hang_nam", CLERK, [vtvl(date(2026, 3, 2), 39)])
    assert (result.state, result.deadline, result.days_left) == ("due", date(2026, 12, 31), 152)
    assert result.satisfied_by is None
    assert result.reason == "Đã học 39/40 tiết trong năm 2026; còn thiếu 1 tiết."


def test_40_periods_are_met(standards):
    record = vtvl(date(2026, 3, 2), 40)
    result = status(standards, "boi_duong_vtvl_hang_nam", CLERK, [record])
    assert (result.state, result.satisfied_by, result.deadline) == ("met", record, None)
    assert result.reason == "Đã học 40/40 tiết trong năm 2026, đạt yêu cầu."


def test_satisfied_by_is_the_record_that_reached_the_minimum(standards):
    first, second, third = vtvl(date(2026, 2, 1), 24), vtvl(date(2026, 5, 1), 16), vtvl(date(2026, 6, 1), 8)
    result = status(standards, "boi_duong_vtvl_hang_nam", CLERK, [third, second, first])
    assert (result.state, result.satisfied_by) == ("met", second)
    assert "48/40" in result.reason


def test_reason_for_a_partial_year_matches_the_brief(standards):
    result = status(standards, "boi_duong_vtvl_hang_nam", CLERK, [vtvl(date(2026, 1, 10), 24)])
    assert result.reason == "Đã học 24/40 tiết trong năm 2026; còn thiếu 16 tiết."


def test_31_december_of_last_year_does_not_count_1_january_does(standards):
    last_year = status(standards, "boi_duong_vtvl_hang_nam", CLERK, [vtvl(date(2025, 12, 31), 40)])
    this_year = status(standards, "boi_duong_vtvl_hang_nam", CLERK, [vtvl(date(2026, 1, 1), 40)])
    assert last_year.state == "due"
    assert "0/40" in last_year.reason
    assert this_year.state == "met"


def test_on_31_december_it_is_due_with_no_days_left_never_overdue(standards):
    result = status(standards, "boi_duong_vtvl_hang_nam", CLERK, [], today=date(2026, 12, 31))
    assert (result.state, result.days_left) == ("due", 0)
    new_year = status(
        standards, "boi_duong_vtvl_hang_nam", CLERK, [vtvl(date(2026, 12, 31), 40)], today=date(2027, 1, 1)
    )
    assert (new_year.state, new_year.deadline, new_year.days_left) == ("due", date(2027, 12, 31), 364)


def test_unknown_periods_leave_a_short_year_unknown(standards):
    result = status(
        standards,
        "boi_duong_vtvl_hang_nam",
        CLERK,
        [vtvl(date(2026, 2, 1), 24), vtvl(date(2026, 3, 1), None)],
    )
    assert (result.state, result.deadline, result.days_left) == ("unknown", None, None)
    assert "24/40" in result.reason and "chưa ghi số tiết" in result.reason


def test_unknown_periods_do_not_matter_once_the_known_ones_suffice(standards):
    enough = vtvl(date(2026, 3, 1), 40)
    result = status(standards, "boi_duong_vtvl_hang_nam", CLERK, [vtvl(date(2026, 2, 1), None), enough])
    assert (result.state, result.satisfied_by) == ("met", enough)


def test_unknown_periods_of_last_year_do_not_make_this_year_unknown(standards):
    result = status(standards, "boi_duong_vtvl_hang_nam", CLERK, [vtvl(date(2025, 6, 1), None)])
    assert result.state == "due"


def test_only_completed_records_of_the_programme_count(standards):
    records = [
        Training("qp_an", date(2026, 2, 1), 40),
        vtvl(None, 40),
        vtvl(date(2026, 9, 1), 40),
        vtvl(date(2026, 3, 1), -10),
        vtvl(date(2026, 4, 1), 30),
    ]
    result = status(standards, "boi_duong_vtvl_hang_nam", CLERK, records)
    assert result.state == "due"
    assert result.reason == "Đã học 30/40 tiết trong năm 2026; còn thiếu 10 tiết."


# ---------------------------------------------------------------- qlnn_after_appointment


def test_not_a_leader_is_not_applicable(standards):
    result = status(standards, "qlnn_sau_bo_nhiem", CLERK, [])
    assert (result.state, result.deadline, result.days_left) == ("not_applicable", None, None)


def test_appointed_29_june_2025_is_exempt(standards):
    result = status(standards, "qlnn_sau_bo_nhiem", leader(date(2025, 6, 29)), [])
    assert (result.state, result.deadline) == ("not_applicable", None)
    assert result.reason == (
        "Được bổ nhiệm ngày 29/06/2025, trước ngày 30/06/2025, nên không phải học "
        "chương trình này (Điều 41 khoản 4, Nghị định 171/2025/NĐ-CP)."
    )


def test_appointed_30_june_2025_is_not_exempt(standards):
    result = status(standards, "qlnn_sau_bo_nhiem", leader(date(2025, 6, 30)), [], today=date(2025, 7, 1))
    assert (result.state, result.deadline, result.days_left) == ("due", date(2026, 6, 30), 364)
    assert result.reason == (
        "Chưa hoàn thành chương trình bồi dưỡng quản lý nhà nước; hạn chót 30/06/2026, còn 364 ngày."
    )


def test_an_earlier_leadership_appointment_before_the_cut_off_exempts(standards):
    promoted = leader(date(2026, 1, 5), "cap_so", first_appointed_on=date(2019, 4, 1))
    result = status(standards, "qlnn_sau_bo_nhiem", promoted, [])
    assert result.state == "not_applicable"
    assert "01/04/2019" in result.reason


def test_deadline_day_is_due_the_day_after_overdue(standards):
    person = leader(date(2025, 7, 15))
    on_the_day = status(standards, "qlnn_sau_bo_nhiem", person, [], today=date(2026, 7, 15))
    day_after = status(standards, "qlnn_sau_bo_nhiem", person, [], today=date(2026, 7, 16))
    assert (on_the_day.state, on_the_day.deadline, on_the_day.days_left) == ("due", date(2026, 7, 15), 0)
    assert "hôm nay (15/07/2026) là hạn chót" in on_the_day.reason
    assert (day_after.state, day_after.deadline, day_after.days_left) == ("overdue", date(2026, 7, 15), -1)
    assert day_after.reason == (
        "Chưa hoàn thành chương trình bồi dưỡng quản lý nhà nước; đã quá hạn 1 ngày (hạn chót 15/07/2026)."
    )


def test_appointed_on_29_february_has_its_deadline_on_28_february(standards):
    person = leader(date(2028, 2, 29))
    on_the_day = status(standards, "qlnn_sau_bo_nhiem", person, [], today=date(2029, 2, 28))
    day_after = status(standards, "qlnn_sau_bo_nhiem", person, [], today=date(2029, 3, 1))
    assert (on_the_day.state, on_the_day.deadline, on_the_day.days_left) == ("due", date(2029, 2, 28), 0)
    assert (day_after.state, day_after.days_left) == ("overdue", -1)


def test_the_old_certificate_exempts(standards):
    certificate = Training("qlnn_truoc_2025", date(2023, 5, 20), certificate_no="QLNN-123")
    result = status(standards, "qlnn_sau_bo_nhiem", leader(date(2026, 1, 5)), [certificate])
    assert (result.state, result.satisfied_by) == ("not_applicable", certificate)
    assert result.reason == (
        "Đã có chứng chỉ số QLNN-123 theo chương trình bồi dưỡng cũ được công nhận nên "
        "không phải học chương trình này (Điều 41 khoản 4, Nghị định 171/2025/NĐ-CP)."
    )


def test_the_old_certificate_exempts_even_without_an_appointment_date(standards):
    certificate = Training("qlnn_truoc_2025", date(2023, 5, 20))
    assert status(standards, "qlnn_sau_bo_nhiem", leader(None), [certificate]).state == "not_applicable"


def test_an_old_certificate_without_a_date_does_not_exempt(standards):
    undated = Training("qlnn_truoc_2025", None)
    result = status(standards, "qlnn_sau_bo_nhiem", leader(date(2026, 1, 5)), [undated])
    assert result.state == "due"


def test_missing_appointment_date_is_unknown(standards):
    result = status(standards, "qlnn_sau_bo_nhiem", leader(None), [])
    assert (result.state, result.deadline, result.days_left) == ("unknown", None, None)
    assert "ngày quyết định bổ nhiệm" in result.reason


def test_a_level_without_a_programme_is_unknown(standards):
    result = status(standards, "qlnn_sau_bo_nhiem", leader(date(2026, 1, 5), "cap_thu_truong"), [])
    assert (result.state, result.deadline) == ("unknown", None)


def test_the_programme_of_the_level_is_met_whatever_its_date(standards):
    done_before = Training("qlnn_cap_phong", date(2024, 11, 2))
    result = status(standards, "qlnn_sau_bo_nhiem", leader(date(2026, 1, 5)), [done_before])
    assert (result.state, result.satisfied_by, result.deadline) == ("met", done_before, None)
    assert result.reason == "Đã hoàn thành chương trình bồi dưỡng quản lý nhà nước ngày 02/11/2024."


def test_the_programme_of_another_level_does_not_count(standards):
    other_level = Training("qlnn_cap_so", date(2026, 3, 1))
    result = status(standards, "qlnn_sau_bo_nhiem", leader(date(2026, 1, 5)), [other_level])
    assert (result.state, result.deadline, result.days_left) == ("due", date(2027, 1, 5), 157)
    assert result.reason.endswith("hạn chót 05/01/2027, còn 157 ngày.")


def test_a_record_dated_after_today_is_not_yet_completed(standards):
    planned = Training("qlnn_cap_phong", date(2026, 9, 1))
    result = status(standards, "qlnn_sau_bo_nhiem", leader(date(2025, 7, 1)), [planned])
    assert result.state == "overdue"


# ---------------------------------------------------------------- level_for_position


@pytest.mark.parametrize(
    "position",
    [
        "Trưởng phòng Văn hóa - Xã hội",
        "truong phong van hoa - xa hoi",
        "TRƯỞNG PHÒNG VĂN HÓA   -  XÃ HỘI",
        "  Phó trưởng phòng văn hoá - xã hội ",  # "hoá": the other tone placement
        "Tru\u031bo\u031b\u0300ng pho\u0300ng Va\u0306n ho\u0301a - Xa\u0303 ho\u0323i",  # decomposed (NFD)
    ],
)
def test_level_rule_matches_without_case_diacritics_or_spacing(with_level, position):
    lower_level = Training("llct_so_cap", date(2015, 1, 1))
    result = status(with_level, "llct_theo_chuc_vu", Person(position), [lower_level])
    assert (result.state, result.deadline, result.days_left) == ("due", None, None)
    assert result.reason == (
        "Chưa có trình độ theo yêu cầu của chức vụ: trung cấp lý luận chính trị "
        "hoặc cao cấp lý luận chính trị."
    )


@pytest.mark.parametrize(
    "position", ["Trưởng phòng Kinh tế", "Trưởng phòng Văn hóa - Xã hội xã An Bình", "Trưởng phòng"]
)
def test_level_rule_does_not_match_other_positions(with_level, position):
    assert status(with_level, "llct_theo_chuc_vu", Person(position), []).state == "not_applicable"


def test_level_rule_is_met_by_any_accepted_programme(with_level):
    degree = Training("llct_cao_cap", date(2021, 6, 30))
    result = status(with_level, "llct_theo_chuc_vu", Person("Trưởng phòng Văn hóa - Xã hội"), [degree])
    assert (result.state, result.satisfied_by) == ("met", degree)
    assert result.reason == "Đã hoàn thành cao cấp lý luận chính trị ngày 30/06/2021."


def test_level_rule_without_a_position_is_unknown(with_level):
    assert status(with_level, "llct_theo_chuc_vu", Person("  "), []).state == "unknown"


def test_level_rule_ignores_an_undated_record(with_level):
    result = status(
        with_level,
        "llct_theo_chuc_vu",
        Person("Trưởng phòng Văn hóa - Xã hội"),
        [Training("llct_trung_cap", None)],
    )
    assert result.state == "due"


# ---------------------------------------------------------------- add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 7, 15), 12, date(2026, 7, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(9999, 6, 1), 12, date.max),
        (date(1, 3, 1), -12, date.min),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


# ---------------------------------------------------------------- loader errors

VALID_RULE = """
[[rule]]
id = "vtvl"
title = "Bồi dưỡng hằng năm"
kind = "yearly_periods"
programme = "boi_duong_vtvl"
minimum = 40
document = "171/2025/NĐ-CP"
article = "Điều 16 khoản 3"
"""

QLNN_RULE = """
[[rule]]
id = "qlnn"
title = "QLNN"
kind = "qlnn_after_appointment"
months = 12
document = "171/2025/NĐ-CP"
article = "Điều 16 khoản 2"
[rule.programme_by_level]
cap_phong = "qlnn_cap_phong"
[rule.exemption]
appointed_before = 2025-06-30
programmes = ["qlnn_truoc_2025"]
document = "171/2025/NĐ-CP"
article = "Điều 41 khoản 4"
"""


def test_valid_tmp_files_load(tmp_path, programmes):
    rules = load_standards(write(tmp_path, VALID_RULE + QLNN_RULE), programmes).rules
    assert [rule.id for rule in rules] == ["vtvl", "qlnn"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (VALID_RULE.replace("yearly_periods", "monthly"), r"rule 'vtvl': kind: unknown kind 'monthly'"),
        (VALID_RULE.replace('"boi_duong_vtvl"', '"boi_duong"'), r"rule 'vtvl': programme: unknown programme"),
        (VALID_RULE.replace('"boi_duong_vtvl"', '"qp_an"'), r"rule 'vtvl': programme: 'qp_an' is not"),
        (VALID_RULE + VALID_RULE, r"rule 'vtvl': id: duplicate id"),
        (VALID_RULE.replace("minimum = 40\n", ""), r"rule 'vtvl': minimum: missing"),
        (VALID_RULE.replace('article = "Điều 16 khoản 3"\n', ""), r"rule 'vtvl': article: missing"),
        (VALID_RULE.replace('id = "vtvl"\n', ""), r"rule #1: id: missing"),
        (VALID_RULE.replace('title = "Bồi dưỡng hằng năm"\n', ""), r"rule 'vtvl': title: missing"),
        (VALID_RULE.replace("minimum = 40", 'minimum = "40"'), r"rule 'vtvl': minimum: must be a positive"),
        (VALID_RULE.replace("minimum = 40", "minimum = true"), r"rule 'vtvl': minimum: must be a positive"),
        (VALID_RULE.replace("minimum = 40", "minimum = 0"), r"rule 'vtvl': minimum: must be a positive"),
        (VALID_RULE.replace("minimum = 40", "minimun = 40"), r"rule 'vtvl': minimum: missing"),
        (VALID_RULE + "months = 3\n", r"rule 'vtvl': months: unknown key"),
        (VALID_RULE.replace('id = "vtvl"', 'id = "Bồi dưỡng"'), r"rule #1: id: must be lower-case"),
        (
            QLNN_RULE.replace('cap_phong = "qlnn_cap_phong"', 'cap_phong = "qlnn_cap_xa"'),
            r"rule 'qlnn': programme_by_level: cap_phong: unknown programme 'qlnn_cap_xa'",
        ),
        (
            QLNN_RULE.replace('["qlnn_truoc_2025"]', '["qlnn_cu"]'),
            r"rule 'qlnn': exemption: programmes: unknown programme",
        ),
        (QLNN_RULE.replace("2025-06-30", '"2025-06-30"'), r"'qlnn': exemption: appointed_before: must be"),
        (QLNN_RULE.replace("2025-06-30", "2025-06-30T08:00:00"), r"exemption: appointed_before: must be"),
        (QLNN_RULE.replace('article = "Điều 41 khoản 4"\n', ""), r"rule 'qlnn': exemption: article: missing"),
        (QLNN_RULE.replace("months = 12\n", ""), r"rule 'qlnn': months: missing"),
        (
            QLNN_RULE.replace('[rule.programme_by_level]\ncap_phong = "qlnn_cap_phong"\n', ""),
            r"rule 'qlnn': programme_by_level: missing",
        ),
        ('[rule]\nid = "x"\n', r"rule: must be written as \[\[rule\]\] tables"),
        ("rules = []\n", r"rules: unknown key"),
        ("[[rule]\n", r"not valid TOML"),
    ],
)
def test_loader_errors_name_the_file_the_rule_and_the_key(tmp_path, programmes, text, message):
    path = write(tmp_path, text)
    with pytest.raises(StandardsError, match=message) as caught:
        load_standards(path, programmes)
    assert str(caught.value).startswith(str(path))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('positions = "Trưởng phòng"', r"rule 'muc': positions: must be a non-empty list"),
        ("positions = []", r"rule 'muc': positions: must be a non-empty list"),
        ('programmes = ["llct_chuyen_sau"]', r"rule 'muc': programmes: unknown programme 'llct_chuyen_sau'"),
    ],
)
def test_level_rule_errors(tmp_path, programmes, text, message):
    base = {"positions": 'positions = ["Trưởng phòng"]', "programmes": 'programmes = ["llct_trung_cap"]'}
    base[text.split(" =")[0]] = text
    rule = (
        '[[rule]]\nid = "muc"\ntitle = "LLCT"\nkind = "level_for_position"\ndocument = "1/2026/QĐ-UBND"\n'
        f'article = "Điều 1"\n{base["positions"]}\n{base["programmes"]}\n'
    )
    with pytest.raises(StandardsError, match=message):
        load_standards(write(tmp_path, rule), programmes)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(StandardsError, match=r"nope\.toml: file not found"):
        load_standards(tmp_path / "nope.toml", {})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[llct]\nmeasure = "completion"\n', r"\[llct\]: name: missing"),
        ('[llct]\nname = "LLCT"\nmeasure = "days"\n', r"\[llct\]: measure: must be one of"),
        ('[llct]\nname = "LLCT"\ndocument = "171/2025/NĐ-CP"\n', r"\[llct\]: article: missing"),
        ('[llct]\nname = "LLCT"\nnote = "x"\n', r"\[llct\]: note: unknown key"),
        ('[LLCT]\nname = "LLCT"\n', r"\[LLCT\]: code must be lower-case"),
        ("", r"no programmes"),
    ],
)
def test_programme_loader_errors(tmp_path, text, message):
    with pytest.raises(StandardsError, match=message):
        load_programmes(write(tmp_path, text, "programmes.toml"))


def test_evaluate_rejects_a_rule_of_unknown_kind(programmes):
    rule = Rule("x", "X", "monthly", Citation("171/2025/NĐ-CP", "Điều 1"))
    with pytest.raises(StandardsError, match="rule 'x': kind"):
        evaluate(CLERK, [], Standards(programmes, (rule,)), TODAY)


# ---------------------------------------------------------------- properties

CODES = [
    "boi_duong_vtvl",
    "qlnn_cap_phong",
    "qlnn_cap_so",
    "qlnn_truoc_2025",
    "llct_trung_cap",
    "llct_cao_cap",
    "unknown_code",
]
trainings = st.lists(
    st.builds(
        Training,
        st.sampled_from(CODES),
        st.none() | st.dates(),
        st.none() | st.integers(-100, 10_000),
        st.text(max_size=5),
    ),
    max_size=8,
)
positions = st.sampled_from(["", "Trưởng phòng Văn hóa - Xã hội", "Chủ tịch"]) | st.text(max_size=20)
levels = st.sampled_from(["", "cap_phong", "cap_so", "cap_vu", "khac"])
people = st.builds(Person, positions, levels, st.none() | st.dates(), st.none() | st.dates())


@settings(max_examples=300, deadline=None)
@given(person=people, records=trainings, today=st.dates())
def test_evaluate_never_raises_and_answers_every_rule(with_level, person, records, today):
    statuses = evaluate(person, records, with_level, today)
    assert [s.rule for s in statuses] == list(with_level.rules)
    for result in statuses:
        assert result.state in {"met", "due", "overdue", "not_applicable", "unknown"}
        assert result.reason and result.reason.endswith(".")
        assert (result.days_left is None) == (result.deadline is None)
        assert (result.state == "overdue") == (result.days_left is not None and result.days_left < 0)
        assert result.satisfied_by is None or result.satisfied_by.completed_on <= today
        if result.rule.kind == "yearly_periods":
            assert result.state != "overdue"
