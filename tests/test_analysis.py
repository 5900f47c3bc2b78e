"""Query analysis: document numbers, synonyms, fillers and typo correction."""

import pytest

from knowledge.analysis import DOC_PREFIX


def docs(index, text):
    return [t.removeprefix(DOC_PREFIX) for t in index.analyzer.analyze(text).documents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nđ 171 quy định gì", ["171/2025/NĐ-CP"]),
        ("nghi dinh 171", ["171/2025/NĐ-CP"]),
        ("theo 171/2025 thì sao", ["171/2025/NĐ-CP"]),
        ("Nghị định số 171/2025/NĐ-CP", ["171/2025/NĐ-CP"]),
        ("quy định 350", ["350-QĐ/TW"]),
        ("QĐ 350-QĐ/TW", ["350-QĐ/TW"]),
        ("hướng dẫn 45", ["45-HD/BTCTW"]),
        ("luật 80", ["80/2025/QH15"]),
        ("quy dinh 80", ["80-QĐ/TW"]),
        ("mỗi năm 40 tiết", []),
        ("nghị định 9999", []),
    ],
)
def test_document_numbers_are_understood(index, text, expected):
    assert docs(index, text) == expected


def test_abbreviations_expand_and_fillers_go(index):
    terms = index.analyzer.analyze("cho em hoi hoc tc llct dk gi a")
    assert terms.words == ("hoc", "trung", "cap", "ly", "luan", "chinh", "tri", "dieu", "kien")


def test_fillers_never_eat_words_that_fold_alike(index):
    # "cần" = "cán" (bộ), "chị" = "chi" (phí), "đang" = "Đảng", "bị" = "bí" (thư) once folded
    words = index.analyzer.analyze("cán bộ chi phí đảng bí thư").words
    assert words == ("can", "bo", "chi", "phi", "dang", "bi", "thu")


def test_question_particles_go_only_at_the_end(index):
    assert index.analyzer.analyze("có phải đền bù không ạ").words == ("co", "phai", "den", "bu")
    assert "khong" in index.analyzer.analyze("trường hợp không phải đền bù").words


def test_rewritten_words_survive_filler_removal(index):
    # "không" is filler, but not inside "không hoàn thành nhiệm vụ"
    assert "khong" in index.analyzer.analyze("xep loai ko hoan thanh nhiem vu").words


def test_short_words_are_not_guessed_into_other_words(index):
    # "nấu", "bún" and "xăng" are one letter from domain words; guessing them invents matches
    assert index.analyzer.analyze("nau pho bun gia xang", correct=True).unknown == ("nau", "bun", "xang")


def test_typos_telex_and_run_together_words_are_corrected(index):
    words = index.analyzer.analyze("boiduong hocj dao taoj quan lyy", correct=True).words
    assert words == ("boi", "duong", "hoc", "dao", "tao", "quan", "ly")


def test_a_dropped_n_of_ng_or_nh_and_a_doubled_filler_are_corrected(index):
    words = index.analyzer.analyze("bồi dưỡg nhữg công chức đượcc hoàn thàh", correct=True).words
    assert words == ("boi", "duong", "cong", "chuc", "hoan", "thanh")
    assert index.analyzer.analyze("có phải đền bù ah", correct=True).words == ("co", "phai", "den", "bu")


def test_abbreviations_are_not_mistaken_for_typos(index):
    assert index.analyzer.analyze("llct", correct=True).words == ("ly", "luan", "chinh", "tri")


def test_document_numbers_written_without_a_space(index):
    assert docs(index, "nđ171 quy định gì") == ["171/2025/NĐ-CP"]


def test_a_named_and_numbered_reference_is_removed_whole(index):
    terms = index.analyzer.analyze("nghị định 171/2025 quy định gì về đền bù")
    assert [d.removeprefix(DOC_PREFIX) for d in terms.documents] == ["171/2025/NĐ-CP"]
    assert "2025" not in terms.words and "171" not in terms.words


def test_question_particles_go_at_the_end_of_each_text_analysed_together(index):
    first, second = index.analyzer.analyze_many(["có phải đền bù không ạ", "không phải đền bù"])
    assert first.words == ("co", "phai", "den", "bu")
    assert second.words == ("khong", "phai", "den", "bu")
