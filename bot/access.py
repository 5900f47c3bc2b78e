"""Who may see whom in the registry, and the audit log of every look at someone else."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.people import People, Staff


@dataclass(frozen=True)
class Viewer:
    """A Telegram user as the registry sees them: their own record, if linked, and what they cover."""

    user_id: int
    staff: Staff | None
    admin: bool
    units: frozenset[str]  # the units an organiser covers: their own and every unit below it

    @property
    def may_look_up(self) -> bool:
        """Organisers and admins may look up other people."""
        return self.admin or bool(self.units)

    @property
    def scope(self) -> frozenset[str] | None:
        """The units whose people this viewer may see (None: all of them)."""
        return None if self.admin else self.units


def viewer(user_id: int, people: People, admins: Collection[int]) -> Viewer:
    """Who this Telegram user is to the registry."""
    staff = people.linked(user_id)
    units = people.units_from(staff.unit_code) if staff and staff.is_officer else frozenset()
    return Viewer(user_id, staff, user_id in admins, units)


def may_view(who: Viewer, subject: Staff) -> bool:
    """The person themself, an organiser of their unit or a unit above it, or an admin."""
    own = who.staff is not None and who.staff.code == subject.code
    return own or who.admin or subject.unit_code in who.units


def audit(
    db: sqlite_utils.Database, who: Viewer, action: str, subject: str | None, detail: str, now: datetime
) -> None:
    """Record a look at (or an attempt on) someone else's data."""
    db["audit"].insert(
        {
            "at": now.isoformat(timespec="seconds"),
            "actor_user_id": who.user_id,
            "actor_staff_code": who.staff.code if who.staff else None,
            "action": action,
            "subject_staff_code": subject,
            "detail": detail[:200],
        }
    )
