"""Training standards: a person's training records checked against the rules of standards.toml.

Pure: apart from the two loaders reading their TOML files, nothing here does I/O.
"""

import re
import tomllib
import unicodedata
from calendar import monthrange
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime
from pathlib import Path
from typing import Any, Literal

from knowledge.text import fold

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
PROGRAMMES = KNOWLEDGE / "programmes.toml"
STANDARDS = KNOWLEDGE / "standards.toml"

MEASURES = ("completion", "periods")
KINDS = ("yearly_periods", "qlnn_after_appointment", "level_for_position")
_CODE = re.compile(r"^[a-z0-9_]+$")

# The kind a document number shows: state documents end in "/NĐ-CP", "/QĐ-UBND"...; party
# documents read "350-QĐ/TW", where QĐ is a Quy định only for the central level.
_STATE_NUMBER = re.compile(r"^\d+/\d{4}/([A-ZĐ]+)-")
_PARTY_NUMBER = re.compile(r"^\d+-([A-ZĐ]+)/([A-ZĐ]+)$")
_STATE_KINDS = {"NĐ": "Nghị định", "TT": "Thông tư", "QĐ": "Quyết định", "NQ": "Nghị quyết", "CT": "Chỉ thị"}
_PARTY_KINDS = {"HD": "Hướng dẫn", "KL": "Kết luận", "NQ": "Nghị quyết", "CT": "Chỉ thị"}

State = Literal["met", "due", "overdue", "not_applicable", "unknown"]


class StandardsError(Exception):
    """A problem in programmes.toml or standards.toml, naming the file, the rule and the key."""


def document_kind(number: str) -> str:
    """The kind a document's number shows ("171/2025/NĐ-CP" -> "Nghị định"), or "" if it does not."""
    number = unicodedata.normalize("NFC", number.strip())
    if state := _STATE_NUMBER.match(number):
        return _STATE_KINDS.get(state.group(1), "")
    if party := _PARTY_NUMBER.match(number):
        code, issuer = party.groups()
        return "Quy định" if (code, issuer) == ("QĐ", "TW") else _PARTY_KINDS.get(code, "")
    return ""


@dataclass(frozen=True)
class Citation:
    """Where a rule or a programme comes from: a document and the article in it."""

    document: str
    article: str
    kind: str = ""

    @property
    def label(self) -> str:
        """How officials cite it: "Điều 16 khoản 3, Nghị định 171/2025/NĐ-CP"."""
        kind = self.kind or document_kind(self.document)
        return f"{self.article}, {kind} {self.document}" if kind else f"{self.article}, {self.document}"


@dataclass(frozen=True)
class Programme:
    """A training programme that records name and rules check."""

    code: str
    name: str
    measure: str = "completion"
    duration: str = ""
    citation: Citation | None = None


@dataclass(frozen=True)
class Exemption:
    """Who need not attend a programme: appointed before a date, or holding an accepted certificate."""

    citation: Citation
    appointed_before: date | None = None
    programmes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One standard; which parameters matter depends on its kind."""

    id: str
    title: str
    kind: str
    citation: Citation
    programme: str = ""
    minimum: int = 0
    months: int = 0
    programme_by_level: tuple[tuple[str, str], ...] = ()
    exemption: Exemption | None = None
    positions: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()

    def programme_for(self, leader_level: str) -> str | None:
        """The programme a leader of this level must complete, if the rule names one."""
        return dict(self.programme_by_level).get(leader_level)

    def applies_to(self, position: str) -> bool:
        """True when the position is one of the rule's, ignoring case, diacritics and spacing."""
        return fold(position) in {fold(listed) for listed in self.positions}


@dataclass(frozen=True)
class Standards:
    """The programme catalogue and the rules, in file order."""

    programmes: dict[str, Programme]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Person:
    """What the rules need to know about a person.

    appointed_on is the date the decision appointing them to their current leadership post took
    effect; first_appointed_on, when known, the date of their first leadership appointment.
    """

    position: str
    leader_level: str = ""
    appointed_on: date | None = None
    first_appointed_on: date | None = None


@dataclass(frozen=True)
class Training:
    """One training record: a programme completed on a date, with its tiết where counted."""

    programme: str
    completed_on: date | None
    periods: int | None = None
    certificate_no: str = ""


@dataclass(frozen=True)
class RuleStatus:
    """Where a person stands on one rule, with one sentence saying why."""

    rule: Rule
    state: State
    deadline: date | None
    days_left: int | None
    satisfied_by: Training | None
    reason: str


# ---------------------------------------------------------------- loading


