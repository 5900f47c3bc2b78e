"""`python -m bot demo`: the real bot against the local fake Telegram, chatted with in the terminal."""

import asyncio
import html
import logging
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.app import build_application
from bot.config import Config, StorageConfig, TelegramConfig
from bot.demo_registry import DemoPeople, seed
from bot.fake_bot_api import FakeBotAPI
from bot.runtime import polling
from bot.services import Services, utc_now
from bot.standards import dmy

DEMO_TOKEN = "100200300:offline-demo"
DEMO_USER = 4242
REPLY_TIMEOUT, SETTLE = 10.0, 0.4  # seconds: first reply, then quiet time that ends a reply
REMINDER_WAIT = 3.0  # seconds to wait for reminders after /tua (the demo's job runs every second)
INTRO = (
    "Bản chạy thử ngoại tuyến: bot thật, Telegram giả trên máy này, một xã mẫu khoảng 60 người.\n"
    "Gõ câu hỏi rồi Enter. Khi có nút [1], [2]..., gõ số để bấm. Gõ /thoat (hoặc Ctrl-D) để kết thúc.\n"
    "Đóng vai: /vai khach (chưa liên kết), /vai canbo (một công chức xã), /vai tochuc (cán bộ tổ chức "
    "của xã); rồi thử /status, /courses, /reminders, /lookup tên, /announce mã lớp.\n"
    "/tua N: tua thời gian N ngày để xem bot nhắc lịch học và hạn bồi dưỡng.\n"
)
QUIT = {"/thoat", "/quit", "/exit"}
Local = Callable[[str], Awaitable[str | None]]  # a demo-only command: what to print, or None if not one


class DemoClock:
    """The real time, moved forward by /tua."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return utc_now() + self.offset


def run_demo(config: Config, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Run the demo until the input ends; a throw-away database is used and removed."""
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(_demo(config, stdin, stdout))


async def _demo(config: Config, stdin: TextIO, stdout: TextIO) -> int:
    with tempfile.TemporaryDirectory(prefix="bot-demo-") as folder:
        config = replace(
            config,
            telegram=TelegramConfig(token=DEMO_TOKEN),
            storage=StorageConfig(database=Path(folder) / "demo.db"),
            # Reminders show at once, whatever the real hour, and soon after /tua moves the clock.
            reminders=replace(config.reminders, send_at="00:00", quiet_hours=(), check_every_seconds=1),
        )
        services, clock = Services.open(config), DemoClock()
        services.clock = clock
        people = seed(services.registry, Path(folder), services.today())
        async with FakeBotAPI(token=DEMO_TOKEN, bot_username="tro_ly_can_bo_bot") as api:
            application = build_application(config, services, base_url=api.base_url)
            async with polling(application, poll_timeout=0.5):
                await Terminal(api, stdin, stdout, _controls(api, services, people, clock)).chat()
    return 0


def _controls(api: FakeBotAPI, services: Services, people: DemoPeople, clock: DemoClock) -> Local:
    """/vai switches who the person at the terminal is, through the bot's own linking; /tua moves time."""

    async def local(line: str) -> str | None:
        command, _, argument = line.partition(" ")
        if command == "/tua":
            days = int(argument) if argument.strip().lstrip("-").isdigit() else 1
            clock.offset += timedelta(days=days)
            return f"đã tua {days} ngày: hôm nay là {dmy(services.today())}"
        if command != "/vai":
            return None
        phones = {"canbo": people.staff_phone, "tochuc": people.officer_phone}
        if (role := argument.strip()) in phones:  # shares "their" phone number, as /link asks
            api.send_contact(user_id=DEMO_USER, phone_number=phones[role], contact_user_id=DEMO_USER)
            return "đã chia sẻ số điện thoại trong hồ sơ của vai này"
        api.send_text("/unlink", user_id=DEMO_USER)
        return "đang hủy liên kết: bạn là người chưa liên kết"

    return local


