"""End-to-end tests of the fake Bot API, driven by a real PTB Bot and Application."""

import asyncio
import datetime as dtm
import os
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.fake_bot_api import DEFAULT_USER_ID, FakeBotAPI, HTMLParseError, parse_telegram_html
from bot.transport import AiohttpRequest

# RetryAfter.retry_after warns (an error under our filterwarnings) unless this opt-in is set.
os.environ.setdefault("PTB_TIMEDELTA", "true")

TOKEN = "123:TEST"
USER = DEFAULT_USER_ID


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token=TOKEN, bot_username="cadre_test_bot") as fake:
        yield fake


@pytest.fixture(params=["httpx", "aiohttp"])
async def bot(api: FakeBotAPI, request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    """A PTB Bot on PTB's own httpx client, and on the bot's aiohttp one (bot.transport)."""
    transport = AiohttpRequest() if request.param == "aiohttp" else None
    client = Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url, request=transport)
    async with client:
        yield client


@pytest.fixture
async def app(api: FakeBotAPI) -> AsyncIterator[Application]:
    application = Application.builder().token(TOKEN).base_url(api.base_url).build()
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def raw_post(api: FakeBotAPI, method: str, token: str = TOKEN, **kwargs) -> tuple[int, dict]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{api.base_url}{token}/{method}", **kwargs) as response,
    ):
        return response.status, await response.json()


# ----------------------------------------------------------------------------- basics


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123, True, "cadre_test_bot")


async def test_send_message_plain_is_recorded_with_per_chat_ids(api: FakeBotAPI, bot: Bot) -> None:
    first = await bot.send_message(USER, "xin chào")
    second = await bot.send_message(USER, "123")
    other = await bot.send_message(-100500, "group hello")

    assert (first.text, first.chat.id, first.from_user.id) == ("xin chào", USER, 123)
    assert second.text == "123"  # free text stays a string even though it looks like JSON
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert other.chat.type == "supergroup"
    record = api.sent[0]
    assert record["event"] == "message"
    assert (record["chat_id"], record["message_id"], record["text"]) == (USER, 1, "xin chào")
    assert isinstance(record["date"], int)
    assert [m["text"] for m in api.messages_to(USER)] == ["xin chào", "123"]
    assert api.calls[-1] == ("sendMessage", {"chat_id": -100500, "text": "group hello"})


async def test_send_message_html_becomes_text_and_entities(api: FakeBotAPI, bot: Bot) -> None:
    html = '<b>Điều 5</b> &amp; <a href="https://example.org">nguồn</a> 😀<i>x</i>'
    message = await bot.send_message(USER, html, parse_mode="HTML")

    assert message.text == "Điều 5 & nguồn 😀x"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 6),
        ("text_link", 9, 5),
        ("italic", 17, 1),  # the emoji counts as two UTF-16 units
    ]
    assert message.entities[1].url == "https://example.org"
    assert api.sent[-1]["text"] == html
    assert api.sent[-1]["parse_mode"] == "HTML"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<b>unclosed", "can't find end tag"),
        ("<blink>x</blink>", 'unsupported start tag "blink"'),
        ("<b><i>x</b></i>", "unmatched end tag"),
        ("1 < 2", "character '<' must be escaped"),
        ("a &nbsp; b", 'unsupported html entity "&nbsp;"'),
        ("Tom & Jerry", "character '&' must be escaped"),
        ('<span class="x">y</span>', 'unsupported start tag "span"'),
    ],
)
async def test_invalid_html_is_rejected(bot: Bot, html: str, reason: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as caught:
        await bot.send_message(USER, html, parse_mode="HTML")
    assert reason in caught.value.message.lower()


async def test_length_limit_applies_after_entity_parsing(bot: Bot) -> None:
    fits = await bot.send_message(USER, "<b>" + "&lt;" * 4096 + "</b>", parse_mode="HTML")
    assert fits.text == "<" * 4096

    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "&lt;" * 4097, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "<b></b>", parse_mode="HTML")


