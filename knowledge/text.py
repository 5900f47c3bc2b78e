"""Vietnamese text folding and tokenisation shared by the index, the queries and the linter."""

import re
import unicodedata
from functools import cache

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+")
# Telex typed without an input method leaves tone letters behind ("hocj", "nghix"):
# they are stripped only when the bare syllable is a known word.
_TELEX_TONE = re.compile(r"^([a-z]{2,7})[sfrxj]$")


DELETED = 0x7F  # marks and zero-width characters; an input DEL is a separator, like any control
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


@cache
def _ascii_table() -> np.ndarray:
    """For every BMP character, a byte: its bare lower-case ASCII letter or digit, ASCII as itself,
    DELETED for marks and zero-width characters, a space for anything else."""
    table = np.full(0x10000, ord(" "), np.uint8)
    table[:0x80] = np.frombuffer(bytes(range(0x80)).lower(), np.uint8)
    table[DELETED] = ord(" ")
    for code in range(0x80, 0x10000):
        char = chr(code)
        if unicodedata.category(char) == "Mn" or char in _ZERO_WIDTH:
            table[code] = DELETED
        elif unicodedata.decomposition(char)[:1] not in ("", "<"):  # has a canonical decomposition
            decomposed = unicodedata.normalize("NFD", char.lower())
            bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
            if len(bare) == 1 and bare.isascii() and bare.isalnum():
                table[code] = ord(bare)
    table[ord("đ")] = table[ord("Đ")] = ord("d")
    return table


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text: no diacritics, đ -> d, other non-ASCII characters
    as spaces, one space between words. Vectorised: long texts fold at a few ns a character."""
    if text.isascii():
        return " ".join(text.lower().split())
    codes = np.frombuffer(unicodedata.normalize("NFC", text).encode("utf-32-le"), np.uint32)
    folded = _ascii_table()[np.minimum(codes, 0xFFFF)]
    for position in np.flatnonzero(codes > 0xFFFF):  # rare: marks are deleted, the rest separate words
        mark = unicodedata.category(chr(codes[position])) == "Mn"
        folded[position] = DELETED if mark else ord(" ")
    return " ".join(folded.tobytes().decode("ascii").replace(chr(DELETED), "").split())


def tokens(text: str) -> list[str]:
    """Folded alphanumeric tokens of a text."""
    return _TOKEN.findall(fold(text))


def telex_candidate(token: str) -> str | None:
    """The syllable a stray Telex tone letter hides, if the token ends with one."""
    match = _TELEX_TONE.match(token)
    return match.group(1) if match else None
