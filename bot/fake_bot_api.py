"""Local fake of the Telegram Bot API, served over real HTTP for the tests and the offline demo.

The bot under test talks to it exactly as it talks to Telegram (``base_url``), while the
test or the demo plays the user through the driver methods (``send_text``, ``press_button``,
``wait_for_messages`` ...). Only 127.0.0.1 is ever used.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from http import HTTPStatus
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import web

__all__ = [
    "DEFAULT_USER_ID",
    "FakeBotAPI",
    "HTMLParseError",
    "ParsedText",
    "UploadedFile",
    "parse_telegram_html",
]

JSONDict = dict[str, Any]
ChatType = Literal["private", "group", "supergroup", "channel"]

HOST = "127.0.0.1"
MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
DEFAULT_USER_ID = 1001
DEFAULT_FIRST_NAME = "Tester"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

# PTB sends string values raw and every other value JSON-encoded, so a form value is
# JSON-decoded unless the parameter is free text that could merely look like JSON ("123").
_STRING_PARAMS = frozenset(
    {
        "action", "business_connection_id", "callback_query_id", "caption", "custom_title",
        "description", "document", "emoji", "file_id", "first_name", "inline_message_id",
        "inline_query_id", "language_code", "last_name", "message_effect_id", "name",
        "next_offset", "parse_mode", "phone_number", "photo", "query", "secret_token",
        "short_description", "sticker", "switch_pm_parameter", "switch_pm_text", "text",
        "title", "url",
    }
)  # fmt: skip
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


# --------------------------------------------------------------------------- Telegram HTML


class HTMLParseError(ValueError):
    """Text is not valid under Telegram's HTML formatting rules."""


@dataclass(frozen=True)
class ParsedText:
    """Text as Telegram stores it: tags removed, entities decoded, formatting as entities."""

    text: str
    entities: list[JSONDict]

    @property
    def length(self) -> int:
        """Length in characters, the unit of Telegram's message length limits."""
        return len(self.text)


@dataclass
class _OpenTag:
    """A start tag waiting for its end tag."""

    tag: str
    offset: int
    entity: JSONDict | None


