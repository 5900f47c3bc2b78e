"""The search index: BM25 postings as compact arrays, built from segments of entries analysed in bulk."""

import math
import multiprocessing
import os
import sys
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from knowledge.analysis import DOC_PREFIX, MARKER, Analyzer, Terms
from knowledge.model import Entries, EntryText, KnowledgeBase

# Field weights: a question phrasing says what an entry answers better than its body does.
TITLE_WEIGHT, QUESTION_WEIGHT, TAG_WEIGHT, BODY_WEIGHT, DOC_WEIGHT = 2.0, 1.0, 1.5, 0.3, 1.5
K1, B = 1.2, 0.5
CANDIDATES = 20
FEATURE_CACHE = 256  # entries whose features are kept between queries (up to 25 KB each)
SEGMENT_SIZE = 1024  # entries analysed together in one pass of each regex (at most 1024: see _pairs)
SEGMENTS_PER_WORKER = 4  # below this many segments a worker process costs more than it saves
MARKER_ID = 0


@dataclass(frozen=True)
class Features:
    """What one entry is about, for judging a candidate; computed only for candidates."""

    head: frozenset[str]  # words of the title, phrasings and tags
    body: frozenset[str]
    head_pairs: frozenset[str]
    cited: frozenset[str]  # document terms of every source and every document named in its text
    about: frozenset[str]  # document term of the first source: the document it is about
    phrasings: tuple[tuple[frozenset[str], float], ...]  # words and their total idf
    text: str  # words of the title, phrasings and tags, each text between " | ", to look for a phrase in


class _TermIds(dict):
    """Term -> dense id, giving the next id to a term seen for the first time."""

    def __missing__(self, term: str) -> int:
        self[term] = len(self)
        return self[term]


class _PairTable:
    """Word pairs of the entries' titles, phrasings and tags, keyed by their two term ids; their idf."""

    def __init__(self, keys: np.ndarray, entry_count: int, term_ids: dict[str, int]) -> None:
        keys.sort()  # in place: the keys of a large base take tens of MB
        starts_run = np.empty(len(keys), bool)
        starts_run[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=starts_run[1:])
        first = np.flatnonzero(starts_run)
        self.keys, counts = keys[first], np.diff(first, append=len(keys))
        self.idf = np.log(1 + (entry_count - counts + 0.5) / (counts + 0.5))
        self._term_ids = term_ids

    def slot(self, pair: str) -> int:
        """Position of a pair ("a b"), or -1."""
        first, _, second = pair.partition(" ")
        first_id, second_id = self._term_ids.get(first), self._term_ids.get(second)
        if first_id is None or second_id is None:
            return -1
        key = first_id << 32 | second_id
        position = int(np.searchsorted(self.keys, key))
        return position if position < len(self.keys) and self.keys[position] == key else -1

    def __contains__(self, pair: str) -> bool:
        return self.slot(pair) >= 0


class _Segment:
    """Postings of one batch of entries, by term: rows starts[id]:starts[id + 1] hold its entries."""

    def __init__(self, term_ids: np.ndarray, entries: np.ndarray, frequencies: np.ndarray) -> None:
        self.entries, self.weights = entries, frequencies  # rows sorted by term id, then entry
        self.starts = np.searchsorted(term_ids, np.arange(int(term_ids.max(initial=-1)) + 2)).astype(np.int32)

    def widen(self, term_count: int) -> np.ndarray:
        """Extend the starts to every term of the index (terms met later have no rows here)."""
        self.starts = np.pad(self.starts, (0, term_count + 1 - len(self.starts)), mode="edge")
        return self.starts


