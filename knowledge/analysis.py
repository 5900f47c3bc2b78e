"""Turn a question or an entry's text into search terms: documents named, words, word pairs."""

import re
from dataclasses import dataclass, field
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.model import Document, Synonym
from knowledge.text import fold, telex_candidate

_KIND_WORDS = {
    "nd": ("nghi dinh",),
    "nghi dinh": ("nghi dinh",),
    "qd": ("quy dinh", "quyet dinh"),
    "quy dinh": ("quy dinh",),
    "quyet dinh": ("quyet dinh",),
    "luat": ("luat",),
    "nq": ("nghi quyet",),
    "nghi quyet": ("nghi quyet",),
    "hd": ("huong dan",),
    "huong dan": ("huong dan",),
    "tt": ("thong tu",),
    "thong tu": ("thong tu",),
    "cv": ("cong van",),
    "cong van": ("cong van",),
}
_KIND = "|".join(sorted(map(re.escape, _KIND_WORDS), key=len, reverse=True))
_DOC_PATTERNS = (
    # "171/2025/NĐ-CP", "171/2025", "03/CV-BCĐ"
    re.compile(r"\b(?:(" + _KIND + r")\s*(?:so\s*)?)?(\d{1,4})\s*/\s*(\d{4}|[a-z]+)(?:\s*/\s*[a-z0-9-]+)?"),
    # "350-QĐ/TW", "45-HD/BTCTW"
    re.compile(r"\b(?:(" + _KIND + r")\s*(?:so\s*)?)?(\d{1,4})\s*-\s*([a-z]+)\s*/\s*[a-z]+"),
    # "nghị định 171", "qđ 350", "luật số 80"
    re.compile(r"\b(" + _KIND + r")\s*(?:so\s*)?(\d{1,4})\b()"),
)
_WORD = re.compile(r"[a-z0-9]+")
DOC_PREFIX = "§"


@dataclass(frozen=True)
class Terms:
    """The search terms of one text."""

    words: tuple[str, ...]
    pairs: tuple[str, ...]
    documents: tuple[str, ...]
    corrected: frozenset[str] = field(default_factory=frozenset)
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class _DocKey:
    number: str
    year: str
    kinds: tuple[str, ...]


def _doc_key(document: Document) -> _DocKey:
    folded = fold(document.number)
    number = re.match(r"\d+", folded)
    year = re.search(r"/(\d{4})", folded)
    suffix = re.search(r"-([a-z]+)", folded) or re.search(r"/([a-z]+)", folded)
    kinds = (fold(document.kind),) + ((suffix.group(1),) if suffix else ())
    return _DocKey(number.group(0) if number else folded, year.group(1) if year else "", kinds)


