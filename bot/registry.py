"""The personnel registry in SQLite: units, staff, trainings, courses, enrollments; import and export."""

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from bot.db import transaction
from bot.imports import COLUMNS, KEYS, Known, Parsed, Problem, day, parse_file
from bot.spreadsheets import write_table
from bot.standards import dmy
from knowledge.text import fold

OWN_KEY = {"staff": "staff_code", "courses": "course_code"}  # stored as `code` in the kind's table


def _stored(kind: str, field: str) -> str:
    """The column a record field of this kind is stored in."""
    return "code" if field == OWN_KEY.get(kind) else field


PRIMARY_KEYS = {kind: tuple(_stored(kind, field) for field in key) for kind, key in KEYS.items()}
# Fields of a staff file that belong to the units table.
UNIT_FIELDS = ("unit_name", "parent_unit_code")
DATE_FIELDS = {column.name for columns in COLUMNS.values() for column in columns if column.parse is day}


@dataclass(frozen=True)
class Counts:
    """What an import changed, or would change."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0


@dataclass(frozen=True)
class ImportResult:
    """The checked file and, when it had no problem, what it changed (or would, in a dry run)."""

    parsed: Parsed
    counts: Counts | None


class Registry:
    """Queries and whole-file imports over the registry tables of an open database."""

    def __init__(self, db: sqlite_utils.Database, programmes: Mapping[str, str]) -> None:
        self.db = db
        self.programmes = dict(programmes)
        with transaction(db):
            db.conn.executemany(
                "INSERT INTO programmes (code, name) VALUES (?, ?) "
                "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                self.programmes.items(),
            )

    def known(self) -> Known:
        """The codes that imported rows may refer to."""
        staff = {row[0] for row in self.db.execute("SELECT code FROM staff")}
        courses = {row[0] for row in self.db.execute("SELECT code FROM courses")}
        return Known(staff, courses, self.programmes)

    def import_file(self, path: Path, kind: str, prune: bool = False, dry_run: bool = False) -> ImportResult:
        """Check the whole file, then apply it in one transaction, or nothing if any row is bad."""
        if prune and kind != "staff":
            raise ValueError("--prune chỉ dùng với --kind staff")
        parsed = parse_file(path, kind, self.known())
        if kind == "staff" and not parsed.problems:
            self._check_units(parsed)
        if parsed.problems:
            return ImportResult(parsed, None)
        with transaction(self.db, commit=not dry_run):
            if kind == "staff":
                self._write_units(parsed)
            counts = self._upsert(kind, [self._row(kind, r) for r in parsed.records.values()])
            if prune:
                counts = self._prune(counts, {r["staff_code"] for r in parsed.records.values()})
        return ImportResult(parsed, counts)

    def export(self, kind: str, path: Path) -> int:
        """Write the kind's rows, in the import's own columns, to .csv or .xlsx; the number of rows."""
        header = [column.name for column in COLUMNS[kind]]
        rows = [[_cell(name, row[name]) for name in header] for row in self._export_rows(kind)]
        write_table(path, header, rows)
        return len(rows)

    def _check_units(self, parsed: Parsed) -> None:
        """One name per unit code; parents that exist (in the file or already) and never loop."""
        parents = {r["code"]: r["parent_code"] for r in self.db.query("SELECT code, parent_code FROM units")}
        names: dict[str, tuple[str, int]] = {}
        for number, record in parsed.records.items():
            code, name = record["unit_code"], record["unit_name"]
            if code in names and names[code][0] != name:
                reason = f"đơn vị {code} có tên khác ở dòng {names[code][1]}"
                parsed.problems.append(Problem(number, "unit_name", reason))
            names.setdefault(code, (name, number))
            parents[code] = record["parent_unit_code"] or None
        for number, record in parsed.records.items():
            parent = record["parent_unit_code"]
            if parent and parent not in parents:
                parsed.problems.append(Problem(number, "parent_unit_code", f"chưa có đơn vị mã «{parent}»"))
            elif _loops(record["unit_code"], parents):
                parsed.problems.append(Problem(number, "parent_unit_code", "đơn vị cấp trên tạo thành vòng"))

    def _write_units(self, parsed: Parsed) -> None:
        records = parsed.records.values()
        units = {r["unit_code"]: (r["unit_name"], r["parent_unit_code"] or None) for r in records}
        self.db.conn.executemany(
            "INSERT INTO units (code, name, parent_code) VALUES (?, ?, NULL) ON CONFLICT (code) DO UPDATE "
            "SET name = excluded.name",
            [(code, name) for code, (name, _) in units.items()],
        )  # parents afterwards: a parent may come later in the file
        self.db.conn.executemany(
            "UPDATE units SET parent_code = ? WHERE code = ?",
            [(parent, code) for code, (_, parent) in units.items()],
        )

    def _row(self, kind: str, record: dict) -> dict:
        row = {_stored(kind, name): value for name, value in record.items() if name not in UNIT_FIELDS}
        if kind == "staff":
            row["active"] = 1
            row["search_name"] = fold(row["full_name"])  # folded once here, searched on every /lookup
        return row

    def _upsert(self, kind: str, rows: list[dict]) -> Counts:
        """Insert new rows and update changed ones, counting each."""
        table, key = kind, PRIMARY_KEYS[kind]
        existing = {tuple(r[k] for k in key): r for r in self.db.query(f"SELECT * FROM {table}")}
        changed, inserted, unchanged = [], 0, 0
        for row in rows:
            old = existing.get(tuple(row[k] for k in key))
            if old is None:
                inserted += 1
            elif all(old[name] == value for name, value in row.items()):
                unchanged += 1
                continue
            changed.append(row)
        if changed:
            names = list(changed[0])
            updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in key)
            self.db.conn.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
                f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}",
                [tuple(row[n] for n in names) for row in changed],
            )
        return Counts(inserted, len(changed) - inserted, unchanged)

    def _prune(self, counts: Counts, kept: set[str]) -> Counts:
        """Deactivate the active staff that the new staff file no longer lists."""
        active = [row[0] for row in self.db.execute("SELECT code FROM staff WHERE active = 1")]
        gone = [code for code in active if code not in kept]
        self.db.conn.executemany("UPDATE staff SET active = 0 WHERE code = ?", [(code,) for code in gone])
        return Counts(counts.inserted, counts.updated, counts.unchanged, len(gone))

    def _export_rows(self, kind: str) -> Iterator[dict]:
        if kind == "staff":
            yield from self.db.query(
                "SELECT s.code AS staff_code, s.*, u.name AS unit_name, u.parent_code AS parent_unit_code "
                "FROM staff s JOIN units u ON u.code = s.unit_code WHERE s.active = 1 ORDER BY s.code"
            )
        elif kind == "courses":
            yield from self.db.query("SELECT code AS course_code, * FROM courses ORDER BY code")
        else:
            yield from self.db.query(f"SELECT * FROM {kind} ORDER BY {', '.join(KEYS[kind])}")


def _loops(code: str, parents: dict[str, str | None]) -> bool:
    """True when following the parents from a unit comes back to it."""
    seen = {code}
    parent = parents.get(code)
    while parent:
        if parent in seen:
            return True
        seen.add(parent)
        parent = parents.get(parent)
    return False


def _cell(name: str, value: object) -> object:
    """A stored value as organisers write it: dates dd/mm/yyyy, nothing for missing values."""
    if value is None:
        return ""
    if name in DATE_FIELDS:
        return dmy(datetime.date.fromisoformat(str(value)))
    return value