class Index:
    """BM25 over words and cited documents, plus each candidate's features, for one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.analyzer = Analyzer(kb.documents, kb.synonyms, kb.fillers, kb.trailing)
        total = len(kb.entries)
        self._unknown_idf = math.log(1 + (max(total, 1) + 0.5) / 0.5) * 0.6
        self._term_ids = _TermIds({MARKER: MARKER_ID})
        pairs: list[np.ndarray] = []
        self._segments: list[_Segment] = []
        for analysed in self._analyse(total):
            remap = np.fromiter(
                map(self._term_ids.__getitem__, analysed.terms), np.int64, len(analysed.terms)
            )
            self._segments.append(_segment(analysed, remap))
            pairs.append(remap[analysed.pairs >> 32] << 32 | remap[analysed.pairs & 0xFFFFFFFF])
        keys = np.concatenate(pairs or [np.empty(0, np.int64)])
        del pairs
        self._pairs = _PairTable(keys, total, self._term_ids)
        frequency = self._finish_segments(total)
        words = [t for t in self._term_ids if t != MARKER and not t.startswith(DOC_PREFIX)]
        self._word_idf = {w: float(self._idf[self._term_ids[w]]) for w in words}
        self.analyzer.set_vocabulary({w: int(frequency[self._term_ids[w]]) for w in words}, self._pairs)
        self._feature_cache: OrderedDict[int, Features] = OrderedDict()  # least recently used first
        self.uncovered = tuple(" ".join(self.analyzer.analyze(topic).words) for topic in kb.uncovered)

    def _analyse(self, total: int) -> Iterator["_Analysed"]:
        """Each segment of entries analysed, on every core when there are enough entries to pay for it."""
        starts = range(0, total, SEGMENT_SIZE)
        batches = [(self.kb.entries[start : start + SEGMENT_SIZE], start) for start in starts]
        workers = min(os.cpu_count() or 1, len(batches) // SEGMENTS_PER_WORKER)
        if workers < 2:
            yield from (_analyse_segment(self.analyzer, entries, start) for entries, start in batches)
            return
        # Forking starts no new interpreter, but copies other threads' locks in whatever state they are in:
        # fork only when alone, and only on Linux (macOS libraries are not safe to fork).
        alone = sys.platform == "linux" and threading.active_count() == 1
        context = multiprocessing.get_context("fork" if alone else "spawn")
        with ProcessPoolExecutor(workers, context, initializer=_adopt, initargs=(self.analyzer,)) as pool:
            yield from pool.map(_analyse_adopted, *zip(*batches, strict=True))

    def _finish_segments(self, total: int) -> np.ndarray:
        """Turn each segment's frequencies into BM25 weights, in place; the document frequency of each term.

        The segments stay the postings: merging them into one array would need twice their memory.
        """
        term_count = len(self._term_ids)
        lengths = np.zeros(total)
        frequency = np.zeros(term_count, np.int64)
        for segment in self._segments:
            lengths += np.bincount(segment.entries, segment.weights, minlength=total)
            frequency += np.diff(segment.widen(term_count))
        average = max(float(lengths.mean()), 1e-9) if total else 1.0
        for segment in self._segments:
            saturation = segment.weights + K1 * (1 - B + B / average * lengths[segment.entries])
            segment.weights *= K1 + 1
            segment.weights /= saturation
        self._idf = np.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
        return frequency

    def features(self, numbers: list[int]) -> list[Features]:
        """Features of candidate entries; those not kept from earlier queries are worked out together."""
        cache = self._feature_cache
        missing = [n for n in dict.fromkeys(numbers) if n not in cache]
        for number, features in zip(missing, self._features(missing), strict=True):
            cache[number] = features
        for number in numbers:
            cache.move_to_end(number)
        while len(cache) > FEATURE_CACHE:
            cache.popitem(last=False)
        return [cache[n] for n in numbers]

    def _features(self, numbers: list[int]) -> list[Features]:
        entries = [self.kb.entries.text(n) for n in numbers]
        fields = [_fields(entry) for entry in entries]
        analysed = iter(self.analyzer.analyze_many([text for f in fields for text, _ in f]))
        return [
            self._entry_features(entry, [(w, next(analysed)) for _, w in f])
            for entry, f in zip(entries, fields, strict=True)
        ]

    def _entry_features(self, entry: EntryText, fields: list[tuple[float, Terms]]) -> Features:
        word_idf, unknown = self._word_idf, self._unknown_idf
        head: set[str] = set()
        body: set[str] = set()
        head_pairs: set[str] = set()
        cited = {DOC_PREFIX + document for document in entry.documents}
        phrasings = []
        text = " | ".join(" ".join(terms.words) for weight, terms in fields if weight != BODY_WEIGHT)
        for weight, terms in fields:
            cited.update(terms.documents)
            if weight == BODY_WEIGHT:
                body.update(terms.words)
                continue
            head.update(terms.words)
            head_pairs.update(terms.pairs)
            if weight in (TITLE_WEIGHT, QUESTION_WEIGHT):
                words = frozenset(terms.words)
                phrasings.append((words, sum(map(word_idf.get, words, repeat(unknown)))))
        about = frozenset(DOC_PREFIX + document for document in entry.documents[:1])
        return Features(
            frozenset(head),
            frozenset(body),
            frozenset(head_pairs),
            frozenset(cited),
            about,
            tuple(phrasings),
            f" {text} ",
        )

    def idf(self, term: str) -> float:
        """Inverse document frequency of a word, pair or document; never-seen terms weigh like rare ones."""
        if " " in term:
            slot = self._pairs.slot(term)
            return float(self._pairs.idf[slot]) if slot >= 0 else self._unknown_idf
        if term.startswith(DOC_PREFIX):
            term_id = self._term_ids.get(term)
            return float(self._idf[term_id]) if term_id is not None else self._unknown_idf
        return self._word_idf.get(term, self._unknown_idf)

    def bm25(self, terms: Terms) -> tuple[list[tuple[int, float]], float]:
        """The best candidates by BM25 over words and documents, and the query's best reachable score."""
        scores = np.zeros(len(self.kb.entries), dtype=np.float64)
        # Word pairs are not in the postings, but what the query says in them still counts in the ceiling:
        # a question whose pairs appear nowhere is about something else.
        ceiling = sum(self.idf(pair) * (K1 + 1) for pair in terms.pairs)
        for term in (*terms.words, *terms.documents):
            term_id = self._term_ids.get(term)
            idf = float(self._idf[term_id]) if term_id is not None else self._unknown_idf
            ceiling += idf * (K1 + 1)
            for segment in self._segments if term_id is not None else ():
                start, end = segment.starts[term_id : term_id + 2].tolist()
                if start < end:
                    scores[segment.entries[start:end]] += idf * segment.weights[start:end]
        touched = np.flatnonzero(scores)
        if len(touched) > CANDIDATES:
            touched = touched[np.argpartition(-scores[touched], CANDIDATES)[:CANDIDATES]]
        best = sorted(touched.tolist(), key=lambda n: (-scores[n], n))
        return [(n, float(scores[n])) for n in best], ceiling