class Analyzer:
    """Folds, finds document numbers, rewrites synonyms, drops filler, fixes typos."""

    def __init__(
        self,
        documents: dict[str, Document],
        synonyms: tuple[Synonym, ...],
        fillers: tuple[str, ...],
        trailing: tuple[str, ...] = (),
    ) -> None:
        self._doc_keys = {number: _doc_key(doc) for number, doc in documents.items()}
        self._rules = self._build_rules(synonyms)
        self._longest_rule = max((len(k) for k in self._rules), default=1)
        self._rule_words = {word for variant in self._rules for word in variant}
        self._fillers = {tuple(fold(f).split()) for f in fillers}
        self._longest_filler = max((len(f) for f in self._fillers), default=1)
        self._trailing = {fold(t) for t in trailing}
        self._vocabulary: dict[str, int] = {}
        self._vocabulary_list: list[str] = []
        self._pairs: frozenset[str] = frozenset()

    @staticmethod
    def _build_rules(synonyms: tuple[Synonym, ...]) -> dict[tuple[str, ...], tuple[str, ...]]:
        rules: dict[tuple[str, ...], tuple[str, ...]] = {}
        for synonym in synonyms:
            canonical = tuple(_WORD.findall(fold(synonym.canonical)))
            for variant in synonym.variants:
                rules.setdefault(tuple(_WORD.findall(fold(variant))), canonical)
        return rules

    def set_vocabulary(self, counts: dict[str, int], pairs: frozenset[str]) -> None:
        """The words of the index with their frequencies, and its word pairs, for typo correction."""
        self._vocabulary = counts
        self._vocabulary_list = [w for w in counts if len(w) >= 2 and not w.isdigit()]
        self._pairs = pairs

    def documents_in(self, folded: str) -> tuple[list[str], str]:
        """Numbers of the documents a folded text names, and the text without them."""
        found: list[str] = []
        for pattern in _DOC_PATTERNS:
            for match in pattern.finditer(folded):
                kind, number, qualifier = match.group(1), match.group(2), match.group(3)
                hits = self._resolve(kind, number, qualifier)
                if hits:
                    found.extend(h for h in hits if h not in found)
                    folded = folded.replace(match.group(0), " ", 1)
        return found, folded

    def _resolve(self, kind: str | None, number: str, qualifier: str) -> list[str]:
        wanted_kinds = _KIND_WORDS.get(kind or "", ())
        hits = []
        for doc_number, key in self._doc_keys.items():
            if key.number.lstrip("0") != number.lstrip("0"):
                continue
            if qualifier and qualifier != key.year and qualifier not in key.kinds:
                continue
            if wanted_kinds and not set(wanted_kinds) & set(key.kinds):
                continue
            hits.append(doc_number)
        return hits

    def analyze(self, text: str, correct: bool = False) -> Terms:
        """Search terms of a text; `correct` fixes unknown words (for queries, not entries)."""
        documents, rest = self.documents_in(fold(text))
        words = _WORD.findall(rest)
        corrected: set[str] = set()
        unknown: list[str] = []
        if correct:
            words, corrected, unknown = self._correct(words)
        kept = self._drop_fillers(self._rewrite(self._drop_trailing(words)))
        pairs = tuple(f"{a} {b}" for a, b in pairwise(kept))
        documents_terms = tuple(DOC_PREFIX + d for d in documents)
        return Terms(tuple(kept), pairs, documents_terms, frozenset(corrected), tuple(unknown))

    def _rewrite(self, words: list[str]) -> list[tuple[str, bool]]:
        """Apply synonym rules, longest first; rewritten words are protected from filler removal."""
        out: list[tuple[str, bool]] = []
        i = 0
        while i < len(words):
            for size in range(min(self._longest_rule, len(words) - i), 0, -1):
                canonical = self._rules.get(tuple(words[i : i + size]))
                if canonical is not None:
                    out.extend((w, True) for w in canonical)
                    i += size
                    break
            else:
                out.append((words[i], False))
                i += 1
        return out

    def _drop_trailing(self, words: list[str]) -> list[str]:
        """Drop question particles at the end ("... có phải đền bù không ạ")."""
        end = len(words)
        while end and words[end - 1] in self._trailing:
            end -= 1
        return words[:end]

    def _drop_fillers(self, words: list[tuple[str, bool]]) -> list[str]:
        kept: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(self._longest_filler, len(words) - i), 0, -1):
                span = words[i : i + size]
                if not any(p for _, p in span) and tuple(w for w, _ in span) in self._fillers:
                    i += size
                    break
            else:
                kept.append(words[i][0])
                i += 1
        return kept

    def _correct(self, words: list[str]) -> tuple[list[str], set[str], list[str]]:
        """Replace unknown words by the nearest known spelling when the guess is safe.

        Returns the words, the guesses, and the words that stayed unknown.
        """
        known = self._vocabulary
        out: list[str] = []
        corrected: set[str] = set()
        unknown: list[str] = []
        for position, word in enumerate(words):
            if word in known or word in self._rule_words or word.isdigit() or (word,) in self._fillers:
                out.append(word)
                continue
            neighbours = (out[-1] if out else "", words[position + 1] if position + 1 < len(words) else "")
            fixed = self._fix(word, neighbours)
            if fixed:
                out.extend(fixed)
                corrected.update(fixed)
            else:
                out.append(word)
                unknown.append(word)
        return out, corrected, unknown

    def _fix(self, word: str, neighbours: tuple[str, str]) -> list[str]:
        known = self._vocabulary
        telex = telex_candidate(word)
        if telex and telex in known:
            return [telex]
        for cut in range(2, len(word) - 1) if len(word) >= 6 else ():  # run together: "boiduong"
            if word[:cut] in known and word[cut:] in known:
                return [word[:cut], word[cut:]]
        undoubled = re.sub(r"(.)\1+", r"\1", word)  # "họcc", "bãii"
        if undoubled != word and undoubled in known:
            return [undoubled]
        # Vietnamese syllables are short and dense: a one-letter change of a short word is
        # usually another real word, so only longer words get a guess, confirmed by a neighbour
        # when there is a choice.
        if len(word) < 5:
            return []
        limit = 2 if len(word) >= 8 else 1
        matches = process.extract(
            word, self._vocabulary_list, scorer=OSA.distance, processor=None, score_cutoff=limit, limit=8
        )
        previous, following = neighbours
        scored = []
        for candidate, distance, _ in matches:
            in_pair = f"{previous} {candidate}" in self._pairs or f"{candidate} {following}" in self._pairs
            scored.append((distance, not in_pair, -known[candidate], candidate))
        if not scored or (min(scored)[3],) in self._fillers:
            return []
        return [min(scored)[3]]
