"""Entries kept compressed read back exactly as they were written."""

import datetime
import pickle
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from knowledge.model import Entries, Entry, KnowledgeBase, Source

texts = st.text(max_size=80)
entries = st.builds(
    Entry,
    id=st.text(min_size=1, max_size=20),
    topic=texts,
    title=texts,
    questions=st.lists(texts, max_size=4).map(tuple),
    tags=st.lists(texts, max_size=3).map(tuple),
    sources=st.lists(st.builds(Source, texts, texts), max_size=3).map(tuple),
    body=st.text(max_size=400),
    updated=st.dates(),
    related=st.lists(texts, max_size=2).map(tuple),
    historical=st.booleans(),
    path=st.one_of(st.none(), texts.map(Path)),
)


@given(st.lists(entries, max_size=5))
def test_entries_read_back_as_written(written):
    stored = Entries(written)
    assert list(stored) == written
    assert [stored[n] for n in range(len(stored))] == written
    for number, entry in enumerate(written):
        text = stored.text(number)
        assert (text.title, text.questions, text.tags, text.body) == (
            entry.title, entry.questions, entry.tags, entry.body,
        )  # fmt: skip
        assert text.documents == tuple(s.document for s in entry.sources)


def test_slices_and_pickles_keep_entries_and_ids(kb):
    part = kb.entries[10:20]
    assert isinstance(part, Entries) and list(part) == list(kb.entries)[10:20]
    assert part.numbers[kb.entries[12].id] == 2
    assert pickle.loads(pickle.dumps(kb.entries)) == kb.entries


def test_entry_by_id(kb):
    first = kb.entries[0]
    assert kb.entry(first.id) == first
    assert kb.entry("khong-co-muc-nay") is None


def test_a_knowledge_base_accepts_any_sequence_of_entries():
    entry = Entry("a", "t", "T", ("q",), (), (), "b", datetime.date(2026, 1, 1))
    kb = KnowledgeBase((entry,), {})
    assert isinstance(kb.entries, Entries) and kb.entry("a") == entry
