"""The command line as an operator or an evaluation script uses it: real processes, real output."""

import json

from tests.processes import run_bot as bot

KEYS = {"outcome", "entry_id", "title", "text", "sources", "score", "suggestions"}


def test_ask_json_prints_exactly_one_object_with_the_documented_keys():
    result = bot("ask", "--json", "bồi dưỡng bắt buộc mỗi năm bao nhiêu tiết")
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    answer = json.loads(line)
    assert set(answer) == KEYS
    assert answer["outcome"] == "answer"
    assert answer["entry_id"] == "boi-duong-toi-thieu-40-tiet-moi-nam"
    assert "40 tiết" in answer["text"] and "Căn cứ: Điều 16 khoản 3" in answer["text"]
    assert {"document": "171/2025/NĐ-CP", "article": "Điều 16 khoản 3"} in answer["sources"]
    assert 0 < answer["score"] <= 1
    assert answer["suggestions"][0]["entry_id"] == answer["entry_id"]


def test_ask_json_reads_one_question_per_line_in_order():
    questions = ["dieu kien hoc trung cap llct", "cách nấu phở bò", "", "chi phí đào tạo"]
    result = bot("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["outcome"] for a in answers] == ["answer", "decline", "decline", "suggest"]
    assert answers[0]["entry_id"] == "doi-tuong-tieu-chuan-trung-cap-llct"
    assert answers[1] == {
        **answers[1],
        "entry_id": None,
        "title": None,
        "text": "",
        "sources": [],
        "suggestions": [],
    }
    assert answers[3]["text"].startswith("Có phải bạn muốn hỏi") and answers[3]["sources"] == []
    assert 2 <= len(answers[3]["suggestions"]) <= 3


def test_ask_prints_the_answer_as_a_user_reads_it():
    result = bot("ask", "nghị định 101/2017 còn hiệu lực không")
    assert result.returncode == 0, result.stderr
    # The answer is the current rule and says what replaced the document the question named.
    assert "101/2017/NĐ-CP" in result.stdout and "bãi bỏ" in result.stdout
    assert "40 tiết" in result.stdout
    assert "Nghị định 171/2025/NĐ-CP (đang có hiệu lực)" in result.stdout


def test_kb_stats_counts_entries_per_topic_and_document():
    result = bot("kb", "stats")
    assert result.returncode == 0, result.stderr
    assert "Mục theo chủ đề:" in result.stdout and "171/2025/NĐ-CP" in result.stdout


def test_demo_can_be_scripted_through_stdin():
    script = "boi duong moi nam bao nhieu tiet\n1\ncách nấu phở bò\n"
    result = bot("demo", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Bạn: boi duong moi nam bao nhieu tiet" in out
    assert "40 tiết" in out and "Căn cứ:" in out
    assert "[1] 👍 Hữu ích" in out
    assert "(thông báo) Cảm ơn bạn đã góp ý!" in out
    assert "Xin lỗi, tôi chưa có câu trả lời" in out


def test_demo_plays_each_registry_role_and_moves_time():
    lines = ["/status", "/vai canbo", "/status", "/vai tochuc", "/lookup nguyen thi thu haa", "/tua 3"]
    script = "\n".join([*lines, "/vai khach", "/status", ""])
    result = bot("demo", stdin=script)
    assert result.returncode == 0, result.stderr
    unlinked, staff, organiser, *_ = result.stdout.split("Bạn: /vai ")
    assert "chưa liên kết với hồ sơ" in unlinked
    assert "Tiêu chuẩn theo vị trí" in staff and "Căn cứ: Điều 16 khoản 3" in staff
    assert "khai giảng" in staff and "còn 3 ngày" in staff
    assert "Nguyễn Thị Thu Hà (mã HA015)" in organiser
    assert "đã tua 3 ngày" in result.stdout
    assert result.stdout.rstrip().endswith("Gõ /link để liên kết bằng số điện thoại của bạn.")


def test_demo_shows_reminders_when_linked_and_when_the_clock_moves():
    result = bot("demo", stdin="/vai canbo\n/courses\n/tua 2\n")
    assert result.returncode == 0, result.stderr
    linked, moved = result.stdout.split("Bạn: /tua 2")
    assert "Nhắc lịch học" in linked and "còn 3 ngày" in linked  # BD-VTVL-02 starts in 3 days
    assert "Lớp bạn đã đăng ký" in linked
    assert "Nhắc lịch học" in moved and "ngày mai" in moved  # two days later it starts tomorrow


def test_reminders_due_lists_each_reminder_and_whether_it_went(tmp_path):
    from knowledge.loader import load
    from knowledge.search import Index
    from tests.reminder_fixtures import Clock, reminder_services

    kb = load()
    reminder_services(kb, Index(kb), tmp_path, Clock()).close()
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndatabase = "{tmp_path / "bot.db"}"\n', encoding="utf-8")
    result = bot("reminders", "due", "--date", "21/11/2026", "--config", str(config))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "6 nhắc việc đến hạn ngày 21/11/2026."
    assert any(line.split()[:3] == ["T1", "deadline", "qlnn_sau_bo_nhiem@2026-12-20"] and "chưa gửi" in line
               for line in lines)  # fmt: skip
    bad = bot("reminders", "due", "--date", "2026-11-21", "--config", str(config))
    assert bad.returncode == 2 and "dd/mm/yyyy" in bad.stderr
