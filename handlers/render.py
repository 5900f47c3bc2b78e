"""Telegram HTML for answers, suggestions and buttons; long texts split at paragraphs."""

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import replies
from knowledge.answer import Answer
from knowledge.model import Entry

MESSAGE_LIMIT = 4096
BUTTON_TEXT_LIMIT = 60
SHOW, FEEDBACK = "e", "f"  # callback data kinds: show an entry, rate an answer


def answer_html(answer: Answer) -> str:
    """An answer in Telegram HTML: notices, bold title, body, italic legal basis."""
    parts = [f"⚠️ {escape(notice)}" for notice in answer.notices]
    parts.append(f"<b>{escape(answer.title)}</b>")
    parts.extend(_paragraph_html(p) for p in answer.body.split("\n\n") if p.strip())
    if answer.basis_line():
        parts.append(f"<i>{escape(answer.basis_line())}</i>")
    return "\n\n".join(parts)


def _paragraph_html(paragraph: str) -> str:
    lines = paragraph.strip().splitlines()
    return "\n".join("• " + escape(ln[2:]) if ln.startswith("- ") else escape(ln) for ln in lines)


def answer_keyboard(entry: Entry, related: list[Entry]) -> InlineKeyboardMarkup:
    """👍/👎 under an answer, then one button per related entry."""
    rows = [
        [
            InlineKeyboardButton("👍 Hữu ích", callback_data=f"{FEEDBACK}:{entry.id}:1"),
            InlineKeyboardButton("👎 Chưa đúng", callback_data=f"{FEEDBACK}:{entry.id}:0"),
        ]
    ]
    rows += [[_entry_button("Xem thêm: ", e)] for e in related[:3]]
    return InlineKeyboardMarkup(rows)


def suggestions_keyboard(entries: list[Entry]) -> InlineKeyboardMarkup:
    """One button per suggested entry."""
    return InlineKeyboardMarkup([[_entry_button("", e)] for e in entries])


def decline_html(contact: str) -> str:
    """The polite 'I do not know', pointing to a person who does."""
    return escape(replies.decline(contact))


def _entry_button(prefix: str, entry: Entry) -> InlineKeyboardButton:
    text = prefix + entry.title
    if len(text) > BUTTON_TEXT_LIMIT:
        text = text[: BUTTON_TEXT_LIMIT - 1].rstrip() + "…"
    return InlineKeyboardButton(text, callback_data=f"{SHOW}:{entry.id}")


def parse_callback(data: str | None) -> tuple[str, str, bool | None] | None:
    """(kind, entry id, vote) from callback data, or None when it is not ours or malformed."""
    parts = (data or "").split(":")
    if len(parts) == 2 and parts[0] == SHOW and parts[1]:
        return SHOW, parts[1], None
    if len(parts) == 3 and parts[0] == FEEDBACK and parts[1] and parts[2] in ("0", "1"):
        return FEEDBACK, parts[1], parts[2] == "1"
    return None


def split_message(text: str, limit: int = MESSAGE_LIMIT, separators=("\n\n", "\n", " ")) -> list[str]:
    """Split text into messages of at most `limit` characters: at paragraphs, then lines, then words."""
    if len(text) <= limit:
        return [text]
    if not separators:
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    separator, finer = separators[0], separators[1:]
    pieces: list[str] = []
    for piece in text.split(separator):
        pieces.extend(split_message(piece, limit, finer) if len(piece) > limit else [piece])
    return _pack(pieces, separator, limit)


def _pack(pieces: list[str], separator: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    chunks.append(current)
    return [c for c in chunks if c.strip()]
