"""Linking a Telegram account to one's own registry record: by shared phone number or one-time code."""

import secrets
from datetime import datetime, timedelta

import sqlite_utils

from bot.db import transaction

INVITE_LIFETIME = timedelta(hours=72)
MAX_FAILURES = 5  # failed link attempts per user per hour
FAILURE_WINDOW = timedelta(hours=1)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and retyped
CODE_LENGTH = 8


class Linking:
    """Links, invite codes and failed attempts, over the registry's tables."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def blocked(self, user_id: int, now: datetime) -> bool:
        """True when the user failed too often within the last hour."""
        since = (now - FAILURE_WINDOW).isoformat()
        row = self.db.execute(
            "SELECT COUNT(*) FROM link_attempts WHERE user_id = ? AND at > ?", [user_id, since]
        ).fetchone()
        return row[0] >= MAX_FAILURES

    def fail(self, user_id: int, now: datetime) -> None:
        """Count a failed attempt."""
        self.db.execute("INSERT INTO link_attempts (user_id, at) VALUES (?, ?)", [user_id, now.isoformat()])

    def taken(self, staff_code: str, user_id: int) -> bool:
        """True when another Telegram account is linked to this person."""
        row = self.db.execute(
            "SELECT 1 FROM links WHERE staff_code = ? AND user_id != ? AND active = 1", [staff_code, user_id]
        ).fetchone()
        return row is not None

    def link(self, user_id: int, staff_code: str, now: datetime) -> None:
        """Link the account to the person, replacing any earlier link of either."""
        with transaction(self.db):
            self.db.execute("DELETE FROM links WHERE user_id = ? OR staff_code = ?", [user_id, staff_code])
            self.db.execute(
                "INSERT INTO links (user_id, staff_code, linked_at) VALUES (?, ?, ?)",
                [user_id, staff_code, now.isoformat()],
            )

    def unlink(self, user_id: int) -> bool:
        """Remove the account's link; False when there was none."""
        return self.db.execute("DELETE FROM links WHERE user_id = ?", [user_id]).rowcount > 0

    def invite(self, staff_code: str, created_by: int, now: datetime) -> str:
        """A new one-time code that links whoever sends it to this person, valid for 72 hours."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        self.db.execute(
            "INSERT INTO invites (code, staff_code, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [code, staff_code, created_by, now.isoformat(), (now + INVITE_LIFETIME).isoformat()],
        )
        return code

    def redeem(self, code: str, now: datetime) -> str | None:
        """The staff code of a valid, unused invite, which is used up; None otherwise."""
        cursor = self.db.execute(
            "UPDATE invites SET used_at = ? WHERE code = ? AND used_at IS NULL AND expires_at > ? "
            "RETURNING staff_code",
            [now.isoformat(), code.strip().upper(), now.isoformat()],
        )
        rows = cursor.fetchall()
        return rows[0][0] if rows else None
