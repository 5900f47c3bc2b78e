"""An entry as the user reads it: answer, legal basis with document status, notices."""

from dataclasses import dataclass

from knowledge.model import STATUS_TEXT, Document, Entry


@dataclass(frozen=True)
class Basis:
    """The articles of one document that an answer rests on."""

    articles: tuple[str, ...]
    document: Document

    def plain(self) -> str:
        """'Điều 16 khoản 3 Nghị định 171/2025/NĐ-CP (đang có hiệu lực)'."""
        articles = ", ".join(a for a in self.articles if a.lower() != "toàn văn")
        prefix = f"{articles} " if articles else ""
        return f"{prefix}{self.document.label} ({status_phrase(self.document)})"


@dataclass(frozen=True)
class Answer:
    """The parts of an answer, kept apart so each interface can format them."""

    title: str
    body: str
    basis: tuple[Basis, ...]
    notices: tuple[str, ...] = ()

    def basis_line(self) -> str:
        """The 'Căn cứ:' line, or empty for entries about the bot itself."""
        if not self.basis:
            return ""
        return "Căn cứ: " + "; ".join(b.plain() for b in self.basis) + "."

    def plain(self) -> str:
        """The whole answer as plain text."""
        parts = [*self.notices, self.title, self.body, self.basis_line()]
        return "\n\n".join(part for part in parts if part)


def status_phrase(document: Document) -> str:
    """Vietnamese status of a document, naming what replaced it."""
    text = STATUS_TEXT[document.status]
    if document.replaced_by:
        text += " bởi " + ", ".join(document.replaced_by)
    return text


def replaced_notice(document: Document, documents: dict[str, Document]) -> str:
    """Warns that a document the user named is no longer (wholly) the current rule."""
    successors = " và ".join(documents[n].label if n in documents else n for n in document.replaced_by)
    verb = "đã được thay thế một phần" if document.status == "partly_replaced" else "không còn hiệu lực"
    detail = f" {document.note}" if document.note else ""
    return (
        f"Lưu ý: {document.label} {verb}; quy định hiện hành là {successors}.{detail} "
        "Câu trả lời dưới đây theo quy định hiện hành."
    )


def compose(entry: Entry, documents: dict[str, Document], notices: tuple[str, ...] = ()) -> Answer:
    """Build the answer of an entry, grouping its sources by document in citation order."""
    grouped: dict[str, list[str]] = {}
    for source in entry.sources:
        grouped.setdefault(source.document, []).append(source.article)
    basis = tuple(Basis(tuple(articles), documents[number]) for number, articles in grouped.items())
    return Answer(entry.title, entry.body, basis, notices)


def answer_to(entry: Entry, documents: dict[str, Document], named: tuple[Document, ...] = ()) -> Answer:
    """An entry's answer to a question that named `named` documents: each replaced one gets a notice,
    unless the entry itself is the historical entry that cites it."""
    cited = {source.document for source in entry.sources} if entry.historical else set()
    notices = tuple(
        replaced_notice(d, documents) for d in named if not d.is_current and d.number not in cited
    )
    return compose(entry, documents, notices)
