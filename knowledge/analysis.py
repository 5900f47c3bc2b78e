"""Turn a question or an entry's text into search terms: documents named, words, word pairs."""

import re
from bisect import bisect
from collections.abc import Container, Iterable
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
_WORD = re.compile(r"[a-z0-9]+")
MARKER = "\x00"  # between texts analysed together: no word, rule or filler contains it
_PUNCTUATION = str.maketrans({chr(c): " " for c in range(1, 128) if not chr(c).isalnum()})
DOC_PREFIX = "§"
# The "n" of a final "ng" or "nh" is the letter hurried typists drop most: "dưỡg", "thàh".
_WITHOUT_N = re.compile(r"^([a-z]*[aeiouy])([gh])$")


@dataclass(frozen=True)
class Terms:
    """The search terms of one text."""

    words: tuple[str, ...]
    documents: tuple[str, ...]
    corrected: frozenset[str] = field(default_factory=frozenset)
    unknown: tuple[str, ...] = ()

    @property
    def pairs(self) -> tuple[str, ...]:
        """Adjacent words, "a b": they tell "trung cấp" from "cao cấp"."""
        return tuple(map(" ".join, pairwise(self.words)))


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


def _alternation(phrases: Iterable[str]) -> str:
    """A regex matching any of the phrases, longest first, factored as a trie so it stays fast."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie) or "(?!)"


# What may follow a document's number: "171/2025(/NĐ-CP)", "03/CV-BCĐ", "350-QĐ/TW".
_TAIL = re.compile(r"\s*(?:/\s*([0-9]{4}|[a-z]+)(?:\s*/\s*[a-z0-9-]+)?|-\s*([a-z]+)\s*/\s*[a-z]+)")
# A kind of document just before its number: "nghị định 171", "qđ số 350", "nđ171".
_KIND = _alternation(_KIND_WORDS)
_KIND_BEFORE = re.compile(r"(?:^|(?<=[^a-z0-9]))(" + _KIND + r")\s*(?:so\s*)?$")


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern:
    """Whole-word, lower-case matches of any phrase in a space-padded line; upper-case words never match.

    The leading literal space lets the regex engine jump from word to word instead of trying
    every character.
    """
    return re.compile(" " + _alternation(phrases) + "(?= )")


def _starts_word(text: str, position: int) -> bool:
    """True when no letter or digit stands just before `position`."""
    return position == 0 or not text[position - 1].isalnum()


def _cut(text: str, spans: list[tuple[int, int, list[str]]]) -> str:
    """The text with each span replaced by a space."""
    pieces, end = [], 0
    for start, stop, _ in spans:
        pieces += [text[end:start], " "]
        end = stop
    return "".join([*pieces, text[end:]])


class Analyzer:
    """Folds, finds document numbers, rewrites synonyms, drops filler, fixes typos."""

    def __init__(
        self,
        documents: dict[str, Document],
        synonyms: tuple[Synonym, ...],
        fillers: tuple[str, ...],
        trailing: tuple[str, ...] = (),
    ) -> None:
        self._doc_keys: dict[str, list[tuple[str, _DocKey]]] = {}
        for number, document in documents.items():
            key = _doc_key(document)
            self._doc_keys.setdefault(key.number.lstrip("0"), []).append((number, key))
        # Documents are found from their numbers, which the regex engine can jump to: most text has none.
        self._numbers = re.compile(_alternation(n for n in self._doc_keys if n) + "(?![0-9])")
        self._resolved: dict[tuple, list[str]] = {}  # bounded: kinds x 4-digit numbers x qualifiers seen
        self._rules = self._build_rules(synonyms)
        self._rule_pattern = _phrase_pattern(self._rules)
        self._rule_words = {word for variant in self._rules for word in variant.split()}
        fillers = {" ".join(_WORD.findall(fold(f))) for f in fillers}
        self._filler_pattern = _phrase_pattern(fillers)
        self._filler_words = {f for f in fillers if " " not in f}
        self._trailing = {fold(t) for t in trailing}
        # Matched on the reversed line, where each text's end follows a marker: the engine can jump
        # from marker to marker instead of trying every word.
        reversed_particles = _alternation(t[::-1] for t in self._trailing)
        self._trailing_pattern = re.compile(f"{MARKER}(?: (?:{reversed_particles})(?= ))+")
        self._vocabulary: dict[str, int] = {}
        self._vocabulary_list: list[str] = []
        self._pairs: Container[str] = frozenset()

    @staticmethod
    def _build_rules(synonyms: tuple[Synonym, ...]) -> dict[str, str]:
        """Folded variant -> canonical in upper case, which marks rewritten words as protected."""
        rules: dict[str, str] = {}
        for synonym in synonyms:
            canonical = " ".join(_WORD.findall(fold(synonym.canonical))).upper()
            for variant in synonym.variants:
                rules.setdefault(" ".join(_WORD.findall(fold(variant))), canonical)
        return rules

    def set_vocabulary(self, counts: dict[str, int], pairs: Container[str]) -> None:
        """The words of the index with their frequencies, and its word pairs, for typo correction."""
        self._vocabulary = counts
        self._vocabulary_list = [w for w in counts if len(w) >= 2 and not w.isdigit()]
        self._pairs = pairs

    def documents_in(self, folded: str) -> tuple[list[str], str]:
        """Numbers of the documents a folded text names, and the text without them."""
        spans = self._document_spans(folded)
        found: list[str] = []
        for _, _, hits in spans:
            found.extend(h for h in hits if h not in found)
        return found, _cut(folded, spans)

    def _document_spans(self, folded: str) -> list[tuple[int, int, list[str]]]:
        """Where a folded text names documents, and which, in order and without overlaps."""
        spans = []
        for match in self._numbers.finditer(folded):
            start, end = match.span()
            while start and folded[start - 1] == "0":  # "03/CV-BCĐ"
                start -= 1
            if start and folded[start - 1].isdigit():
                continue  # the end of another number
            number = folded[start:end]
            before = _KIND_BEFORE.search(folded, max(0, start - 20), start)
            kind = before.group(1) if before else None
            tail = _TAIL.match(folded, end)
            qualifier = (tail.group(1) or tail.group(2)) if tail else ""
            if tail and _starts_word(folded, start) and (hits := self._resolve(kind, number, qualifier)):
                spans.append((before.start() if before else start, tail.end(), hits))  # "nđ 171/2025"
            elif kind and (hits := self._resolve(kind, number, "")):  # "nghị định 171", "nđ171"
                spans.append((before.start(), end, hits))
        spans.sort(key=lambda span: (span[0], -span[1]))  # at one start, the longest wins
        kept: list[tuple[int, int, list[str]]] = []
        for span in spans:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept

    def _resolve(self, kind: str | None, number: str, qualifier: str) -> list[str]:
        """The documents a kind, a number and a year or issuer can mean."""
        key = (kind, number, qualifier)
        if key not in self._resolved:
            self._resolved[key] = self._match_documents(kind, number, qualifier)
        return self._resolved[key]

    def _match_documents(self, kind: str | None, number: str, qualifier: str) -> list[str]:
        wanted_kinds = _KIND_WORDS.get(kind or "", ())
        hits = []
        for doc_number, key in self._doc_keys.get(number.lstrip("0"), ()):
            if qualifier and qualifier != key.year and qualifier not in key.kinds:
                continue
            if wanted_kinds and not set(wanted_kinds) & set(key.kinds):
                continue
            hits.append(doc_number)
        return hits

    def analyze(self, text: str, correct: bool = False) -> Terms:
        """Search terms of a text; `correct` fixes unknown words (for queries, not entries)."""
        if not correct:
            return self.analyze_many([text])[0]
        documents, rest = self.documents_in(fold(text))
        words, corrected, unknown = self._correct(_WORD.findall(rest))
        [terms] = self.analyze_many([" ".join(words)])
        return Terms(
            terms.words, tuple(DOC_PREFIX + d for d in documents), frozenset(corrected), tuple(unknown)
        )

    def analyze_many(self, texts: list[str]) -> list[Terms]:
        """Terms of each of several texts, analysed together."""
        if not texts:
            return []
        words, documents = self.analyze_corpus(texts)
        per_text = [part.split() for part in " ".join(words).split(MARKER)]
        named: list[list[str]] = [[] for _ in texts]
        for number, document in documents:
            if document not in named[number]:
                named[number].append(document)
        return [Terms(tuple(w), tuple(d)) for w, d in zip(per_text, named, strict=True)]

    def analyze_corpus(self, texts: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
        """Words of many texts in one list with MARKER between texts, and (text number, document term)
        for every document they name: a few passes of C over one string, fast for the whole index."""
        folded = fold(f" {MARKER} ".join(text.replace(MARKER, " ") for text in texts))
        spans = self._document_spans(folded)
        markers = [m.start() for m in re.finditer(MARKER, folded)] if spans else []
        documents = [(bisect(markers, start), DOC_PREFIX + hit) for start, _, hits in spans for hit in hits]
        # The particles that end each text go first; then the synonym rules, whose output is in upper
        # case so that the filler pass cannot match it; then the filler.
        line = f"{MARKER} {' '.join(_cut(folded, spans).translate(_PUNCTUATION).split())} {MARKER}"
        line = self._trailing_pattern.sub(MARKER, line[::-1])[::-1][1:-1]
        line = self._rule_pattern.sub(lambda match: " " + self._rules[match.group(0)[1:]], line)
        return self._filler_pattern.sub("", line).lower().split(), documents

    def _correct(self, words: list[str]) -> tuple[list[str], set[str], list[str]]:
        """Replace unknown words by the nearest known spelling when the guess is safe.

        Returns the words, the guesses, and the words that stayed unknown.
        """
        known = self._vocabulary
        out: list[str] = []
        corrected: set[str] = set()
        unknown: list[str] = []
        for position, word in enumerate(words):
            kept = word in self._rule_words or word in self._filler_words or word in self._trailing
            if word in known or kept or word.isdigit():
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
        """The word(s) an unknown word most likely stands for, or nothing when unsure."""
        known = self._vocabulary
        telex = telex_candidate(word)
        if telex and telex in known:
            return [telex]
        for cut in range(2, len(word) - 1) if len(word) >= 6 else ():  # run together: "boiduong"
            if word[:cut] in known and word[cut:] in known:
                return [word[:cut], word[cut:]]
        undoubled = re.sub(r"(.)\1+", r"\1", word)  # "họcc", "bãii", "đượcc" (a filler, dropped later)
        if undoubled != word and (undoubled in known or undoubled in self._filler_words):
            return [undoubled]
        if (with_n := _WITHOUT_N.sub(r"\1n\2", word)) != word and (  # "dưỡg", "nhữg", "khôg"
            with_n in known or with_n in self._filler_words or with_n in self._trailing
        ):
            return [with_n]
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
        if not scored or min(scored)[3] in self._filler_words:
            return []
        return [min(scored)[3]]