class Terminal:
    """Types the person's lines as Telegram messages and prints the bot's replies readably."""

    def __init__(self, api: FakeBotAPI, stdin: TextIO, stdout: TextIO, local: Local | None = None) -> None:
        self.api, self.stdin, self.stdout, self.local = api, stdin, stdout, local
        self.interactive = stdin.isatty()
        self.buttons: list[tuple[dict, str]] = []  # (bot message, callback data) by number

    async def chat(self) -> None:
        """Read lines until the end of input or a quit command."""
        self.print(INTRO)
        loop = asyncio.get_running_loop()
        while True:
            if self.interactive:
                self.stdout.write("Bạn: ")
                self.stdout.flush()
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line or line.strip().lower() in QUIT:
                return
            if not self.interactive:
                self.print(f"Bạn: {line.rstrip()}")
            await self.send(line.strip())

    async def send(self, line: str) -> None:
        """Press a numbered button or send the line as a message, then show what comes back."""
        before = (len(self.api.messages_to(DEMO_USER)), len(self.api.callback_answers))
        if self.local is not None and (note := await self.local(line)) is not None:
            self.print(f"  ({note})")
            if line.startswith("/vai"):  # the link's reply first
                await self.show_replies(*before)
                before = (len(self.api.messages_to(DEMO_USER)), len(self.api.callback_answers))
            await self.show_replies(*before, timeout=REMINDER_WAIT)  # then what a new person or day brings
            return
        elif line.isdigit() and 1 <= int(line) <= len(self.buttons):
            message, data = self.buttons[int(line) - 1]
            self.api.press_button(message, data, user_id=DEMO_USER)
        elif line:
            self.api.send_text(line, user_id=DEMO_USER, first_name="Cán bộ")
        else:
            return
        await self.show_replies(*before)

    async def show_replies(
        self, messages_before: int, answers_before: int, timeout: float | None = None
    ) -> None:
        """Wait for the bot to reply, then print the new messages and button toasts.

        With a timeout, no reply is expected: silence is not reported.
        """
        await self._settle(messages_before, answers_before, timeout)
        for answer in list(self.api.callback_answers.values())[answers_before:]:
            if answer.get("text"):
                self.print(f"  (thông báo) {answer['text']}")
        new = self.api.messages_to(DEMO_USER)[messages_before:]
        if new:
            self.buttons = []
        for record in new:
            self.print_message(record)

    async def _settle(self, messages_before: int, answers_before: int, timeout: float | None) -> None:
        def state() -> tuple[int, int]:
            return len(self.api.messages_to(DEMO_USER)), len(self.api.callback_answers)

        deadline = asyncio.get_running_loop().time() + (timeout or REPLY_TIMEOUT)
        while state() == (messages_before, answers_before):
            if asyncio.get_running_loop().time() > deadline:
                if timeout is None:
                    self.print("  (bot không trả lời)")
                return
            await asyncio.sleep(0.02)
        seen = state()
        while True:
            await asyncio.sleep(SETTLE)
            if state() == seen:
                return
            seen = state()

    def print_message(self, record: dict) -> None:
        """Print one bot message with its buttons numbered."""
        self.print("Bot: " + terminal_text(record.get("text", "")).replace("\n", "\n     "))
        keyboard = (record.get("reply_markup") or {}).get("inline_keyboard", [])
        for row in keyboard:
            for button in row:
                if "callback_data" in button:
                    self.buttons.append((record, button["callback_data"]))
                    self.print(f"     [{len(self.buttons)}] {button['text']}")
        self.print("")

    def print(self, text: str) -> None:
        """Write a line and flush, so scripted runs see replies in order."""
        self.stdout.write(text + "\n")
        self.stdout.flush()


def terminal_text(telegram_html: str) -> str:
    """Telegram HTML as plain terminal text."""
    return html.unescape(re.sub(r"</?[a-zA-Z][^>]*>", "", telegram_html))
