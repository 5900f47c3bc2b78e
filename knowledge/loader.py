"""Load the knowledge base from its files and report every problem a curator must fix."""

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from knowledge.answer import compose
from knowledge.figures import Figures, load_figures, unrecorded
from knowledge.model import Document, Entry, KnowledgeBase, Source, Synonym
from knowledge.text import fold

BUNDLED = Path(__file__).parent
GUIDE_TOPIC = "su-dung-bot"  # entries about the bot itself cite no law
MIN_QUESTIONS = 3
BODY_SOFT_LIMIT = 1200  # about one screen; longer answers get a warning
MESSAGE_LIMIT = 4096  # Telegram's limit for one message, after the basis line is added
ENTRY_KEYS = {"id", "title", "questions", "tags", "sources", "related", "updated", "historical"}
REQUIRED_ENTRY_KEYS = ENTRY_KEYS - {"related", "historical"}
DOCUMENT_KEYS = {
    "number",
    "kind",
    "title",
    "issuer",
    "date",
    "effective",
    "status",
    "replaced_by",
    "note",
    "url",
}
STATUSES = {"in_force", "partly_replaced", "replaced"}


@dataclass(frozen=True)
class Problem:
    """Something wrong in a knowledge file, with where it is."""

    path: Path
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "cảnh báo" if self.warning else "lỗi"
        return f"{self.path}:{self.line}: {kind}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base has errors; the message lists them."""


def load(root: Path = BUNDLED) -> KnowledgeBase:
    """Load a knowledge base, raising KnowledgeError if it has any error."""
    kb, problems = check(root)
    errors = [p for p in problems if not p.warning]
    if errors:
        raise KnowledgeError("\n".join(map(str, errors)))
    return kb


def check(root: Path = BUNDLED) -> tuple[KnowledgeBase, list[Problem]]:
    """Load what loads and list every problem found."""
    problems: list[Problem] = []
    documents = _load_documents(root / "documents.toml", problems)
    synonyms, fillers, trailing, uncovered = _load_synonyms(root / "synonyms.toml", problems)
    entries = [
        entry
        for path in sorted((root / "content").rglob("*.md"))
        if (entry := _load_entry(path, root / "content", problems)) is not None
    ]
    _check_entries(entries, documents, problems)
    _check_figures(entries, load_figures(root / "figures.toml"), documents, root, problems)
    kb = KnowledgeBase(tuple(entries), documents, synonyms, fillers, trailing, uncovered)
    return kb, problems


def _read_toml(path: Path, problems: list[Problem]) -> dict | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(path, 0, "không tìm thấy tệp"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, _error_line(exc), f"tệp TOML hỏng: {exc}"))
    return None


def _error_line(exc: Exception) -> int:
    text = str(exc)
    marker = "line "
    if marker in text:
        digits = text.split(marker, 1)[1].split()[0].rstrip(",)")
        if digits.isdigit():
            return int(digits)
    return 1


def _line_of(path: Path, needle: str, default: int = 1) -> int:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return number
    except (OSError, UnicodeDecodeError):
        pass
    return default