_TAG_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link",
    "code": "code", "pre": "pre", "blockquote": "blockquote",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTMLParser(HTMLParser):
    """Parses Telegram's HTML subset into plain text and entities; raises on anything else."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._parts: list[str] = []
        self._offset = 0
        self._open: list[_OpenTag] = []
        self._entities: list[JSONDict] = []

    def result(self) -> ParsedText:
        """Finishes parsing and returns the plain text with its entities."""
        self.close()
        if self._open:
            raise HTMLParseError(f'Can\'t find end tag corresponding to start tag "{self._open[-1].tag}"')
        entities = sorted(self._entities, key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self._parts), entities)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Opens an entity, rejecting tags and nestings Telegram does not support."""
        attributes = dict(attrs)
        if tag not in _TAG_ENTITY_TYPES or (tag == "span" and attributes.get("class") != "tg-spoiler"):
            raise self._error(f'Unsupported start tag "{tag}"')
        parent = self._open[-1] if self._open else None
        if parent and (parent.tag == "code" or (parent.tag == "pre" and tag != "code")):
            raise self._error(f'Tag "{tag}" can\'t be nested inside "{parent.tag}"')
        if tag == "blockquote" and any(t.tag == "blockquote" for t in self._open):
            raise self._error('Tag "blockquote" can\'t be nested inside "blockquote"')

        entity: JSONDict | None = {"type": _TAG_ENTITY_TYPES[tag]}
        if tag == "a":
            href = attributes.get("href")
            entity = {"type": "text_link", "url": href} if href else None
        elif tag == "blockquote" and "expandable" in attributes:
            entity = {"type": "expandable_blockquote"}
        elif tag == "code" and parent and parent.entity is not None:
            # <pre><code class="language-x"> is one pre entity carrying the language.
            language = (attributes.get("class") or "").removeprefix("language-")
            if language:
                parent.entity["language"] = language
            entity = None
        self._open.append(_OpenTag(tag, self._offset, entity))

    def handle_endtag(self, tag: str) -> None:
        """Closes the innermost open tag, which must be the one named."""
        if not self._open:
            raise self._error(f'Unexpected end tag "</{tag}>"')
        opened = self._open.pop()
        if opened.tag != tag:
            raise self._error(f'Unmatched end tag, expected "</{opened.tag}>", found "</{tag}>"')
        length = self._offset - opened.offset
        if opened.entity is not None and length > 0:
            self._entities.append({**opened.entity, "offset": opened.offset, "length": length})

    def handle_data(self, data: str) -> None:
        """Appends text; a bare '<' or '&' here means it was not escaped."""
        for char, escape in (("<", "&lt;"), ("&", "&amp;")):
            if char in data:
                raise self._error(f"Character '{char}' must be escaped as {escape}", data.index(char))
        self._append(data)

    def handle_entityref(self, name: str) -> None:
        """Decodes one of the four named entities Telegram knows."""
        if name not in _NAMED_ENTITIES:
            raise self._error(f'Unsupported HTML entity "&{name};"')
        if not self._terminated(len(name) + 1):
            raise self._error(f'HTML entity "&{name}" must end with ";"')
        self._append(_NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        """Decodes a numeric entity (&#N; or &#xN;)."""
        code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        if not self._terminated(len(name) + 2) or not (0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF):
            raise self._error(f'Invalid numeric HTML entity "&#{name};"')
        self._append(chr(code))

    def handle_comment(self, data: str) -> None:
        """Rejects comments."""
        raise self._error("HTML comments are not supported")

    def handle_decl(self, decl: str) -> None:
        """Rejects declarations."""
        raise self._error("HTML declarations are not supported")

    def handle_pi(self, data: str) -> None:
        """Rejects processing instructions."""
        raise self._error("HTML processing instructions are not supported")

    def unknown_decl(self, data: str) -> None:
        """Rejects CDATA and other markup declarations."""
        raise self._error("HTML declarations are not supported")

    def _append(self, text: str) -> None:
        """Adds plain text, advancing the UTF-16 offset."""
        self._parts.append(text)
        self._offset += _utf16_len(text)

    def _position(self) -> int:
        """Character index in the source of the construct being handled."""
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _terminated(self, length: int) -> bool:
        """Whether the entity starting at the current position ends with ';'."""
        end = self._position() + length
        return self._source[end : end + 1] == ";"

    def _error(self, message: str, extra_chars: int = 0) -> HTMLParseError:
        """An error located by byte offset, as Telegram reports it."""
        byte_offset = len(self._source[: self._position() + extra_chars].encode())
        return HTMLParseError(f"{message} at byte offset {byte_offset}")


def parse_telegram_html(text: str) -> ParsedText:
    """Parses text as Telegram does for parse_mode=HTML; raises HTMLParseError if invalid."""
    parser = _TelegramHTMLParser(text)
    parser.feed(text)
    return parser.result()


# --------------------------------------------------------------------------- HTTP plumbing


class _ApiError(Exception):
    """A failed Bot API call, turned into a Telegram-shaped error response."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def response(self) -> web.Response:
        """The JSON error response Telegram would send."""
        body: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.error_code)


def _bad_request(reason: str) -> _ApiError:
    """A 400 error with Telegram's description prefix."""
    return _ApiError(400, f"Bad Request: {reason}")


def _default_description(error_code: int, chat_id: int | None = None) -> str:
    """The description Telegram typically sends with an error code."""
    if error_code == 429:
        return "Too Many Requests: retry after {retry_after}"
    if error_code == 403:
        if chat_id is not None and chat_id < 0:
            return "Forbidden: bot was kicked from the group chat"
        return "Forbidden: bot was blocked by the user"
    if error_code >= 500:
        return "Internal Server Error"
    if error_code == 400:
        return "Bad Request"
    try:
        return HTTPStatus(error_code).phrase
    except ValueError:
        return "Error"


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded in a multipart request."""

    filename: str | None
    content_type: str
    data: bytes


@dataclass(frozen=True)
class _Fault:
    """An injected error for one future call."""

    error_code: int
    description: str
    retry_after: int | None


def _decode_param(name: str, value: str) -> Any:
    """Undoes PTB's form encoding of one parameter value."""
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _read_params(request: web.Request) -> JSONDict:
    """Reads query, JSON, urlencoded or multipart parameters into one decoded dict."""
    params: JSONDict = {name: _decode_param(name, v) for name, v in request.query.items()}
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise _bad_request("request body must be a JSON object")
        params.update({k: _decode_param(k, v) if isinstance(v, str) else v for k, v in body.items()})
        return params
    files: dict[str, UploadedFile] = {}
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            files[name] = UploadedFile(value.filename, value.content_type, value.file.read())
        else:
            params[name] = _decode_param(name, str(value))
    for name, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.pop(value.removeprefix("attach://"), None)
            params[name] = attached or value
    params.update(files)
    return params


def _int_param(params: JSONDict, name: str, default: int | None = None) -> int:
    """An integer parameter, or a 400 naming it."""
    value = params.get(name, default)
    if value is None or value == "":
        raise _bad_request(f"{name} is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad_request(f"{name} is invalid") from None


def _inline_markup(reply_markup: Any) -> JSONDict | None:
    """The markup Telegram echoes in a Message: only inline keyboards."""
    if isinstance(reply_markup, dict) and "inline_keyboard" in reply_markup:
        return reply_markup
    return None


def _with_fields(message: JSONDict, **fields: Any) -> JSONDict:
    """A copy of message with fields set; None or empty values remove the field."""
    updated = dict(message)
    for name, value in fields.items():
        if value is None or value == []:
            updated.pop(name, None)
        else:
            updated[name] = value
    return updated


def _message_ref(message: Mapping[str, Any]) -> tuple[int, int]:
    """(chat_id, message_id) of a recorded bot message or a Telegram Message dict."""
    chat_id = message["chat_id"] if "chat_id" in message else message["chat"]["id"]
    return int(chat_id), int(message["message_id"])


def _parse_text(params: JSONDict, name: str, limit: int, *, required: bool) -> ParsedText:
    """Validates a text/caption parameter like Telegram and returns it parsed."""
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise _bad_request("message text is empty")
        return ParsedText("", [])
    raw = str(raw)
    parse_mode = str(params.get("parse_mode") or "").lower()
    if parse_mode == "html":
        try:
            parsed = parse_telegram_html(raw)
        except HTMLParseError as err:
            raise _bad_request(f"can't parse entities: {err}") from None
    elif parse_mode in ("", "markdown", "markdownv2"):
        # Markdown is accepted verbatim: the fake only checks HTML.
        entities_param = "entities" if name == "text" else f"{name}_entities"
        parsed = ParsedText(raw, list(params.get(entities_param) or []))
    else:
        raise _bad_request("unsupported parse_mode")
    if required and not parsed.text.strip():
        raise _bad_request("message text is empty")
    if parsed.length > limit:
        raise _bad_request("message is too long" if name == "text" else "message caption is too long")
    return parsed


Handler = Callable[[JSONDict], Awaitable[Any]]


# --------------------------------------------------------------------------- the fake


class FakeBotAPI:
    """In-process fake Telegram Bot API server plus the 'user side' driving it."""

    def __init__(
        self,
        token: str = "123:TEST",
        bot_username: str = "cadre_test_bot",
        bot_name: str = "Cadre Test Bot",
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        bot_id = token.split(":", 1)[0]
        self.bot_user: JSONDict = {
            "id": int(bot_id) if bot_id.isdigit() else 1,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.base_url = ""
        self.base_file_url = ""

        self.sent: list[JSONDict] = []
        self.calls: list[tuple[str, JSONDict]] = []
        self.callback_answers: dict[str, JSONDict] = {}
        self.inline_answers: dict[str, list[JSONDict]] = {}

        self._routes: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler) for name, handler in self._handlers().items()
        }
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._changed = asyncio.Event()
        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._users: dict[int, JSONDict] = {}
        self._chats: dict[int, JSONDict] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._last_message_id: defaultdict[int, int] = defaultdict(int)
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._open_queries: set[str] = set()
        self._blocked: set[int] = set()
        self._faults: defaultdict[str, deque[_Fault]] = defaultdict(deque)
        self._delays: defaultdict[str, deque[float]] = defaultdict(deque)
        self._seen_messages: defaultdict[int, int] = defaultdict(int)
        self._seen_calls: defaultdict[str, int] = defaultdict(int)

    # ----------------------------------------------------------------- lifecycle

    async def start(self, port: int = 0) -> str:
        """Starts serving on 127.0.0.1:port (0 = any free port); returns PTB's base_url."""
        self._changed = asyncio.Event()  # bound to this loop, not one from an earlier run
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # handler_cancellation ends long polls whose client went away (Updater.stop()).
        runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, HOST, port).start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        self.base_url = f"http://{HOST}:{bound_port}/bot"
        self.base_file_url = f"http://{HOST}:{bound_port}/file/bot"
        return self.base_url

    async def stop(self) -> None:
        """Answers pending long polls and shuts the server down."""
        if self._runner is None:
            return
        self._closing = True
        self._notify()
        try:
            await self._runner.cleanup()
        finally:
            self._runner = None
            self._closing = False

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # ----------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """Makes the next `count` calls of `method` fail with `error_code`."""
        if error_code == 429 and retry_after is None:
            retry_after = 1  # PTB only raises RetryAfter for a truthy retry_after
        text = description or _default_description(error_code).format(retry_after=retry_after)
        self._faults[method.lower()].extend([_Fault(error_code, text, retry_after)] * count)

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Delays the next `count` calls of `method` by `seconds` before they are handled."""
        self._delays[method.lower()].extend([seconds] * count)

    def block_chat(self, chat_id: int) -> None:
        """Makes every send or edit to chat_id fail with 403 until unblocked."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """Undoes block_chat."""
        self._blocked.discard(chat_id)

    # ----------------------------------------------------------------- user side

    def send_text(
        self,
        text: str,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        first_name: str | None = None,
        username: str | None = None,
        entities: list[JSONDict] | None = None,
        *,
        title: str | None = None,
    ) -> JSONDict:
        """Queues a text message from a user; returns the Message dict."""
        content: JSONDict = {"text": text}
        found = self._client_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        user = self._user(user_id, first_name, username)
        return self._user_message(user, self._user_chat(user, chat_id, chat_type, title), content)

    def send_sticker(
        self,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        emoji: str = "👍",
    ) -> JSONDict:
        """Queues a sticker message from a user; returns the Message dict."""
        n = next(self._ids)
        sticker = {
            "file_id": f"sticker-{n}", "file_unique_id": f"u-sticker-{n}", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": emoji,
        }  # fmt: skip
        user = self._user(user_id)
        return self._user_message(user, self._user_chat(user, chat_id, chat_type), {"sticker": sticker})

    def send_photo(
        self,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        caption: str | None = None,
    ) -> JSONDict:
        """Queues a photo message from a user; returns the Message dict."""
        n = next(self._ids)
        photo = [
            {"file_id": f"photo-{n}-{side}", "file_unique_id": f"u-photo-{n}-{side}",
             "width": side, "height": side, "file_size": side * 100}
            for side in (90, 320, 800)
        ]  # fmt: skip
        content: JSONDict = {"photo": photo}
        if caption:
            content["caption"] = caption
        user = self._user(user_id)
        return self._user_message(user, self._user_chat(user, chat_id, chat_type), content)

    def send_contact(
        self,
        user_id: int = DEFAULT_USER_ID,
        phone_number: str = "+84900000000",
        contact_user_id: int | None = None,
        first_name: str | None = None,
    ) -> JSONDict:
        """Queues a shared-contact message in the user's private chat; returns the Message dict."""
        user = self._user(user_id)
        contact: JSONDict = {
            "phone_number": phone_number,
            "first_name": first_name or user["first_name"],
        }
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._user_message(user, self._user_chat(user, None, "private"), {"contact": contact})

    def press_button(self, message: Mapping[str, Any], callback_data: str, user_id: int | None = None) -> str:
        """Queues a callback_query for a button of a bot message; returns the query id."""
        chat_id, message_id = _message_ref(message)
        stored = self._messages.get((chat_id, message_id))
        if stored is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        keyboard = stored.get("reply_markup", {}).get("inline_keyboard", [])
        buttons = [button.get("callback_data") for row in keyboard for button in row]
        if callback_data not in buttons:
            raise ValueError(
                f"message {message_id} in chat {chat_id} has no button with callback_data "
                f"{callback_data!r}; it has {buttons}"
            )
        return self._callback_query(stored, callback_data, user_id)

    def press_forged_button(self, message: Mapping[str, Any], callback_data: str, user_id: int) -> str:
        """Queues a callback_query with data no button of the message carries, as a tampered client can."""
        chat_id, message_id = _message_ref(message)
        stored = self._messages.get((chat_id, message_id))
        if stored is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        return self._callback_query(stored, callback_data, user_id)

    def _callback_query(self, stored: JSONDict, callback_data: str, user_id: int | None) -> str:
        chat_id = stored["chat"]["id"]
        if user_id is None:
            user_id = chat_id if chat_id > 0 else DEFAULT_USER_ID
        query_id = str(next(self._ids))
        self.send_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(user_id),
                    "chat_instance": f"instance{chat_id}",
                    "message": stored,
                    "data": callback_data,
                }
            }
        )
        return query_id

    def inline_query(self, query: str, user_id: int = DEFAULT_USER_ID, offset: str = "") -> str:
        """Queues an inline query; returns its id."""
        query_id = str(next(self._ids))
        self.send_update(
            {
                "inline_query": {
                    "id": query_id,
                    "from": self._user(user_id),
                    "query": query,
                    "offset": offset,
                    "chat_type": "sender",
                }
            }
        )
        return query_id

    def send_update(self, update: JSONDict) -> JSONDict:
        """Queues any update dict for getUpdates, assigning update_id if missing."""
        update.setdefault("update_id", next(self._update_ids))
        for kind in ("callback_query", "inline_query"):
            if kind in update:  # delivered queries become answerable
                self._open_queries.add(str(update[kind]["id"]))
        self._updates.append(update)
        self._notify()
        return update

    # ----------------------------------------------------------------- inspection

    def messages_to(self, chat_id: int) -> list[JSONDict]:
        """Every recorded bot message event (sends and edits) for chat_id, oldest first."""
        return [record for record in self.sent if record["chat_id"] == chat_id]

    def my_commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The commands set for a scope and language, as getMyCommands would return them."""
        return list(self._commands.get(_commands_key(scope, language_code), []))

    async def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[JSONDict]:
        """Waits for `count` bot message events to chat_id since the last wait; returns them."""
        start = self._seen_messages[chat_id]
        if not await self._wait_until(lambda: len(self.messages_to(chat_id)) - start >= count, timeout):
            got = [record["text"] for record in self.messages_to(chat_id)[start:]]
            raise TimeoutError(
                f"expected {count} new bot message(s) to chat {chat_id} within {timeout}s, "
                f"got {len(got)}: {got!r}"
            )
        records = self.messages_to(chat_id)
        self._seen_messages[chat_id] = len(records)
        return records[start:]

    async def wait_for_call(self, method: str, timeout: float = 5.0) -> JSONDict:
        """Waits for the next call of `method` not yet returned by a wait; returns its params."""
        key = method.lower()
        seen = self._seen_calls[key]

        def matching() -> list[JSONDict]:
            return [params for name, params in self.calls if name.lower() == key]

        if not await self._wait_until(lambda: len(matching()) > seen, timeout):
            called = sorted({name for name, _ in self.calls})
            raise TimeoutError(f"no new {method} call within {timeout}s; calls so far: {called}")
        self._seen_calls[key] = seen + 1
        return matching()[seen]

    # ----------------------------------------------------------------- request handling

    def _handlers(self) -> dict[str, Handler]:
        """Bot API method name -> handler."""
        return {
            "getMe": self._get_me,
            "logOut": self._ok,
            "close": self._ok,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
        }

    async def _handle(self, request: web.Request) -> web.Response:
        """Serves one /bot<token>/<method> request."""
        if request.match_info["token"] != self.token:
            return _ApiError(401, "Unauthorized").response()
        method, handler = self._routes.get(
            request.match_info["method"].lower(), (request.match_info["method"], None)
        )
        try:
            params = await _read_params(request)
            self.calls.append((method, params))
            self._notify()
            await self._apply_delay(method)
            self._raise_injected_fault(method)
            if handler is None:
                raise _ApiError(404, "Not Found")
            result = await handler(params)
        except _ApiError as err:
            return err.response()
        return web.json_response({"ok": True, "result": result})

    async def _apply_delay(self, method: str) -> None:
        """Sleeps for a delay injected with delay_next (cut short by stop())."""
        delays = self._delays[method.lower()]
        if delays:
            seconds = delays.popleft()
            await self._wait_until(lambda: self._closing, seconds)

    def _raise_injected_fault(self, method: str) -> None:
        """Raises the next error injected with fail_next, if any."""
        faults = self._faults[method.lower()]
        if faults:
            fault = faults.popleft()
            raise _ApiError(fault.error_code, fault.description, fault.retry_after)

    # ----------------------------------------------------------------- Bot API methods

    # Handlers take the decoded parameters and return the `result`, or raise _ApiError.

    async def _ok(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if params.get("offset") is not None:
            self._confirm_updates(_int_param(params, "offset"))
        limit = min(max(_int_param(params, "limit", 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        if timeout > 0:
            await self._wait_until(lambda: bool(self._updates) or self._closing, timeout)
        return self._updates[:limit]

    def _confirm_updates(self, offset: int) -> None:
        """Forgets updates confirmed by offset, like Telegram (negative = keep the last -offset)."""
        if offset < 0:
            self._updates[:] = self._updates[offset:]
        else:
            self._updates[:] = [u for u in self._updates if u["update_id"] >= offset]

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        parsed = _parse_text(params, "text", MAX_MESSAGE_LENGTH, required=True)
        message = self._bot_message(
            chat,
            params,
            text=parsed.text,
            entities=parsed.entities,
            reply_markup=_inline_markup(params.get("reply_markup")),
        )
        self._record("message", message, params, text=params["text"])
        return message

    async def _send_document(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        document = params.get("document")
        if not isinstance(document, UploadedFile | str) or not document:
            raise _bad_request("there is no document in the request")
        parsed = _parse_text(params, "caption", MAX_CAPTION_LENGTH, required=False)
        n = next(self._ids)
        if isinstance(document, UploadedFile):
            info: JSONDict = {
                "file_id": f"document-{n}",
                "file_unique_id": f"u-document-{n}",
                "file_name": document.filename,
                "mime_type": document.content_type,
                "file_size": len(document.data),
            }
        else:
            info = {"file_id": document, "file_unique_id": f"u-document-{n}"}
        message = self._bot_message(
            chat,
            params,
            document={k: v for k, v in info.items() if v is not None},
            caption=parsed.text or None,
            caption_entities=parsed.entities,
            reply_markup=_inline_markup(params.get("reply_markup")),
        )
        self._record("document", message, params, text=params.get("caption"), document=document)
        return message

    async def _send_chat_action(self, params: JSONDict) -> bool:
        self._target_chat(params)
        if not params.get("action"):
            raise _bad_request("wrong parameter action in request")
        return True

    async def _edit_message_text(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        message = self._editable_message(chat["id"], params)
        if "text" not in message:
            raise _bad_request("there is no text in the message to edit")
        parsed = _parse_text(params, "text", MAX_MESSAGE_LENGTH, required=True)
        markup = _inline_markup(params.get("reply_markup"))
        edited = _with_fields(message, text=parsed.text, entities=parsed.entities, reply_markup=markup)
        self._save_edit(message, edited)
        self._record("edit", edited, params, text=params["text"])
        return edited

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        message = self._editable_message(chat["id"], params)
        edited = _with_fields(message, reply_markup=_inline_markup(params.get("reply_markup")))
        self._save_edit(message, edited)
        self._record("edit_reply_markup", edited, params, text=None)
        return edited

    async def _delete_message(self, params: JSONDict) -> bool:
        key = (_int_param(params, "chat_id"), _int_param(params, "message_id"))
        if self._messages.pop(key, None) is None:
            raise _bad_request("message to delete not found")
        return True

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        self._close_query(query_id)
        self.callback_answers[query_id] = params
        return True

    async def _answer_inline_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("inline_query_id", ""))
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise _bad_request("results must be a list of at most 50 InlineQueryResult")
        self._close_query(query_id)
        self.inline_answers[query_id] = results
        return True

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("commands must be a list of at most 100 BotCommand")
        for command in commands:
            description = str(command.get("description", ""))
            if not _COMMAND_RE.fullmatch(str(command.get("command", ""))) or not (
                1 <= len(description) <= 256
            ):
                raise _bad_request("BOT_COMMAND_INVALID")
        self._commands[_commands_key(params.get("scope"), params.get("language_code"))] = commands
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return self.my_commands(params.get("scope"), params.get("language_code") or "")

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop(_commands_key(params.get("scope"), params.get("language_code")), None)
        return True

    # ----------------------------------------------------------------- state helpers

    def _notify(self) -> None:
        """Wakes every coroutine waiting for a state change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Waits until predicate() holds or timeout passes; returns predicate()."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    def _user(self, user_id: int, first_name: str | None = None, username: str | None = None) -> JSONDict:
        """The User dict for user_id, remembering the latest name given for it."""
        user = self._users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": DEFAULT_FIRST_NAME}
        )
        if first_name:
            user["first_name"] = first_name
        if username:
            user["username"] = username
        return dict(user)

    def _user_chat(
        self, user: JSONDict, chat_id: int | None, chat_type: ChatType, title: str | None = None
    ) -> JSONDict:
        """The Chat dict a user writes in: their private chat or a group they are in."""
        if chat_type == "private":
            if chat_id not in (None, user["id"]):
                raise ValueError("a private chat's id is the user's id")
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
        else:
            if chat_id is None or chat_id >= 0:
                raise ValueError(f"a {chat_type} chat needs a negative chat_id")
            known_title = self._chats.get(chat_id, {}).get("title")
            chat = {
                "id": chat_id,
                "type": chat_type,
                "title": title or known_title or f"Group {chat_id}",
            }
        self._chats[chat["id"]] = chat
        return chat

    def _user_message(self, user: JSONDict, chat: JSONDict, content: JSONDict) -> JSONDict:
        """Stores a user's message and queues it as an update; returns the Message dict."""
        message = self._new_message(chat, user, content)
        self.send_update({"message": message})
        return message

    def _new_message(self, chat: JSONDict, sender: JSONDict, content: JSONDict) -> JSONDict:
        """Stores and returns a Message with the chat's next message id."""
        self._last_message_id[chat["id"]] += 1
        message = {
            "message_id": self._last_message_id[chat["id"]],
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
            **{k: v for k, v in content.items() if v not in (None, [])},
        }
        self._messages[(chat["id"], message["message_id"])] = message
        return message

    def _bot_message(self, chat: JSONDict, params: JSONDict, **content: Any) -> JSONDict:
        """Stores a message sent by the bot, resolving reply_parameters like Telegram."""
        reply = params.get("reply_parameters") or {}
        reply_to_id = reply.get("message_id", params.get("reply_to_message_id"))
        if reply_to_id is not None:
            replied = self._messages.get((chat["id"], int(reply_to_id)))
            allow_missing = reply.get("allow_sending_without_reply") or params.get(
                "allow_sending_without_reply"
            )
            if replied is None and not allow_missing:
                raise _bad_request("message to be replied not found")
            content["reply_to_message"] = replied
        return self._new_message(chat, self.bot_user, content)

    def _target_chat(self, params: JSONDict) -> JSONDict:
        """The chat a send/edit goes to; 400 if unknown, 403 if blocked."""
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = next((c for c in self._chats.values() if c.get("username") == chat_id[1:]), None)
            if chat is None:
                raise _bad_request("chat not found")
        else:
            chat_id = _int_param(params, "chat_id")
            chat = self._chats.get(chat_id) or self._unknown_chat(chat_id)
        if chat["id"] in self._blocked:
            raise _ApiError(403, _default_description(403, chat["id"]))
        return chat

    def _unknown_chat(self, chat_id: int) -> JSONDict:
        """A plausible Chat for an id no user has written from (any int id is accepted)."""
        if chat_id > 0:
            chat = {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        else:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            chat = {"id": chat_id, "type": kind, "title": f"Chat {chat_id}"}
        self._chats[chat_id] = chat
        return chat

    def _editable_message(self, chat_id: int, params: JSONDict) -> JSONDict:
        """The bot's own message an edit refers to."""
        if params.get("message_id") is None:
            raise _bad_request("message identifier is not specified")
        message = self._messages.get((chat_id, _int_param(params, "message_id")))
        if message is None:
            raise _bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise _bad_request("message can't be edited")
        return message

    def _save_edit(self, message: JSONDict, edited: JSONDict) -> None:
        """Stores an edit, refusing one that changes nothing like Telegram does."""
        if edited == message:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        edited["edit_date"] = int(time.time())
        self._messages[(message["chat"]["id"], message["message_id"])] = edited

    def _record(
        self, event: str, message: JSONDict, params: JSONDict, text: str | None, **extra: Any
    ) -> None:
        """Appends a bot message event to `sent` and wakes waiters."""
        self.sent.append(
            {
                "event": event,
                "chat_id": message["chat"]["id"],
                "message_id": message["message_id"],
                "text": text,
                "parse_mode": params.get("parse_mode"),
                "reply_markup": params.get("reply_markup"),
                "date": message.get("edit_date", message["date"]),
                **extra,
            }
        )
        self._notify()

    def _close_query(self, query_id: str) -> None:
        """Marks a callback or inline query answered; 400 if unknown or already answered."""
        if query_id not in self._open_queries:
            raise _bad_request("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)

    def _client_entities(self, text: str) -> list[JSONDict]:
        """Entities a Telegram client adds to typed text: a leading /command and @bot mentions."""
        entities: list[JSONDict] = []
        command_end = 0
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            command_end = len(command)
            entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command)})
        pattern = re.compile(rf"@{re.escape(self.bot_username)}\b", re.IGNORECASE)
        for match in pattern.finditer(text, command_end):
            entities.append(
                {
                    "type": "mention",
                    "offset": _utf16_len(text[: match.start()]),
                    "length": _utf16_len(match.group()),
                }
            )
        return entities


def _commands_key(scope: JSONDict | None, language_code: str | None) -> tuple[str, str]:
    """Storage key for commands: canonical scope JSON and language code."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""
