"""The Services object: everything a handler may call, built once and kept in bot_data."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils
from telegram.ext import CallbackContext

from bot.config import Config
from bot.db import open_database
from knowledge.answer import Answer, answer_to
from knowledge.loader import BUNDLED, load
from knowledge.model import Entry, KnowledgeBase
from knowledge.search import Index, SearchResult, search

log = logging.getLogger(__name__)
BOT_DATA_KEY = "services"


@dataclass
class Services:
    """The knowledge base, its index and the database, behind small task-named methods."""

    config: Config
    kb: KnowledgeBase
    index: Index
    db: sqlite_utils.Database

    @classmethod
    def open(cls, config: Config) -> "Services":
        """Load the knowledge base, build its index and open the database."""
        kb = load(config.knowledge.path or BUNDLED)
        return cls(config, kb, Index(kb), open_database(config.storage.database))

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def ask(self, question: str, chat_type: str = "private", keep_unanswered: bool = True) -> SearchResult:
        """Search for a question; questions the bot cannot answer are kept for the curators."""
        result = search(self.index, question)
        if result.outcome == "decline" and question.strip() and keep_unanswered:
            log.info("declined question: %r", question[:200])
            self.db["unanswered"].insert(
                {"question": question[:1000], "chat_type": chat_type, "created_at": _now()}
            )
        return result

    def answer_for(self, entry: Entry, result: SearchResult | None = None) -> Answer:
        """The answer of an entry, warning about any replaced document the question named."""
        return answer_to(entry, self.kb.documents, result.documents if result else ())

    def entry(self, entry_id: str) -> Entry | None:
        """An entry by id, or None (ids in callback data may be stale or forged)."""
        return self.kb.entry(entry_id)

    def related(self, entry: Entry) -> list[Entry]:
        """The entries a curator linked to this one."""
        return [e for e in map(self.kb.entry, entry.related) if e is not None]

    def record_feedback(self, entry_id: str, helpful: bool) -> None:
        """Store a 👍 or 👎 on an answer; who gave it is not kept."""
        self.db["feedback"].insert({"entry_id": entry_id, "helpful": int(helpful), "created_at": _now()})


def services(context: CallbackContext) -> Services:
    """The Services of the running application."""
    return context.bot_data[BOT_DATA_KEY]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