def _load_documents(path: Path, problems: list[Problem]) -> dict[str, Document]:
    data = _read_toml(path, problems) or {}
    documents: dict[str, Document] = {}
    for raw in data.get("document", []):
        number = str(raw.get("number", ""))
        line = _line_of(path, f'"{number}"') if number else 1
        problem_count = len(problems)
        for key in sorted(set(raw) - DOCUMENT_KEYS):
            problems.append(Problem(path, line, f"khóa không hợp lệ '{key}' ở văn bản {number}"))
        for key in ("number", "kind", "title", "issuer", "status"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                problems.append(Problem(path, line, f"văn bản {number or '?'} thiếu '{key}'"))
        for key in ("date", "effective"):
            if key in raw and not isinstance(raw[key], date):
                problems.append(Problem(path, line, f"'{key}' của {number} phải là ngày"))
        status = raw.get("status")
        if isinstance(status, str) and status not in STATUSES:
            problems.append(Problem(path, line, f"trạng thái '{status}' của {number} không hợp lệ"))
        replaced_by = raw.get("replaced_by", [])
        if status in ("replaced", "partly_replaced") and not replaced_by:
            problems.append(Problem(path, line, f"{number} đã bị thay thế nhưng thiếu 'replaced_by'"))
        if number in documents:
            problems.append(Problem(path, line, f"văn bản {number} khai báo hai lần"))
        if len(problems) == problem_count:
            documents[number] = Document(
                number=number,
                kind=raw["kind"],
                title=raw["title"],
                issuer=raw["issuer"],
                status=status,
                date=raw.get("date"),
                effective=raw.get("effective"),
                replaced_by=tuple(replaced_by),
                note=raw.get("note", ""),
                url=raw.get("url", ""),
            )
    for document in documents.values():
        for successor in document.replaced_by:
            if successor not in documents:
                line = _line_of(path, f'"{successor}"')
                problems.append(Problem(path, line, f"văn bản thay thế '{successor}' chưa khai báo"))
    return documents


def _load_synonyms(
    path: Path, problems: list[Problem]
) -> tuple[tuple[Synonym, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    data = _read_toml(path, problems) or {}
    synonyms = []
    for raw in data.get("synonym", []):
        canonical, variants = raw.get("canonical"), raw.get("variants")
        if not isinstance(canonical, str) or not isinstance(variants, list) or not variants:
            problems.append(Problem(path, _line_of(path, str(canonical)), "nhóm từ đồng nghĩa hỏng"))
            continue
        synonyms.append(Synonym(canonical, tuple(variants)))
    fillers = data.get("fillers", {})
    uncovered = tuple(data.get("out_of_scope", {}).get("topics", []))
    return tuple(synonyms), tuple(fillers.get("phrases", [])), tuple(fillers.get("trailing", [])), uncovered


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "+++":
        return None
    for index, line in enumerate(lines[1:], 1):
        if line.strip() == "+++":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]).strip(), index + 1
    return None


def _load_entry(path: Path, content: Path, problems: list[Problem]) -> Entry | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(path, 1, "tệp không phải UTF-8"))
        return None
    parts = _split_front_matter(text)
    if parts is None:
        problems.append(Problem(path, 1, "thiếu phần đầu TOML giữa hai dòng '+++'"))
        return None
    header, body, body_line = parts
    try:
        meta = tomllib.loads(header)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(path, _error_line(exc) + 1, f"phần đầu TOML hỏng: {exc}"))
        return None
    count = len(problems)
    _check_meta(path, meta, body, body_line, problems)
    if len(problems) > count:
        return None
    return Entry(
        id=meta["id"],
        topic=path.parent.relative_to(content).as_posix(),
        title=meta["title"],
        questions=tuple(meta["questions"]),
        tags=tuple(meta["tags"]),
        sources=tuple(Source(s["document"], s["article"]) for s in meta["sources"]),
        body=body,
        updated=meta["updated"],
        related=tuple(meta.get("related", [])),
        historical=bool(meta.get("historical", False)),
        path=path,
    )


def _check_meta(path: Path, meta: dict, body: str, body_line: int, problems: list[Problem]) -> None:
    def fail(message: str, needle: str = "") -> None:
        problems.append(Problem(path, _line_of(path, needle) if needle else 1, message))

    for key in sorted(set(meta) - ENTRY_KEYS):
        fail(f"khóa không hợp lệ '{key}'", key)
    for key in sorted(REQUIRED_ENTRY_KEYS - set(meta)):
        fail(f"thiếu khóa '{key}'")
    if problems and problems[-1].path == path:
        return
    if not isinstance(meta["id"], str) or meta["id"] != path.stem:
        fail(f"id '{meta['id']}' phải trùng tên tệp '{path.stem}'", "id")
    if not isinstance(meta["title"], str) or not meta["title"].strip():
        fail("tiêu đề trống", "title")
    questions = meta["questions"]
    if not isinstance(questions, list) or not all(isinstance(q, str) and q.strip() for q in questions):
        fail("'questions' phải là danh sách câu hỏi", "questions")
    elif len(questions) < MIN_QUESTIONS:
        fail(f"cần ít nhất {MIN_QUESTIONS} cách hỏi, mới có {len(questions)}", "questions")
    if not isinstance(meta["tags"], list) or not all(isinstance(t, str) for t in meta["tags"]):
        fail("'tags' phải là danh sách chuỗi", "tags")
    sources = meta["sources"]
    valid = isinstance(sources, list) and all(
        isinstance(s, dict)
        and set(s) == {"document", "article"}
        and all(isinstance(v, str) and v.strip() for v in s.values())
        for s in sources
    )
    if not valid:
        fail("mỗi căn cứ phải có đúng 'document' và 'article'", "sources")
    if not isinstance(meta["updated"], date):
        fail("'updated' phải là ngày, ví dụ 2026-11-21 (không có dấu nháy)", "updated")
    related = meta.get("related", [])
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        fail("'related' phải là danh sách id", "related")
    if not isinstance(meta.get("historical", False), bool):
        fail("'historical' phải là true hoặc false", "historical")
    if not body:
        problems.append(Problem(path, body_line, "thiếu nội dung trả lời"))


