"""Legal figures in answers match the figures recorded for the articles they cite."""

from dataclasses import replace

import pytest

from knowledge.figures import figures_in, load_figures, unrecorded
from knowledge.loader import BUNDLED

RECORDED = load_figures(BUNDLED / "figures.toml")


def test_figures_are_read_as_number_and_unit():
    text = "tối thiểu 01 tuần (40 tiết)/năm, giảm 1,5% mỗi năm; ngày 30/6/2025; Điều 16; năm 2025"
    assert figures_in(text) == [("1", "tuần"), ("40", "tiết"), ("1,5", "%")]


def test_every_recorded_document_is_known(kb):
    assert RECORDED and all(f.document in kb.documents for f in RECORDED)


def test_every_answer_states_only_the_recorded_figures_of_its_articles(kb):
    wrong = {entry.id: unrecorded(entry, RECORDED) for entry in kb.entries}
    assert {k: v for k, v in wrong.items() if v} == {}


@pytest.mark.parametrize(
    ("entry_id", "old", "new"),
    [
        ("boi-duong-toi-thieu-40-tiet-moi-nam", "40 tiết", "45 tiết"),
        ("qlnn-trong-12-thang-sau-bo-nhiem", "12 tháng", "18 tháng"),
        ("thoi-han-nop-chi-phi-den-bu", "120 ngày", "90 ngày"),
    ],
)
def test_an_edited_figure_is_caught(kb, entry_id, old, new):
    entry = kb.entry(entry_id)
    assert old in entry.body
    assert unrecorded(replace(entry, body=entry.body.replace(old, new)), RECORDED) == [new]


def test_a_part_of_an_article_is_covered_by_the_article_and_the_other_way_round():
    [figures] = [f for f in RECORDED if f.article == "Điều 15 khoản 3"]
    assert figures.covers("171/2025/NĐ-CP", "Điều 15 khoản 3 điểm a")
    assert figures.covers("171/2025/NĐ-CP", "Điều 15")
    assert not figures.covers("171/2025/NĐ-CP", "Điều 15 khoản 4")
    assert not figures.covers("170/2025/NĐ-CP", "Điều 15 khoản 3")
