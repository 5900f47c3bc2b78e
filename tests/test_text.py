import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

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


def reference_fold(text: str) -> str:
    """The definition: NFC, drop zero-width, lower, đ -> d, strip every mark, one space."""
    import unicodedata

    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    text = "".join(ch for ch in text if ch not in "\u200b\u200c\u200d\u2060\ufeff\u00ad")
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return " ".join(bare.split())


VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)


@settings(max_examples=500)
@given(st.text(alphabet=VIETNAMESE + " ,.?/-0123456789\u0300\u0301\u0323\u200b", max_size=80))
def test_fold_matches_the_definition_on_vietnamese(text):
    assert fold(text) == reference_fold(text)


@settings(max_examples=1000)
@given(st.text(max_size=80))
@example("0\U0001da000")  # a combining mark beyond the BMP joins the digits, as in the definition
def test_fold_gives_ascii_and_the_same_words_on_any_text(text):
    assert fold(text).isascii()
    assert tokens(text) == re.findall(r"[a-z0-9]+", reference_fold(text))