def _check_entries(entries: list[Entry], documents: dict[str, Document], problems: list[Problem]) -> None:
    seen_ids: dict[str, Path] = {}
    seen_questions: dict[str, Entry] = {}
    for entry in entries:
        path = entry.path or Path(entry.id)
        if entry.id in seen_ids:
            problems.append(Problem(path, 1, f"id '{entry.id}' trùng với {seen_ids[entry.id]}"))
        seen_ids[entry.id] = path
        for question in entry.questions:
            key = " ".join(fold(question).split())
            other = seen_questions.get(key)
            if other is not None:
                where = "ở chính mục này" if other is entry else f"ở mục '{other.id}'"
                problems.append(Problem(path, _line_of(path, question), f"câu hỏi trùng {where}: {question}"))
            seen_questions[key] = entry
        _check_sources(entry, path, documents, problems)
        _check_length(entry, path, documents, problems)
    for entry in entries:
        for other in entry.related:
            if other not in seen_ids or other == entry.id:
                line = _line_of(entry.path, other) if entry.path else 1
                problems.append(
                    Problem(entry.path or Path(entry.id), line, f"mục liên quan '{other}' không tồn tại")
                )


def _check_figures(
    entries: list[Entry],
    recorded: list[Figures],
    documents: dict[str, Document],
    root: Path,
    problems: list[Problem],
) -> None:
    """Figures recorded for unknown documents, and answers stating a figure their articles do not."""
    for figures in recorded:
        if figures.document not in documents:
            message = f"figures.toml: văn bản '{figures.document}' chưa có trong documents.toml"
            problems.append(Problem(root / "figures.toml", 1, message))
    for entry in entries:
        for figure in unrecorded(entry, recorded):
            path = entry.path or Path(entry.id)
            message = f"«{figure}» khác số liệu của điều khoản được dẫn (xem figures.toml)"
            problems.append(Problem(path, _line_of(path, figure.split()[0]), message))


def _check_sources(entry: Entry, path: Path, documents: dict[str, Document], problems: list[Problem]) -> None:
    if not entry.sources and entry.topic != GUIDE_TOPIC:
        problems.append(Problem(path, _line_of(path, "sources"), "thiếu căn cứ pháp lý"))
    cited = []
    for source in entry.sources:
        line = _line_of(path, source.document)
        document = documents.get(source.document)
        if document is None:
            problems.append(Problem(path, line, f"văn bản '{source.document}' chưa có trong documents.toml"))
            continue
        cited.append(document)
        if not document.is_current and not entry.historical:
            problems.append(
                Problem(
                    path,
                    line,
                    f"dẫn {document.label} ({document.status}) nhưng mục không đánh dấu historical",
                )
            )
    if entry.historical and cited and not any(d.is_current for d in cited):
        problems.append(Problem(path, 1, "mục lịch sử phải dẫn cả văn bản đang có hiệu lực thay thế"))


def _check_length(entry: Entry, path: Path, documents: dict[str, Document], problems: list[Problem]) -> None:
    if len(entry.body) > BODY_SOFT_LIMIT:
        problems.append(
            Problem(
                path,
                1,
                f"nội dung dài {len(entry.body)} ký tự, nên dưới {BODY_SOFT_LIMIT}",
                warning=True,
            )
        )
    if any(s.document not in documents for s in entry.sources):
        return
    length = len(compose(entry, documents).plain())
    if length > MESSAGE_LIMIT:
        problems.append(
            Problem(path, 1, f"câu trả lời dài {length} ký tự, quá một tin nhắn ({MESSAGE_LIMIT})")
        )