class _Table:
    """Typed reads from one TOML table; errors name the file, the table and the key."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise StandardsError(f"{where}: must be a table")
        self.data, self.where, self.seen = data, where, set()

    def error(self, key: str, problem: str) -> StandardsError:
        """An error about one key of this table."""
        return StandardsError(f"{self.where}: {key}: {problem}")

    def get(self, key: str, required: bool) -> Any:
        """The raw value, None when absent and optional."""
        self.seen.add(key)
        if key not in self.data and required:
            raise self.error(key, "missing")
        return self.data.get(key)

    def text(self, key: str, required: bool = True) -> str:
        """A non-empty string; "" when absent and optional."""
        value = self.get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "must be a non-empty string")
        return value.strip()

    def count(self, key: str) -> int:
        """A positive whole number."""
        value = self.get(key, True)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.error(key, "must be a positive whole number")
        return value

    def day(self, key: str) -> date | None:
        """An optional TOML date (2025-06-30, unquoted)."""
        value = self.get(key, False)
        if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
            raise self.error(key, "must be a date written as 2025-06-30, without quotes")
        return value

    def texts(self, key: str, required: bool = True) -> tuple[str, ...]:
        """A non-empty list of non-empty strings; () when absent and optional."""
        value = self.get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            raise self.error(key, "must be a non-empty list of strings")
        if not all(isinstance(item, str) and item.strip() for item in value):
            raise self.error(key, "must be a non-empty list of strings")
        return tuple(item.strip() for item in value)

    def table(self, key: str, required: bool) -> "_Table | None":
        """A nested table; None when absent and optional."""
        value = self.get(key, required)
        return None if value is None else _Table(value, f"{self.where}: {key}")

    def done(self) -> None:
        """Reject keys nobody read: a typo must not silently drop a parameter."""
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.error(unknown[0], "unknown key")


def _read(path: Path) -> dict:
    """The TOML file as a dict, or a StandardsError naming the file."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StandardsError(f"{path}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StandardsError(f"{path}: not valid TOML: {exc}") from None


def _citation(table: _Table, required: bool = True) -> Citation | None:
    """The document/article (and optional doc_kind) keys of a table."""
    document, article = table.text("document", required), table.text("article", required)
    kind = table.text("doc_kind", required=False)
    if not (document or article or kind):
        return None
    if not document or not article:
        raise table.error("article" if document else "document", "missing (document and article go together)")
    return Citation(document, article, kind)


def load_programmes(path: Path = PROGRAMMES) -> dict[str, Programme]:
    """The programme catalogue, keyed by code."""
    data = _read(path)
    if not data:
        raise StandardsError(f"{path}: no programmes")
    return {code: _programme(code, _Table(value, f"{path}: [{code}]")) for code, value in data.items()}


def _programme(code: str, table: _Table) -> Programme:
    """One programme table, checked."""
    if not _CODE.match(code):
        raise StandardsError(f"{table.where}: code must be lower-case ASCII letters, digits and _")
    measure = table.text("measure", required=False) or "completion"
    if measure not in MEASURES:
        raise table.error("measure", f"must be one of {', '.join(MEASURES)}")
    programme = Programme(
        code=code,
        name=table.text("name"),
        measure=measure,
        duration=table.text("duration", required=False),
        citation=_citation(table, required=False),
    )
    table.done()
    return programme


def load_standards(path: Path = STANDARDS, programmes: dict[str, Programme] | None = None) -> Standards:
    """The rules of a standards file, checked against the programme catalogue."""
    programmes = load_programmes() if programmes is None else programmes
    top = _Table(_read(path), str(path))
    tables = top.get("rule", False) or []
    top.done()
    if not isinstance(tables, list):
        raise top.error("rule", "must be written as [[rule]] tables")
    rules: list[Rule] = []
    for number, data in enumerate(tables, 1):
        rule = _rule(_Table(data, f"{path}: rule #{number}"), str(path), programmes)
        if any(rule.id == seen.id for seen in rules):
            raise StandardsError(f"{path}: rule {rule.id!r}: id: duplicate id")
        rules.append(rule)
    return Standards(programmes=dict(programmes), rules=tuple(rules))