def test_parse_telegram_html_pre_code_and_blockquote() -> None:
    parsed = parse_telegram_html(
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote expandable>q &#65;&#x42;</blockquote><tg-spoiler>s</tg-spoiler>"
    )
    assert parsed.text == "x = 1q ABs"
    assert parsed.length == 10
    assert parsed.entities == [
        {"type": "pre", "language": "python", "offset": 0, "length": 5},
        {"type": "expandable_blockquote", "offset": 5, "length": 4},
        {"type": "spoiler", "offset": 9, "length": 1},
    ]
    with pytest.raises(HTMLParseError, match="nested"):
        parse_telegram_html("<code><b>x</b></code>")


# ----------------------------------------------------------------------------- methods


async def test_my_commands_round_trip_per_scope(api: FakeBotAPI, bot: Bot) -> None:
    default = [BotCommand("start", "Bắt đầu"), BotCommand("help", "Trợ giúp")]
    private_vi = [BotCommand("hoi", "Đặt câu hỏi")]
    await bot.set_my_commands(default)
    await bot.set_my_commands(private_vi, scope=BotCommandScopeAllPrivateChats(), language_code="vi")

    assert await bot.get_my_commands() == tuple(default)
    assert await bot.get_my_commands(BotCommandScopeAllPrivateChats(), "vi") == tuple(private_vi)
    assert api.my_commands({"type": "all_private_chats"}, "vi") == [
        {"command": "hoi", "description": "Đặt câu hỏi"}
    ]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_edit_and_delete(api: FakeBotAPI, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    sent = await bot.send_message(USER, "draft", reply_markup=keyboard)
    assert sent.reply_markup == keyboard

    edited = await bot.edit_message_text("final", USER, sent.message_id, reply_markup=keyboard)
    assert (edited.text, edited.reply_markup) == ("final", keyboard)
    assert edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("final", USER, sent.message_id, reply_markup=keyboard)
    without_keyboard = await bot.edit_message_reply_markup(USER, sent.message_id)
    assert without_keyboard.reply_markup is None

    assert [r["event"] for r in api.messages_to(USER)] == ["message", "edit", "edit_reply_markup"]
    assert await bot.delete_message(USER, sent.message_id) is True
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, sent.message_id)


async def test_send_document_stores_upload(api: FakeBotAPI, bot: Bot) -> None:
    message = await bot.send_document(
        USER, b"%PDF-fake", filename="quy-dinh.pdf", caption="<b>Nguồn</b>", parse_mode="HTML"
    )

    assert message.document.file_name == "quy-dinh.pdf"
    assert message.document.file_size == 9
    assert message.caption == "Nguồn"
    record = api.sent[-1]
    assert record["event"] == "document"
    assert record["document"].filename == "quy-dinh.pdf"
    assert record["document"].data == b"%PDF-fake"
    assert record["text"] == "<b>Nguồn</b>"


async def test_get_updates_long_polls_until_an_update_and_honours_offset(api: FakeBotAPI, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.1, api.send_text, "/start@cadre_test_bot hi @cadre_test_bot")
    started = loop.time()
    (update,) = await bot.get_updates(timeout=5)

    assert loop.time() - started < 2
    assert [(e.type, e.offset, e.length) for e in update.message.entities] == [
        ("bot_command", 0, 21),
        ("mention", 25, 15),
    ]
    # Unconfirmed updates are delivered again; a higher offset confirms them.
    (again,) = await bot.get_updates(timeout=0)
    assert again.update_id == update.update_id
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert await bot.get_updates(timeout=0) == ()


async def test_inline_query_answer_is_stored(api: FakeBotAPI, bot: Bot) -> None:
    query_id = api.inline_query("cán bộ")
    (update,) = await bot.get_updates()
    assert update.inline_query.query == "cán bộ"
    result = InlineQueryResultArticle("1", "Điều 1", InputTextMessageContent("Nội dung"))

    await update.inline_query.answer([result])

    assert api.inline_answers[query_id][0]["title"] == "Điều 1"
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_inline_query(query_id, [result])


async def test_raw_http_shapes(api: FakeBotAPI) -> None:
    assert await raw_post(api, "frobnicate") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    status, body = await raw_post(api, "GETME")
    assert (status, body["ok"], body["result"]["username"]) == (200, True, "cadre_test_bot")
    status, body = await raw_post(api, "sendMessage", json={"chat_id": 7, "text": "json body"})
    assert (status, body["result"]["text"], body["result"]["chat"]["id"]) == (200, "json body", 7)
    status, body = await raw_post(api, "getMe", token="999:WRONG")
    assert (status, body["error_code"]) == (401, 401)


