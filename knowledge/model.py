"""Typed records of the curated knowledge base."""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass(frozen=True)
class Synonym:
    """Spellings that mean one thing; queries and entries are rewritten to `canonical`."""

    canonical: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    """Entries, the documents they cite and the vocabulary rules, loaded together."""

    entries: tuple[Entry, ...]
    documents: dict[str, Document]
    synonyms: tuple[Synonym, ...] = ()
    fillers: tuple[str, ...] = ()
    trailing: tuple[str, ...] = ()  # question particles, filler only at the end of a question
    uncovered: tuple[str, ...] = ()  # subjects officials ask about that no entry answers
    by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {entry.id: entry for entry in self.entries})
