from knowledge.text import fold, telex_candidate, tokens


def test_fold_strips_marks_and_d_bar():
    assert fold("Đào tạo, BỒI DƯỠNG lý luận chính trị") == "dao tao, boi duong ly luan chinh tri"


def test_fold_treats_both_tone_placements_alike():
    assert fold("hoà") == fold("hòa") == "hoa"
    assert fold("thuỷ") == fold("thủy")


def test_fold_accepts_decomposed_input_and_zero_width_characters():
    decomposed = "ca\u0301n bo\u0323\u0302"  # "cán bộ" typed with combining marks
    assert fold(decomposed) == "can bo"
    assert fold("cán\u200b bộ\ufeff") == "can bo"


def test_tokens_split_on_punctuation():
    assert tokens("NĐ 171/2025/NĐ-CP: 40 tiết!") == ["nd", "171", "2025", "nd", "cp", "40", "tiet"]


def test_telex_candidate_strips_one_trailing_tone_letter():
    assert telex_candidate("hocj") == "hoc"
    assert telex_candidate("hoc") is None
