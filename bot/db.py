"""The SQLite database: opening it and bringing its schema up to date by numbered migrations."""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils


def _feedback_and_unanswered(db: sqlite_utils.Database) -> None:
    db["feedback"].create({"id": int, "entry_id": str, "helpful": int, "created_at": str}, pk="id")
    db["unanswered"].create({"id": int, "question": str, "chat_type": str, "created_at": str}, pk="id")


# Append only: each function runs once, in order, and its number is recorded.
MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_feedback_and_unanswered,)


def open_database(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the database file, or ':memory:', and migrate it."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db = sqlite_utils.Database(connection)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> int:
    """Run the migrations not yet applied; returns the schema version."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    current = row[0] or 0
    for version, step in enumerate(MIGRATIONS[current:], current + 1):
        with db.conn:
            db.conn.execute("BEGIN")
            step(db)
            db.conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    return len(MIGRATIONS)
