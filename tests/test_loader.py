"""The knowledge linter: the bundled base is clean, and each kind of problem is caught with its line."""

import textwrap
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.loader import KnowledgeError, check, load

DOCUMENTS = """
[[document]]
number = "171/2025/NĐ-CP"
kind = "Nghị định"
title = "đào tạo, bồi dưỡng công chức"
issuer = "Chính phủ"
status = "in_force"

[[document]]
number = "101/2017/NĐ-CP"
kind = "Nghị định"
title = "đào tạo, bồi dưỡng cán bộ, công chức, viên chức"
issuer = "Chính phủ"
status = "partly_replaced"
replaced_by = ["171/2025/NĐ-CP"]
"""


def entry(entry_id="muc-a", questions=None, sources=None, body="Trả lời ngắn.", extra=""):
    questions = questions or ["câu hỏi một", "câu hỏi hai", "câu hỏi ba"]
    sources = sources or ['{ document = "171/2025/NĐ-CP", article = "Điều 16 khoản 3" }']
    return textwrap.dedent(
        f"""\
        +++
        id = "{entry_id}"
        title = "Tiêu đề {entry_id}"
        questions = {questions!r}
        tags = ["bồi dưỡng"]
        sources = [{", ".join(sources)}]
        updated = 2026-11-21
        {extra}
        +++
        {body}
        """
    ).replace("'", '"')


def make_kb(tmp_path: Path, entries: dict[str, str], documents: str = DOCUMENTS) -> Path:
    (tmp_path / "documents.toml").write_text(documents, encoding="utf-8")
    (tmp_path / "synonyms.toml").write_text('[[synonym]]\ncanonical = "bồi dưỡng"\nvariants = ["bd"]\n')
    for name, text in entries.items():
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def errors(root: Path) -> list[str]:
    return [str(p) for p in check(root)[1] if not p.warning]


def test_bundled_knowledge_base_passes_without_warnings():
    kb, problems = check()
    assert [str(p) for p in problems] == []
    assert len(kb.entries) >= 40


def test_cli_check_exit_codes(tmp_path, capsys):
    assert main(["kb", "check"]) == 0
    root = make_kb(
        tmp_path,
        {"t/muc-a.md": entry(sources=['{ document = "1/2099/NĐ-CP", article = "Điều 1" }'])},
    )
    assert main(["kb", "check", "--knowledge", str(root)]) == 1
    assert "1/2099/NĐ-CP" in capsys.readouterr().out


def test_a_clean_small_base_loads(tmp_path):
    kb = load(make_kb(tmp_path, {"t/muc-a.md": entry()}))
    assert kb.entry("muc-a").topic == "t"


def test_unknown_source_document_names_file_and_line(tmp_path):
    root = make_kb(
        tmp_path,
        {"t/muc-a.md": entry(sources=['{ document = "999/2099/NĐ-CP", article = "Điều 1" }'])},
    )
    [problem] = errors(root)
    assert problem.startswith(f"{root / 'content/t/muc-a.md'}:6:")
    assert "999/2099/NĐ-CP" in problem


def test_missing_sources_are_an_error_except_for_guides(tmp_path):
    root = make_kb(
        tmp_path,
        {
            "t/muc-a.md": entry().replace(
                'sources = [{ document = "171/2025/NĐ-CP", article = "Điều 16 khoản 3" }]',
                "sources = []",
            ),
            "su-dung-bot/muc-b.md": entry("muc-b", questions=["a b", "c d", "e f"]).replace(
                'sources = [{ document = "171/2025/NĐ-CP", article = "Điều 16 khoản 3" }]',
                "sources = []",
            ),
        },
    )
    [problem] = errors(root)
    assert "muc-a.md" in problem and "căn cứ" in problem


def test_duplicate_ids_and_phrasings(tmp_path):
    root = make_kb(
        tmp_path,
        {
            "t/muc-a.md": entry(),
            "u/muc-a.md": entry(questions=["khác một", "khác hai", "Câu hỏi MỘT"]),
        },
    )
    problems = errors(root)
    assert any("id 'muc-a' trùng" in p for p in problems)
    assert any("câu hỏi trùng ở mục 'muc-a': Câu hỏi MỘT" in p for p in problems)


def test_too_long_answer(tmp_path):
    root = make_kb(tmp_path, {"t/muc-a.md": entry(body="Rất dài. " * 600)})
    problems = check(root)[1]
    assert any("quá một tin nhắn" in str(p) and not p.warning for p in problems)
    assert any("nên dưới 1200" in str(p) and p.warning for p in problems)


def test_replaced_document_needs_historical_mark_and_current_successor(tmp_path):
    old_only = ['{ document = "101/2017/NĐ-CP", article = "toàn văn" }']
    both = [*old_only, '{ document = "171/2025/NĐ-CP", article = "Điều 41 khoản 2" }']
    root = make_kb(
        tmp_path,
        {
            "t/muc-a.md": entry(sources=old_only),
            "t/muc-b.md": entry("muc-b", ["x một", "x hai", "x ba"], old_only, extra="historical = true"),
            "t/muc-c.md": entry("muc-c", ["y một", "y hai", "y ba"], both, extra="historical = true"),
        },
    )
    problems = errors(root)
    assert any("muc-a.md" in p and "không đánh dấu historical" in p for p in problems)
    assert any("muc-b.md" in p and "văn bản đang có hiệu lực" in p for p in problems)
    assert not any("muc-c.md" in p for p in problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "thiếu phần đầu TOML"),
        ("+++\nid = \n+++\nbody", "phần đầu TOML hỏng"),
        (entry(extra='colour = "red"'), "khóa không hợp lệ 'colour'"),
        (entry(questions=["một", "hai"]), "cần ít nhất 3 cách hỏi"),
        (entry(extra='related = ["khong-co"]'), "mục liên quan 'khong-co' không tồn tại"),
        (entry(body=""), "thiếu nội dung trả lời"),
        (entry().replace("updated = 2026-11-21", 'updated = "hôm qua"'), "'updated' phải là ngày"),
        (entry().replace('id = "muc-a"', 'id = "ten-khac"'), "phải trùng tên tệp"),
    ],
)
def test_malformed_entries_are_reported(tmp_path, text, message):
    root = make_kb(tmp_path, {"t/muc-a.md": text})
    problems = errors(root)
    assert any(message in p for p in problems), problems
    assert all("muc-a.md:" in p for p in problems)


def test_documents_file_problems(tmp_path):
    template = '\n[[document]]\nnumber = "{}"\nkind = "Quy định"\ntitle = "x"\nissuer = "y"\nstatus = "{}"\n'
    documents = DOCUMENTS + template.format("57-QĐ/TW", "replaced") + template.format("9/2020/NĐ-CP", "old")
    root = make_kb(tmp_path, {"t/muc-a.md": entry()}, documents)
    problems = errors(root)
    assert any("57-QĐ/TW đã bị thay thế nhưng thiếu 'replaced_by'" in p for p in problems)
    assert any("trạng thái 'old'" in p for p in problems)


def test_load_refuses_a_base_with_errors(tmp_path):
    root = make_kb(tmp_path, {"t/muc-a.md": "broken"})
    with pytest.raises(KnowledgeError, match="thiếu phần đầu TOML"):
        load(root)
