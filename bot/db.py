"""The SQLite database: opening it and bringing its schema up to date by numbered migrations."""

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils


def _feedback_and_unanswered(db: sqlite_utils.Database) -> None:
    db["feedback"].create({"id": int, "entry_id": str, "helpful": int, "created_at": str}, pk="id")
    db["unanswered"].create({"id": int, "question": str, "chat_type": str, "created_at": str}, pk="id")


_REGISTRY = """
CREATE TABLE units (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, parent_code TEXT REFERENCES units (code)
);
CREATE TABLE staff (
    code TEXT PRIMARY KEY, full_name TEXT NOT NULL, search_name TEXT NOT NULL DEFAULT '',
    date_of_birth TEXT, gender TEXT NOT NULL DEFAULT '',
    unit_code TEXT NOT NULL REFERENCES units (code), position TEXT NOT NULL DEFAULT '',
    leader_level TEXT NOT NULL DEFAULT '', appointed_on TEXT, phone TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT 'staff' CHECK (role IN ('staff', 'officer')),
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX staff_unit ON staff (unit_code);
CREATE INDEX staff_phone ON staff (phone);
CREATE TABLE programmes (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE trainings (
    staff_code TEXT NOT NULL REFERENCES staff (code), programme TEXT NOT NULL REFERENCES programmes (code),
    completed_on TEXT NOT NULL, periods INTEGER, certificate_no TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (staff_code, programme, completed_on)
);
CREATE TABLE courses (
    code TEXT PRIMARY KEY, title TEXT NOT NULL, programme TEXT NOT NULL REFERENCES programmes (code),
    starts_on TEXT NOT NULL, ends_on TEXT, location TEXT NOT NULL DEFAULT '',
    organizer TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'scheduled'
);
CREATE INDEX courses_start ON courses (starts_on);
CREATE TABLE enrollments (
    course_code TEXT NOT NULL REFERENCES courses (code), staff_code TEXT NOT NULL REFERENCES staff (code),
    status TEXT NOT NULL DEFAULT 'enrolled', PRIMARY KEY (course_code, staff_code)
);
CREATE INDEX enrollments_staff ON enrollments (staff_code);
CREATE TABLE links (
    user_id INTEGER PRIMARY KEY, staff_code TEXT NOT NULL UNIQUE REFERENCES staff (code),
    linked_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE invites (
    code TEXT PRIMARY KEY, staff_code TEXT NOT NULL REFERENCES staff (code), created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT
);
CREATE TABLE link_attempts (user_id INTEGER NOT NULL, at TEXT NOT NULL);
CREATE INDEX link_attempts_user ON link_attempts (user_id, at);
CREATE TABLE registry_version (id INTEGER PRIMARY KEY CHECK (id = 1), staff INTEGER NOT NULL);
INSERT INTO registry_version VALUES (1, 0);
CREATE TRIGGER staff_inserted AFTER INSERT ON staff BEGIN UPDATE registry_version SET staff = staff + 1; END;
CREATE TRIGGER staff_updated AFTER UPDATE ON staff BEGIN UPDATE registry_version SET staff = staff + 1; END;
CREATE TRIGGER staff_deleted AFTER DELETE ON staff BEGIN UPDATE registry_version SET staff = staff + 1; END;
CREATE TABLE audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor_user_id INTEGER, actor_staff_code TEXT,
    action TEXT NOT NULL, subject_staff_code TEXT, detail TEXT NOT NULL DEFAULT ''
);
"""


_REMINDERS = """
CREATE TABLE announcements (
    id INTEGER PRIMARY KEY, course_code TEXT NOT NULL REFERENCES courses (code),
    created_by INTEGER NOT NULL, created_at TEXT NOT NULL, done_at TEXT
);
CREATE TABLE reminders (
    id INTEGER PRIMARY KEY, staff_code TEXT NOT NULL REFERENCES staff (code), kind TEXT NOT NULL,
    subject TEXT NOT NULL, due_on TEXT NOT NULL, announcement_id INTEGER REFERENCES announcements (id),
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'blocked', 'failed', 'dropped')),
    reason TEXT NOT NULL DEFAULT '', claimed_by TEXT, created_at TEXT NOT NULL, done_at TEXT,
    UNIQUE (staff_code, kind, subject, due_on)
);
CREATE INDEX reminders_open ON reminders (state) WHERE state IN ('pending', 'sending');
CREATE TABLE sends (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, user_id INTEGER NOT NULL, reminder_ids TEXT NOT NULL,
    outcome TEXT NOT NULL, attempts INTEGER NOT NULL, detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE reminder_optouts (
    staff_code TEXT NOT NULL REFERENCES staff (code), kind TEXT NOT NULL, PRIMARY KEY (staff_code, kind)
);
CREATE TABLE data_version (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT INTO data_version VALUES (1, 0);
"""
# What reminders are computed from; any change to these tables means they must be planned again.
_PLANNED_FROM = ("staff", "trainings", "courses", "enrollments", "links", "reminder_optouts")


def _script(script: str) -> Callable[[sqlite_utils.Database], None]:
    """A migration running the statements of a script, one by one, inside the migration's transaction."""

    def run(db: sqlite_utils.Database) -> None:
        for statement in re.split(r";\n", script):  # a trigger's body has ";" of its own, not ";\n"
            if statement.strip():
                db.execute(statement)

    return run


def _reminders(db: sqlite_utils.Database) -> None:
    _script(_REMINDERS)(db)
    for table in _PLANNED_FROM:
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_version AFTER {event} ON {table} "
                "BEGIN UPDATE data_version SET n = n + 1; END"
            )


# SQLite never used the partial index for "state = 'pending'" (it only matches the index's own
# WHERE); a plain index on state serves the open rows in id order however long the history grows.
_REMINDERS_BY_STATE = """
DROP INDEX reminders_open;
CREATE INDEX reminders_state ON reminders (state);
"""

# Append only: each function runs once, in order, and its number is recorded.
MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _feedback_and_unanswered, _script(_REGISTRY), _reminders, _script(_REMINDERS_BY_STATE),
)  # fmt: skip


def open_database(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the database file, or ':memory:', and migrate it."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db = sqlite_utils.Database(connection)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
        # Durable across a crash of the process (kill -9), which is what reminders need; an OS crash
        # may lose the last commits, and fsync on every send would cap the fan-out.
        db.execute("PRAGMA synchronous=NORMAL")
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


@contextmanager
def transaction(db: sqlite_utils.Database, commit: bool = True) -> Iterator[None]:
    """All statements inside take effect together, or (on error, or when not committing) none do."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT" if commit else "ROLLBACK")
