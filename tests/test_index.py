"""The index's batched fast path agrees with per-text analysis, and its figures are right."""

from collections import Counter

import numpy as np
import pytest

from knowledge.analysis import DOC_PREFIX, MARKER
from knowledge.index import BODY_WEIGHT, DOC_WEIGHT, Index, _fields
from knowledge.model import Entry, KnowledgeBase, Source

AWKWARD = [
    "",
    "   ",
    "Theo NĐ 171/2025/NĐ-CP và QĐ 350-QĐ/TW, ngày 01/7/2025, cho em hỏi llct không ạ",
    "nghị định số 171 – «bồi dưỡng» … 40 tiết/năm?",
    "không",
    "ạ ạ không",
    "cán bộ\u200b chi phí ĐẢNG bí thư hoà hòa",
    "123456/2025 và 80/2025 và luật 80",
]


def expected_terms(index: Index, entry: Entry) -> Counter:
    """Weighted terms of an entry from the per-text path (the definition)."""
    fields = _fields(entry)
    weights: Counter = Counter()
    for (_, weight), terms in zip(fields, index.analyzer.analyze_many([t for t, _ in fields]), strict=True):
        for term in (*terms.words, *terms.documents):
            weights[term] += weight
    for source in entry.sources:
        weights[DOC_PREFIX + source.document] += DOC_WEIGHT
    return weights


def indexed_terms(index: Index, number: int) -> set[str]:
    """The terms the index holds for an entry."""
    names = {term_id: term for term, term_id in index._term_ids.items()}
    return {
        names[int(i)]
        for segment in index._segments
        for i in np.searchsorted(segment.starts, np.flatnonzero(segment.entries == number), side="right") - 1
    }


@pytest.fixture(scope="module")
def awkward_index(kb):
    entries = [
        Entry(
            id=f"awkward-{n}",
            topic="t",
            title=text or "x",
            questions=(text, f"{text} ạ", "bồi dưỡng"),
            tags=(text,),
            sources=(Source("171/2025/NĐ-CP", "Điều 1"),),
            body=text,
            updated=kb.entries[0].updated,
        )
        for n, text in enumerate(AWKWARD)
    ]
    return Index(KnowledgeBase((*kb.entries, *entries), kb.documents, kb.synonyms, kb.fillers, kb.trailing))


def test_batched_terms_equal_per_text_analysis(awkward_index):
    for number, entry in enumerate(awkward_index.kb.entries):
        expected = expected_terms(awkward_index, entry)
        assert set(indexed_terms(awkward_index, number)) == set(expected), entry.id


def test_document_length_is_the_sum_of_weighted_frequencies(awkward_index):
    entry = awkward_index.kb.entries[0]
    assert MARKER not in awkward_index.analyzer.analyze_many([entry.title])[0].words
    assert sum(expected_terms(awkward_index, entry).values()) > 0


def test_head_pairs_are_known_and_body_pairs_are_not(awkward_index, kb):
    entry = kb.entry("boi-duong-toi-thieu-40-tiet-moi-nam")
    head = awkward_index.analyzer.analyze(entry.questions[0]).pairs
    assert head and all(p in awkward_index._pairs for p in head)
    assert awkward_index.idf("boi duong") > 0
    assert "zzz qqq" not in awkward_index._pairs
    assert BODY_WEIGHT < 1


@pytest.mark.parametrize("threads", [1, 2])  # alone, the build workers are forked; otherwise spawned
def test_many_small_segments_search_exactly_like_one(kb, monkeypatch, threads):
    from knowledge import index as index_module
    from knowledge.search import search

    questions = ["bồi dưỡng mỗi năm bao nhiêu tiết", "dieu kien hoc trung cap llct", "nđ 101 còn hiệu lực ko"]
    whole = Index(kb)
    monkeypatch.setattr(index_module, "SEGMENT_SIZE", 7)  # 8 segments: two worker processes
    monkeypatch.setattr(index_module.threading, "active_count", lambda: threads)
    split = Index(kb)
    for question in questions:
        assert search(split, question) == search(whole, question)
