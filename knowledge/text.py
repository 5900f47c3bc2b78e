"""Vietnamese text folding and tokenisation shared by the index, the queries and the linter."""

import re
import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_TOKEN = re.compile(r"[a-z0-9]+")
# Telex typed without an input method leaves tone letters behind ("hocj", "nghix"):
# they are stripped only when the bare syllable is a known word.
_TELEX_TONE = re.compile(r"^([a-z]{2,7})[sfrxj]$")


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text: NFC, no diacritics, đ -> d, one space."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH).lower()
    text = text.replace("đ", "d")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.split())


def tokens(text: str) -> list[str]:
    """Folded alphanumeric tokens of a text."""
    return _TOKEN.findall(fold(text))


def telex_candidate(token: str) -> str | None:
    """The syllable a stray Telex tone letter hides, if the token ends with one."""
    match = _TELEX_TONE.match(token)
    return match.group(1) if match else None