# ----------------------------------------------------------------------------- faults


async def test_fail_next_429_raises_retry_after_then_recovers(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", 429, retry_after=3)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    assert (await bot.send_message(USER, "hi")).text == "hi"
    assert [r["text"] for r in api.sent] == ["hi"]


async def test_fail_next_403_and_500(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendmessage", 403)
    api.fail_next("sendMessage", 500, count=2)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error") as caught:
            await bot.send_message(USER, "hi")
        assert type(caught.value) is NetworkError
    await bot.send_message(USER, "hi")


async def test_block_chat_forbids_sends_until_unblocked(api: FakeBotAPI, bot: Bot) -> None:
    api.block_chat(USER)
    with pytest.raises(Forbidden):
        await bot.send_message(USER, "hi")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    await bot.send_message(USER + 1, "other chats still work")

    api.unblock_chat(USER)
    await bot.send_message(USER, "hi again")
    assert [r["text"] for r in api.messages_to(USER)] == ["hi again"]


async def test_delay_next_makes_the_client_time_out(api: FakeBotAPI, bot: Bot) -> None:
    api.delay_next("sendMessage", 2)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "slow", read_timeout=0.2)
    assert (await bot.send_message(USER, "fast")).text == "fast"


async def test_wait_for_messages_times_out_with_a_clear_message(api: FakeBotAPI) -> None:
    with pytest.raises(TimeoutError, match=f"expected 1 new bot message.*chat {USER}"):
        await api.wait_for_messages(USER, timeout=0.05)


# ----------------------------------------------------------------------------- Application


async def test_text_update_reaches_message_handler(api: FakeBotAPI, app: Application) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("Chào mừng")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        name = update.effective_user.first_name
        await update.message.reply_html(f"<b>{name}</b> hỏi: {update.message.text}")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))

    api.send_text("/start", first_name="Lan")
    (welcome,) = await api.wait_for_messages(USER)
    assert welcome["text"] == "Chào mừng"

    api.send_text("Thời gian tập sự?")
    (reply,) = await api.wait_for_messages(USER)
    assert reply["text"] == "<b>Lan</b> hỏi: Thời gian tập sự?"
    assert reply["parse_mode"] == "HTML"


async def test_group_message_reaches_handler(api: FakeBotAPI, app: Application) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_chat.send_message(f"{update.effective_chat.title}: ok")

    app.add_handler(MessageHandler(filters.ChatType.GROUPS, echo))
    api.send_text("@cadre_test_bot hỏi", chat_id=-42, chat_type="group", title="UBND xã")

    (reply,) = await api.wait_for_messages(-42)
    assert reply["text"] == "UBND xã: ok"


async def test_press_button_reaches_callback_query_handler(api: FakeBotAPI, app: Application) -> None:
    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("Đã chọn")
        await query.edit_message_text(f"Bạn chọn: {query.data}")

    app.add_handler(CallbackQueryHandler(on_button))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="yes")]])
    await app.bot.send_message(USER, "Tiếp tục?", reply_markup=keyboard)
    (question,) = await api.wait_for_messages(USER)

    with pytest.raises(ValueError, match="no button"):
        api.press_button(question, "no")
    query_id = api.press_button(question, "yes")

    answer = await api.wait_for_call("answerCallbackQuery")
    assert answer == {"callback_query_id": query_id, "text": "Đã chọn"}
    (edit,) = await api.wait_for_messages(USER)
    assert (edit["event"], edit["text"]) == ("edit", "Bạn chọn: yes")
    assert edit["message_id"] == question["message_id"]


async def test_raw_callback_update_can_be_answered_once(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Tiếp tục?")
    api.send_update(
        {
            "callback_query": {
                "id": "forged",
                "from": {"id": USER, "is_bot": False, "first_name": "X"},
                "chat_instance": "i",
                "message": sent.to_dict(),
                "data": "not-on-any-button",
            }
        }
    )
    (update,) = await bot.get_updates()
    assert update.callback_query.message.message_id == sent.message_id

    await update.callback_query.answer("Hết hiệu lực")

    assert api.callback_answers["forged"]["text"] == "Hết hiệu lực"
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await update.callback_query.answer("again")
