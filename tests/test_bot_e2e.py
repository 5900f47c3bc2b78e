"""The real bot, end to end over HTTP through the local fake Bot API."""

import asyncio

import pytest

from bot.app import COMMANDS
from bot.config import Config, TelegramConfig
from bot.fake_bot_api import parse_telegram_html
from handlers import render
from tests.served_bot import serving

TOKEN = "123456:e2e-secret-token"
USER = 1001
GROUP = -2002


@pytest.fixture
async def bot(services):
    """A running bot and the fake Telegram it talks to."""
    async with serving(Config(telegram=TelegramConfig(token=TOKEN)), services) as api:
        yield api


async def ask(api, text, chat_id=USER, count=1, **kwargs):
    api.send_text(text, user_id=USER, chat_id=chat_id, **kwargs)
    return await api.wait_for_messages(chat_id, count=count)


def buttons(message):
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def test_start_greets_and_sets_the_command_menu(bot):
    [reply] = await ask(bot, "/start", first_name="Lan")
    assert reply["text"].startswith("Xin chào Lan!")
    assert "/help" in reply["text"]
    assert [(c["command"], c["description"]) for c in bot.my_commands()] == list(COMMANDS)


async def test_a_question_gets_a_sourced_html_answer_with_feedback_buttons(bot, services):
    [reply] = await ask(bot, "boi duong bat buoc moi nam bao nhieu tiet")
    assert reply["parse_mode"] == "HTML"
    assert "40 tiết" in reply["text"]
    assert "<i>Căn cứ: Điều 16 khoản 3" in reply["text"]
    assert "Nghị định 171/2025/NĐ-CP (đang có hiệu lực)" in reply["text"]
    votes = [b for b in buttons(reply) if b["callback_data"].startswith("f:")]
    assert [b["text"] for b in votes] == ["👍 Hữu ích", "👎 Chưa đúng"]

    query_id = bot.press_button(reply, votes[0]["callback_data"], user_id=USER)
    await bot.wait_for_call("answerCallbackQuery")
    assert bot.callback_answers[query_id]["text"] == "Cảm ơn bạn đã góp ý!"
    assert [(r["entry_id"], r["helpful"]) for r in services.db["feedback"].rows] == [
        ("boi-duong-toi-thieu-40-tiet-moi-nam", 1)
    ]


async def test_a_replaced_document_is_answered_with_the_current_rule(bot):
    # Asked whether the old decree applies: the entry about it, which gives the current rule.
    [reply] = await ask(bot, "nghị định 101/2017 còn hiệu lực không")
    assert "101/2017/NĐ-CP" in reply["text"] and "bãi bỏ" in reply["text"]
    assert "40 tiết" in reply["text"]
    assert "Nghị định 171/2025/NĐ-CP (đang có hiệu lực)" in reply["text"]
    # Asked about a rule while naming the old decree: the current rule, with a notice of the change.
    [reply] = await ask(bot, "theo nđ 101 lãnh đạo đi giảng lớp bồi dưỡng có được tính vào 40 tiết không")
    assert reply["text"].startswith("⚠️ Lưu ý: Nghị định 101/2017/NĐ-CP")
    assert "171/2025/NĐ-CP" in reply["text"] and "giảng dạy" in reply["text"]


async def test_related_entries_are_buttons_that_answer(bot, services):
    [reply] = await ask(bot, "thoi han hoan thanh qlnn sau khi duoc bo nhiem")
    related = [b for b in buttons(reply) if b["callback_data"].startswith("e:")]
    assert related, "the QLNN deadline entry links related entries"
    bot.press_button(reply, related[0]["callback_data"], user_id=USER)
    [shown] = await bot.wait_for_messages(USER)
    entry = services.entry(related[0]["callback_data"][2:])
    assert f"<b>{entry.title}</b>" in shown["text"]


async def test_an_unsure_question_offers_suggestions_that_answer_when_pressed(bot, services):
    question = "chi phí đào tạo"
    assert services.ask(question).outcome == "suggest"
    [reply] = await ask(bot, question)
    assert reply["text"].startswith("Có phải bạn muốn hỏi")
    choices = buttons(reply)
    assert 2 <= len(choices) <= 3
    bot.press_button(reply, choices[1]["callback_data"], user_id=USER)
    [shown] = await bot.wait_for_messages(USER)
    assert "Căn cứ:" in shown["text"]


