"""Search outcomes on hostile and odd input, and its contract for any text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.search import search

OUTCOMES = {"answer", "suggest", "decline"}

BAD_INPUTS = [
    "",
    "   \n\t ",
    "x" * 4096,
    "bồi dưỡng " * 400,
    "😀🙏🎉",
    "\u200b\u200c\u200d\ufeff",
    "bồi\u200b dưỡng\u200d mỗi năm",
    "Привет 你好 مرحبا bồi dưỡng",
    '" * - NEAR AND OR ( ) :',
    'llct" OR "1"="1',
    "'; DROP TABLE feedback; --",
    "SELECT * FROM staff WHERE 1=1",
    "<script>alert(1)</script>",
    "%s %d {0} {contact}",
    "\x00\x01\x02",
    "NĐ NĐ NĐ 171 171 171",
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_never_raises_and_gets_an_outcome(index, text):
    result = search(index, text)
    assert result.outcome in OUTCOMES
    assert len(result.hits) <= 3


@pytest.mark.parametrize("text", ["", "   ", "😀🙏🎉", "\u200b\u200c", "\x00", "ạ", "cho em hỏi ạ"])
def test_content_free_input_is_declined(index, text):
    assert search(index, text).outcome == "decline"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_ends_in_one_of_three_outcomes(index, text):
    result = search(index, text)
    assert result.outcome in OUTCOMES
    if result.outcome != "decline":
        assert result.hits and 0 <= result.hits[0].score <= 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["bồi", "dưỡng", "llct", "nđ", "171", "/", "-", "qđ", "tw", "2025", "ơi", " "]),
        max_size=30,
    )
)
def test_domain_word_salad_is_handled(index, words):
    assert search(index, " ".join(words)).outcome in OUTCOMES


@pytest.mark.parametrize("question", ["mức lương cơ sở của công chức xã hiện nay", "thủ tục làm sổ đỏ ở xã"])
def test_subjects_no_entry_covers_are_declined(index, question):
    assert search(index, question).outcome == "decline"


def test_an_uncovered_subject_lowers_confidence_in_entries_that_do_not_mention_it(index, monkeypatch):
    from knowledge import search as search_module

    question = "phụ cấp công vụ được bao nhiêu phần trăm"
    penalised = search(index, question).confidence
    monkeypatch.setattr(search_module, "UNCOVERED_FACTOR", 1.0)
    assert penalised < search(index, question).confidence


def test_an_entry_naming_an_uncovered_subject_answers_only_what_else_it_covers(index):
    # entries on planning and discipline name the retirement age; none tells what it is
    assert search(index, "tuổi nghỉ hưu của nam công chức").outcome == "decline"
    result = search(index, "đang bị xem xét kỷ luật mà đến tuổi nghỉ hưu thì có được nghỉ hưu không")
    assert result.outcome != "decline" and "nghi-huu" in result.best.entry.id


def test_a_question_sharing_no_word_pair_is_declined(index):
    assert search(index, "cách làm bánh xèo").outcome == "decline"  # "cách" alone is "cách chức"


def test_a_covered_question_is_not_hurt_by_the_uncovered_subjects(index):
    assert "luong co so" in index.uncovered
    result = search(index, "bồi dưỡng bắt buộc mỗi năm bao nhiêu tiết")
    assert result.outcome == "answer" and result.best.entry.id == "boi-duong-toi-thieu-40-tiet-moi-nam"
