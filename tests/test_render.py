"""Telegram formatting: escaping, legal basis line, buttons, splitting at paragraph boundaries."""

from handlers import render
from knowledge.answer import Answer, Basis
from knowledge.model import Document


def test_answer_html_escapes_everything_dynamic():
    document = Document("1/2025/NĐ-CP", "Nghị định", "t", "Chính phủ", "in_force")
    answer = Answer("A <b> & C", "x < y\n\n- một\n- hai", (Basis(("Điều 1",), document),), ("Lưu ý <i>",))
    html = render.answer_html(answer)
    assert "<b>A &lt;b&gt; &amp; C</b>" in html
    assert "x &lt; y" in html and "• một\n• hai" in html
    assert "⚠️ Lưu ý &lt;i&gt;" in html
    assert "<i>Căn cứ: Điều 1 Nghị định 1/2025/NĐ-CP (đang có hiệu lực).</i>" in html


def test_split_keeps_paragraphs_whole():
    paragraphs = [f"Đoạn {n} " + "chữ " * 300 for n in range(10)]
    parts = render.split_message("\n\n".join(paragraphs), limit=4096)
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)


def test_split_cuts_an_oversized_paragraph_at_words():
    parts = render.split_message("từ " * 3000, limit=4096)
    assert all(len(p) <= 4096 for p in parts)
    assert sum(p.count("từ") for p in parts) == 3000


def test_callback_data_round_trip_and_forgery():
    assert render.parse_callback("e:muc-a") == ("e", "muc-a", None)
    assert render.parse_callback("f:muc-a:1") == ("f", "muc-a", True)
    for forged in (None, "", "e:", "f:muc-a:2", "x:muc-a", "e:a:b:c", "f::1"):
        assert render.parse_callback(forged) is None


def test_replaced_document_notice_is_not_repeated_by_its_own_historical_entry(kb):
    from knowledge.answer import answer_to

    old = kb.documents["101/2017/NĐ-CP"]
    historical = kb.entry("nghi-dinh-101-2017-dao-tao-boi-duong")
    current = kb.entry("boi-duong-toi-thieu-40-tiet-moi-nam")
    assert answer_to(historical, kb.documents, (old,)).notices == ()
    [notice] = answer_to(current, kb.documents, (old,)).notices
    assert notice.startswith("Lưu ý: Nghị định 101/2017/NĐ-CP") and "171/2025/NĐ-CP" in notice