async def test_out_of_scope_is_declined_politely_and_logged(bot, services):
    [reply] = await ask(bot, "cách nấu phở bò ngon")
    assert reply["text"].startswith("Xin lỗi, tôi chưa có câu trả lời")
    assert services.config.support.contact in reply["text"]
    assert [r["question"] for r in services.db["unanswered"].rows] == ["cách nấu phở bò ngon"]


async def test_groups_answer_only_mentions_and_ask(bot):
    bot.send_text(
        "bồi dưỡng mỗi năm bao nhiêu tiết",
        user_id=USER,
        chat_id=GROUP,
        chat_type="group",
        title="Tổ",
    )
    [reply] = await ask(
        bot,
        "@tro_ly_bot bồi dưỡng mỗi năm bao nhiêu tiết",
        chat_id=GROUP,
        chat_type="group",
        title="Tổ",
    )
    assert "40 tiết" in reply["text"]
    assert len(bot.messages_to(GROUP)) == 1, "the message without a mention got no reply"
    [reply] = await ask(
        bot, "/ask bồi dưỡng mỗi năm bao nhiêu tiết", chat_id=GROUP, chat_type="group", title="Tổ"
    )
    assert "40 tiết" in reply["text"]
    [reply] = await ask(bot, "/ask", chat_id=GROUP, chat_type="group", title="Tổ")
    assert "ví dụ: /ask" in reply["text"]
    [reply] = await ask(bot, "@tro_ly_bot", chat_id=GROUP, chat_type="group", title="Tổ")
    assert "ví dụ: /ask" in reply["text"]


async def test_inline_mode_returns_answers_and_keeps_no_half_typed_question(bot, services):
    bot.inline_query("boi duong may tiet 1 nam", user_id=USER)
    params = await bot.wait_for_call("answerInlineQuery")
    [results] = bot.inline_answers.values()
    assert params["results"] and results
    assert "40 tiết" in results[0]["input_message_content"]["message_text"]
    bot.inline_query("cách nấu p", user_id=USER)
    params = await bot.wait_for_call("answerInlineQuery")
    assert params["results"] == []
    assert services.db["unanswered"].count == 0


async def test_non_text_messages_get_an_explanation(bot):
    bot.send_sticker(user_id=USER)
    [reply] = await bot.wait_for_messages(USER)
    assert "dạng chữ" in reply["text"]
    bot.send_photo(user_id=USER)
    [reply] = await bot.wait_for_messages(USER)
    assert "dạng chữ" in reply["text"]
    [reply] = await ask(bot, "/khonglenhnay")
    assert "/help" in reply["text"]


@pytest.mark.parametrize(
    "data",
    [
        "e:khong-ton-tai",
        "f:khong-ton-tai:1",
        "zzz",
        "e:",
        "f:boi-duong-toi-thieu-40-tiet-moi-nam:7",
    ],
)
async def test_forged_button_data_is_refused_without_harm(bot, services, data):
    [reply] = await ask(bot, "bồi dưỡng mỗi năm bao nhiêu tiết")
    message = {
        "message_id": reply["message_id"],
        "date": reply["date"],
        "text": reply["text"],
        "chat": {"id": USER, "type": "private"},
    }
    bot.send_update(
        {
            "callback_query": {
                "id": "forged",
                "from": {"id": USER, "is_bot": False, "first_name": "X"},
                "chat_instance": "i",
                "message": message,
                "data": data,
            }
        }
    )
    await bot.wait_for_call("answerCallbackQuery")
    assert "không còn hiệu lực" in bot.callback_answers["forged"]["text"]
    assert services.db["feedback"].count == 0


async def test_telegram_errors_do_not_stop_the_bot(bot):
    bot.fail_next("sendMessage", 429, retry_after=1)
    [reply] = await ask(bot, "bồi dưỡng mỗi năm bao nhiêu tiết")  # the rate limiter waits and retries
    assert "40 tiết" in reply["text"]

    bot.fail_next("sendMessage", 403)
    bot.send_text("bồi dưỡng mỗi năm bao nhiêu tiết", user_id=USER)
    await bot.wait_for_call("sendMessage")
    bot.fail_next("sendMessage", 502)
    bot.send_text("bồi dưỡng mỗi năm bao nhiêu tiết", user_id=USER)
    await asyncio.sleep(0.3)
    [reply] = await ask(bot, "bồi dưỡng mỗi năm bao nhiêu tiết")
    assert "40 tiết" in reply["text"]


async def test_every_bundled_answer_is_valid_telegram_html_within_one_message(kb, services):
    for entry in kb.entries:
        for part in render.split_message(render.answer_html(services.answer_for(entry))):
            parsed = parse_telegram_html(part)
            assert 0 < parsed.length <= 4096, entry.id
