"""User-facing wording shared by Telegram and the command line, as plain text."""

from knowledge.model import Entry

ASK_HINT = "Bạn gõ câu hỏi ngay sau lệnh hoặc sau tên tôi, ví dụ: /ask bồi dưỡng mỗi năm bao nhiêu tiết"
SUGGEST_PROMPT = "Có phải bạn muốn hỏi một trong các câu sau? Bấm vào câu phù hợp để xem trả lời."
DECLINE = (
    "Xin lỗi, tôi chưa có câu trả lời đáng tin cậy cho câu hỏi này.\n\n"
    "Bạn thử hỏi lại ngắn gọn hơn và nêu rõ nội dung (ví dụ: «điều kiện học trung cấp lý luận "
    "chính trị»), hoặc liên hệ {contact} để được hướng dẫn."
)


def suggestions_plain(entries: list[Entry]) -> str:
    """The suggestion prompt with numbered titles, as the command line shows it."""
    lines = [f"{number}. {entry.title}" for number, entry in enumerate(entries, 1)]
    return "\n".join([SUGGEST_PROMPT, *lines])


def decline(contact: str) -> str:
    """The polite 'I do not know', pointing to a person who does."""
    return DECLINE.format(contact=contact)