def _rule(table: _Table, path: str, programmes: dict[str, Programme]) -> Rule:
    """One [[rule]] table, checked; once its id is known, errors name the rule by it."""
    rule_id = table.text("id")
    if not _CODE.match(rule_id):
        raise table.error("id", "must be lower-case ASCII letters, digits and _")
    table.where = f"{path}: rule {rule_id!r}"
    kind = table.text("kind")
    if kind not in _PARAMETERS:
        raise table.error("kind", f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    title, citation = table.text("title"), _citation(table)
    parameters = _PARAMETERS[kind](table, programmes)
    table.done()
    return Rule(id=rule_id, title=title, kind=kind, citation=citation, **parameters)


def _known(table: _Table, key: str, code: str, programmes: dict[str, Programme]) -> str:
    """The code, if the catalogue has it."""
    if code not in programmes:
        raise table.error(key, f"unknown programme {code!r}")
    return code


def _yearly_parameters(table: _Table, programmes: dict[str, Programme]) -> dict:
    """programme (counted in tiết) and minimum."""
    code = _known(table, "programme", table.text("programme"), programmes)
    if programmes[code].measure != "periods":
        raise table.error("programme", f'{code!r} is not counted in periods (measure = "periods")')
    return {"programme": code, "minimum": table.count("minimum")}


def _qlnn_parameters(table: _Table, programmes: dict[str, Programme]) -> dict:
    """months, programme_by_level and the optional exemption."""
    months = table.count("months")
    levels = table.table("programme_by_level", required=True)
    if not levels.data:
        raise table.error("programme_by_level", "must map at least one leader level")
    mapping = tuple((level, _known(levels, level, levels.text(level), programmes)) for level in levels.data)
    exemption = table.table("exemption", required=False)
    return {
        "months": months,
        "programme_by_level": mapping,
        "exemption": _exemption(exemption, programmes) if exemption else None,
    }


def _exemption(table: _Table, programmes: dict[str, Programme]) -> Exemption:
    """appointed_before and/or accepted programmes, with the citation that grants them."""
    before = table.day("appointed_before")
    codes = tuple(_known(table, "programmes", code, programmes) for code in table.texts("programmes", False))
    if before is None and not codes:
        raise table.error("appointed_before", "missing (give appointed_before, programmes or both)")
    exemption = Exemption(citation=_citation(table), appointed_before=before, programmes=codes)
    table.done()
    return exemption


def _level_parameters(table: _Table, programmes: dict[str, Programme]) -> dict:
    """positions and the programmes any one of which satisfies the rule."""
    positions = table.texts("positions")
    codes = tuple(_known(table, "programmes", code, programmes) for code in table.texts("programmes"))
    return {"positions": positions, "programmes": codes}


_PARAMETERS: dict[str, Callable[[_Table, dict[str, Programme]], dict]] = {
    "yearly_periods": _yearly_parameters,
    "qlnn_after_appointment": _qlnn_parameters,
    "level_for_position": _level_parameters,
}


# ---------------------------------------------------------------- evaluating


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (beyond year 9999: date.max)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if year > MAXYEAR:
        return date.max
    if year < MINYEAR:
        return date.min
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def evaluate(
    person: Person, trainings: Sequence[Training], standards: Standards, today: date
) -> list[RuleStatus]:
    """One status per rule, in file order."""
    done = tuple(t for t in trainings if t.completed_on is not None and t.completed_on <= today)
    case = _Case(person, done, today, standards.programmes)
    statuses = []
    for rule in standards.rules:
        if rule.kind not in _CHECKS:
            raise StandardsError(f"rule {rule.id!r}: kind: unknown kind {rule.kind!r}")
        statuses.append(_CHECKS[rule.kind](rule, case))
    return statuses


@dataclass(frozen=True)
class _Case:
    """What every check reads: the person, their completed records (none after today), the catalogue."""

    person: Person
    done: tuple[Training, ...]
    today: date
    programmes: dict[str, Programme]

    def first(self, codes: Sequence[str]) -> Training | None:
        """The earliest completed record of any of the codes."""
        matching = [t for t in self.done if t.programme in codes]
        return min(matching, key=lambda t: t.completed_on) if matching else None

    def name(self, code: str) -> str:
        """A programme's name inside a sentence ("trung cấp lý luận chính trị"), else its code."""
        programme = self.programmes.get(code)
        return programme.name[:1].lower() + programme.name[1:] if programme else code


def dmy(day: date | None) -> str:
    """A date as Vietnamese officials write it, dd/mm/yyyy; nothing for no date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""


def _status(
    rule: Rule,
    state: State,
    reason: str,
    deadline: date | None = None,
    today: date | None = None,
    satisfied_by: Training | None = None,
) -> RuleStatus:
    """A RuleStatus, with days_left counted when there is a deadline."""
    days_left = (deadline - today).days if deadline and today else None
    return RuleStatus(rule, state, deadline, days_left, satisfied_by, reason)


def _check_yearly(rule: Rule, case: _Case) -> RuleStatus:
    """Sum the tiết of this year's records of the programme."""
    year = case.today.year
    records = sorted(
        (t for t in case.done if t.programme == rule.programme and t.completed_on.year == year),
        key=lambda t: t.completed_on,
    )
    total, reached = 0, None
    for record in records:
        total += max(record.periods or 0, 0)  # a negative count is a data error: it cannot undo a course
        if reached is None and total >= rule.minimum:
            reached = record
    counted = f"{total}/{rule.minimum} tiết trong năm {year}"
    if reached:
        return _status(rule, "met", f"Đã học {counted}, đạt yêu cầu.", satisfied_by=reached)
    if any(record.periods is None for record in records):
        reason = f"Mới ghi nhận {counted}; có khóa học chưa ghi số tiết nên chưa xác định được."
        return _status(rule, "unknown", reason)
    reason = f"Đã học {counted}; còn thiếu {rule.minimum - total} tiết."
    return _status(rule, "due", reason, date(year, 12, 31), case.today)


def _check_qlnn(rule: Rule, case: _Case) -> RuleStatus:
    """The QLNN programme of the person's level, within `months` of the appointment."""
    person = case.person
    level = person.leader_level.strip()
    if not level:
        return _status(rule, "not_applicable", "Không giữ chức vụ lãnh đạo, quản lý nên không áp dụng.")
    if exempt := _exempt(rule, case):
        return exempt
    if person.appointed_on is None:
        reason = "Chưa có ngày quyết định bổ nhiệm có hiệu lực nên chưa tính được hạn."
        return _status(rule, "unknown", reason)
    required = rule.programme_for(level)
    if required is None:
        reason = (
            "Chưa xác định được cấp lãnh đạo, quản lý nên chưa biết phải học "
            "chương trình bồi dưỡng quản lý nhà nước nào."
        )
        return _status(rule, "unknown", reason)
    if record := case.first([required]):
        reason = f"Đã hoàn thành chương trình bồi dưỡng quản lý nhà nước ngày {dmy(record.completed_on)}."
        return _status(rule, "met", reason, satisfied_by=record)
    return _qlnn_pending(rule, add_months(person.appointed_on, rule.months), case.today)


def _exempt(rule: Rule, case: _Case) -> RuleStatus | None:
    """not_applicable under the rule's exemption, or None when it does not apply."""
    exemption = rule.exemption
    if exemption is None:
        return None
    basis = f"nên không phải học chương trình này ({exemption.citation.label})."
    if certificate := case.first(exemption.programmes):
        number = f" số {certificate.certificate_no}" if certificate.certificate_no else ""
        reason = f"Đã có chứng chỉ{number} theo chương trình bồi dưỡng cũ được công nhận {basis}"
        return _status(rule, "not_applicable", reason, satisfied_by=certificate)
    known = [day for day in (case.person.first_appointed_on, case.person.appointed_on) if day is not None]
    cutoff = exemption.appointed_before
    if cutoff and known and min(known) < cutoff:
        reason = f"Được bổ nhiệm ngày {dmy(min(known))}, trước ngày {dmy(cutoff)}, {basis}"
        return _status(rule, "not_applicable", reason)
    return None


def _qlnn_pending(rule: Rule, deadline: date, today: date) -> RuleStatus:
    """due until the deadline day included, overdue after it."""
    missing = "Chưa hoàn thành chương trình bồi dưỡng quản lý nhà nước"
    days = (deadline - today).days
    if days < 0:
        reason = f"{missing}; đã quá hạn {-days} ngày (hạn chót {dmy(deadline)})."
        return _status(rule, "overdue", reason, deadline, today)
    if days == 0:
        return _status(rule, "due", f"{missing}; hôm nay ({dmy(deadline)}) là hạn chót.", deadline, today)
    return _status(rule, "due", f"{missing}; hạn chót {dmy(deadline)}, còn {days} ngày.", deadline, today)


def _check_level(rule: Rule, case: _Case) -> RuleStatus:
    """Any of the accepted programmes, for the listed positions."""
    position = case.person.position
    if not position.strip():
        return _status(rule, "unknown", "Chưa ghi chức vụ nên chưa xác định được yêu cầu này.")
    if not rule.applies_to(position):
        return _status(rule, "not_applicable", "Chức vụ hiện tại không thuộc diện phải đáp ứng yêu cầu này.")
    if record := case.first(rule.programmes):
        reason = f"Đã hoàn thành {case.name(record.programme)} ngày {dmy(record.completed_on)}."
        return _status(rule, "met", reason, satisfied_by=record)
    accepted = " hoặc ".join(case.name(code) for code in rule.programmes)
    return _status(rule, "due", f"Chưa có trình độ theo yêu cầu của chức vụ: {accepted}.")


_CHECKS: dict[str, Callable[[Rule, _Case], RuleStatus]] = {
    "yearly_periods": _check_yearly,
    "qlnn_after_appointment": _check_qlnn,
    "level_for_position": _check_level,
}