def _fields(entry: EntryText) -> list[tuple[str, float]]:
    """The texts of an entry with their weights."""
    fields = [(entry.title, TITLE_WEIGHT), *((q, QUESTION_WEIGHT) for q in entry.questions)]
    return fields + [(tag, TAG_WEIGHT) for tag in entry.tags] + [(entry.body, BODY_WEIGHT)]


@dataclass(frozen=True)
class _Analysed:
    """One segment's postings and word pairs, in term ids local to it (`terms` names them)."""

    terms: list[str]
    term_ids: np.ndarray
    entries: np.ndarray
    frequencies: np.ndarray
    pairs: np.ndarray  # first word's id << 32 | second word's id, once per entry


def _segment(analysed: _Analysed, remap: np.ndarray) -> _Segment:
    """The segment of analysed entries, with the index's own term ids (`remap` maps the local ones)."""
    term_ids = remap[analysed.term_ids]
    order = np.argsort(term_ids, kind="stable")  # entries stay in order within each term
    return _Segment(term_ids[order], analysed.entries[order], analysed.frequencies[order])


def _analyse_segment(analyzer: Analyzer, entries: Entries, start: int) -> _Analysed:
    """Terms, weighted frequencies and word pairs of the entries numbered from `start`."""
    texts, text_entry, text_weight = [], array("i"), array("f")
    sources = []  # a source counts as a document named in an empty text of its own
    for number, entry in enumerate(map(entries.text, range(len(entries))), start):
        fields = _fields(entry)
        first = len(texts) + len(fields)
        sources += [(first + k, DOC_PREFIX + document) for k, document in enumerate(entry.documents)]
        for text, weight in fields + [("", DOC_WEIGHT)] * len(entry.documents):
            texts.append(text)
            text_entry.append(number)
            text_weight.append(weight)
    words, documents = analyzer.analyze_corpus(texts)
    documents += sources
    local = _TermIds({MARKER: MARKER_ID})
    ids = np.fromiter(map(local.__getitem__, words), np.int64, len(words))
    is_word = ids != MARKER_ID
    text = np.cumsum(~is_word)  # which text each word comes from
    owner, weight = np.frombuffer(text_entry, np.int32), np.frombuffer(text_weight, np.float32)
    named = np.array([n for n, _ in documents], np.int64)
    named_ids = np.fromiter((local[t] for _, t in documents), np.int64, len(documents))
    rows = np.concatenate([ids[is_word] << 32 | owner[text[is_word]], named_ids << 32 | owner[named]])
    unique_rows, inverse = np.unique(rows, return_inverse=True)
    frequency = np.bincount(inverse, weights=np.concatenate([weight[text[is_word]], weight[named]]))
    return _Analysed(
        list(local), unique_rows >> 32, (unique_rows & 0xFFFFFFFF).astype(np.int32),
        frequency.astype(np.float32), _pairs(ids, is_word, text, owner, weight),
    )  # fmt: skip


def _pairs(ids: np.ndarray, is_word: np.ndarray, text: np.ndarray, owner, weight) -> np.ndarray:
    """The word pairs of titles, phrasings and tags as `first id << 32 | second id`, once per entry."""
    head = is_word & (weight[np.minimum(text, len(weight) - 1)] != BODY_WEIGHT)
    adjacent = head[:-1] & head[1:]
    first, second = ids[:-1][adjacent], ids[1:][adjacent]
    entry = owner[text[:-1][adjacent]].astype(np.int64)
    # One integer per (pair, entry), so that a plain sort finds the repeats: 21 + 21 + 10 bits.
    assert len(ids) < 1 << 21 and SEGMENT_SIZE <= 1 << 10
    packed = np.unique((first << 21 | second) << 10 | (entry - entry.min(initial=0)))
    return (packed >> 31) << 32 | (packed >> 10) & ((1 << 21) - 1)


_worker_analyzer: Analyzer | None = None  # each build worker's own copy, sent once when it starts


def _adopt(analyzer: Analyzer) -> None:
    global _worker_analyzer
    _worker_analyzer = analyzer


def _analyse_adopted(entries: Entries, start: int) -> _Analysed:
    return _analyse_segment(_worker_analyzer, entries, start)
