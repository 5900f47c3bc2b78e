"""Typed records of the curated knowledge base."""

import datetime
import pickle
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, overload

STATUS_TEXT = {
    "in_force": "đang có hiệu lực",
    "partly_replaced": "đã được thay thế một phần",
    "replaced": "đã được thay thế",
}


@dataclass(frozen=True)
class Document:
    """A legal or party document that entries cite."""

    number: str
    kind: str
    title: str
    issuer: str
    status: str
    date: datetime.date | None = None
    effective: datetime.date | None = None
    replaced_by: tuple[str, ...] = ()
    note: str = ""
    url: str = ""

    @property
    def label(self) -> str:
        """How Vietnamese officials name it: "Nghị định 171/2025/NĐ-CP"."""
        return f"{self.kind} {self.number}"

    @property
    def is_current(self) -> bool:
        """True when no part of it has been replaced."""
        return self.status == "in_force"


@dataclass(frozen=True)
class Source:
    """One legal basis of an entry: a document and the article in it."""

    document: str
    article: str


@dataclass(frozen=True)
class Entry:
    """One curated question and its answer."""

    id: str
    topic: str
    title: str
    questions: tuple[str, ...]
    tags: tuple[str, ...]
    sources: tuple[Source, ...]
    body: str
    updated: datetime.date
    related: tuple[str, ...] = ()
    historical: bool = False
    path: Path | None = None


class EntryText(NamedTuple):
    """What the search index reads of an entry: its texts and the documents it cites."""

    title: str
    questions: tuple[str, ...]
    tags: tuple[str, ...]
    body: str
    documents: tuple[str, ...]


class Entries(Sequence[Entry]):
    """Entries kept compressed and expanded one at a time when read, so a large base stays small
    in memory: 20,000 entries take about 17 MB instead of about 90 MB as objects."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._packed: list[bytes] = []
        self._ids: list[str] = []
        for entry in entries:
            self._packed.append(_pack(entry))
            self._ids.append(entry.id)
        self.numbers = {entry_id: number for number, entry_id in enumerate(self._ids)}

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, key: int) -> Entry: ...

    @overload
    def __getitem__(self, key: slice) -> "Entries": ...

    def __getitem__(self, key: int | slice) -> "Entry | Entries":
        if isinstance(key, slice):
            part = Entries()
            part._packed, part._ids = self._packed[key], self._ids[key]
            part.numbers = {entry_id: number for number, entry_id in enumerate(part._ids)}
            return part
        return _unpack(self._packed[key])

    def __iter__(self) -> Iterator[Entry]:
        return map(_unpack, self._packed)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entries) and self._packed == other._packed

    def __repr__(self) -> str:
        return f"Entries({len(self)})"

    def text(self, number: int) -> EntryText:
        """The texts of an entry, without building the whole entry."""
        return EntryText(*pickle.loads(zlib.decompress(self._packed[number]))[:5])


def _pack(entry: Entry) -> bytes:
    """An entry as compressed plain values, the texts the index reads first."""
    values = (
        entry.title, entry.questions, entry.tags, entry.body, tuple(s.document for s in entry.sources),
        tuple(s.article for s in entry.sources), entry.id, entry.topic, entry.updated.toordinal(),
        entry.related, entry.historical, None if entry.path is None else str(entry.path),
    )  # fmt: skip
    return zlib.compress(pickle.dumps(values, pickle.HIGHEST_PROTOCOL), 1)


def _unpack(packed: bytes) -> Entry:
    title, questions, tags, body, documents, articles, id_, topic, updated, related, historical, path = (
        pickle.loads(zlib.decompress(packed))
    )
    return Entry(
        id_, topic, title, questions, tags, tuple(map(Source, documents, articles)), body,
        datetime.date.fromordinal(updated), related, historical, None if path is None else Path(path),
    )  # fmt: skip


@dataclass(frozen=True)
class Synonym:
    """Spellings that mean one thing; queries and entries are rewritten to `canonical`."""

    canonical: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    """Entries, the documents they cite and the vocabulary rules, loaded together."""

    entries: Entries
    documents: dict[str, Document]
    synonyms: tuple[Synonym, ...] = ()
    fillers: tuple[str, ...] = ()
    trailing: tuple[str, ...] = ()  # question particles, filler only at the end of a question
    uncovered: tuple[str, ...] = ()  # subjects officials ask about that no entry answers

    def __post_init__(self) -> None:
        if not isinstance(self.entries, Entries):
            object.__setattr__(self, "entries", Entries(self.entries))

    def entry(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        number = self.entries.numbers.get(entry_id)
        return None if number is None else self.entries[number]
