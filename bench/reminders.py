"""Reminder fan-out through the local fake Bot API: at Telegram's limits, raised, and through a kill -9.

Run `python -m bench.reminders [--count N] [--skip-floor]`. It builds a registry of N linked people
enrolled in a course that starts in 7 days, so each is owed one reminder today, and runs the
operators' command `python -m bot reminders send` against a fake Bot API served by this process:

1. at Telegram's limit (30 messages a second): time from the first message to the last, against the
   physical floor N / 30 s (target: within 5%);
2. with the limit raised: the bot's own throughput (target >= 500 messages a second) and its peak
   memory (VmHWM of the sending process);
3. kill -9 in the middle of a raised fan-out, then the same command again: delivered, repeated and
   lost recipients (target: lost 0, repeated <= 1).

It prints figures next to their targets and always exits 0.
"""

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.latency import vm_hwm_mb
from bot.config import Config
from bot.db import open_database
from bot.fake_bot_api import FakeBotAPI
from bot.registry import Registry
from bot.standards import dmy, load_programmes

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "424242:bench-reminders"
FIRST_USER = 5_000_000
TELEGRAM_RATE = 30
RAISED_RATE = 100_000
TARGET_FLOOR_RATIO = 1.05
TARGET_THROUGHPUT = 500.0


@dataclass(frozen=True)
class Run:
    """One fan-out as the fake Bot API saw it."""

    messages: int
    seconds: float  # from the first message received to the last
    peak_mb: float  # VmHWM of the sending process


def seed(folder: Path, count: int) -> Path:
    """A database of `count` linked people, each enrolled in a course starting 7 days from today."""
    database = folder / "bot.db"
    db = open_database(database)
    registry = Registry(db, {code: p.name for code, p in load_programmes().items()})
    today = datetime.now(UTC).astimezone(Config().reminders.zone).date()
    people = [f"B{number:06d}" for number in range(count)]
    files = {
        "staff": (["staff_code", "full_name", "unit_code", "unit_name", "position"],
                  [[code, f"Người {code}", "XA", "Xã Bench", "Công chức"] for code in people]),
        "courses": (["course_code", "title", "programme", "starts_on"],
                    [["BENCH-1", "Lớp bồi dưỡng", "boi_duong_vtvl", dmy(today + timedelta(days=7))]]),
        "trainings": (["staff_code", "programme", "completed_on", "periods"],  # the year's tiết are met
                      [[code, "boi_duong_vtvl", dmy(today), 40] for code in people]),
        "enrollments": (["course_code", "staff_code"], [["BENCH-1", code] for code in people]),
    }  # fmt: skip
    for kind, (header, rows) in files.items():
        path = folder / f"{kind}.csv"
        lines = [",".join(map(str, row)) for row in [header, *rows]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = registry.import_file(path, kind)
        assert result.counts is not None, result.parsed.problems[:3]
    stamp = datetime.now(UTC).isoformat()
    with db.conn:
        db.conn.executemany(
            "INSERT INTO links (user_id, staff_code, linked_at) VALUES (?, ?, ?)",
            [(FIRST_USER + number, code, stamp) for number, code in enumerate(people)],
        )
    db.close()
    return database


def config_file(folder: Path, database: Path, base_url: str, rate: int) -> Path:
    """The operator's config for one run."""
    path = folder / f"config-{rate}.toml"
    path.write_text(
        f'[telegram]\napi_base_url = "{base_url}"\nmessages_per_second = {rate}\n'
        f'[storage]\ndatabase = "{database}"\n[logging]\nlevel = "WARNING"\n',
        encoding="utf-8",
    )
    return path


async def start_sender(config: Path) -> asyncio.subprocess.Process:
    """`python -m bot reminders send --config FILE`, as cron would run it."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "reminders", "send", "--config", str(config),
        cwd=ROOT, env={"BOT_TOKEN": TOKEN, "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def run_to_end(api: FakeBotAPI, config: Path) -> Run:
    """Run the sender until it exits; time its messages and watch its memory."""
    start = len(api.sent)
    process = await start_sender(config)
    peak = 0.0
    while process.returncode is None:
        peak = max(peak, vm_hwm_mb(process.pid) or 0.0)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), timeout=0.05)
    _, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the sender failed: {stderr.decode()[-500:]}")
    times = [event["at"] for event in api.sent[start:]]
    return Run(len(times), (times[-1] - times[0]) if len(times) > 1 else 0.0, peak)


async def kill_and_restart(api: FakeBotAPI, config: Path, count: int) -> Counter:
    """Kill -9 the sender half-way, run it again, and count what each recipient got."""
    start = len(api.sent)
    process = await start_sender(config)
    while len(api.sent) - start < count // 2 and process.returncode is None:
        await asyncio.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    killed_at = len(api.sent) - start
    await run_to_end(api, config)
    per_chat = Counter(event["chat_id"] for event in api.sent[start:])
    users = range(FIRST_USER, FIRST_USER + count)
    return Counter(
        killed_at=killed_at,
        delivered=sum(1 for user in users if per_chat[user] >= 1),
        repeated=sum(per_chat[user] - 1 for user in users if per_chat[user] > 1),
        lost=sum(1 for user in users if per_chat[user] == 0),
    )


class TimedFake(FakeBotAPI):
    """The fake Bot API, noting when each message arrives."""

    def _record(self, event, message, params, text, **extra):
        super()._record(event, message, params, text, at=time.monotonic(), **extra)


async def bench(count: int, skip_floor: bool) -> list[str]:
    """The three runs, each on a fresh copy of the registry; the report's lines."""
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as folder:
        async with TimedFake(token=TOKEN) as api:

            def fresh(name: str, rate: int) -> Path:
                (Path(folder) / name).mkdir()
                return config_file(Path(folder), seed(Path(folder) / name, count), api.base_url, rate)

            if not skip_floor:
                run, floor = await run_to_end(api, fresh("floor", TELEGRAM_RATE)), count / TELEGRAM_RATE
                ratio = run.seconds / floor
                lines.append(
                    f"at Telegram's limit ({TELEGRAM_RATE}/s): {run.messages} messages in "
                    f"{run.seconds:.1f} s; "
                    f"floor {floor:.1f} s; ratio {ratio:.3f} -> {_verdict(ratio <= TARGET_FLOOR_RATIO)} "
                    f"(target <= {TARGET_FLOOR_RATIO}); peak RSS {run.peak_mb:.0f} MB"
                )
            run = await run_to_end(api, fresh("raised", RAISED_RATE))
            rate = run.messages / run.seconds if run.seconds else float("inf")
            lines.append(
                f"limit raised: {run.messages} messages in {run.seconds:.2f} s = {rate:.0f} messages/s -> "
                f"{_verdict(rate >= TARGET_THROUGHPUT)} (target >= {TARGET_THROUGHPUT:.0f}); "
                f"peak RSS of the sender {run.peak_mb:.0f} MB"
            )
            counts = await kill_and_restart(api, fresh("kill", RAISED_RATE), count)
    lines.append(
        f"kill -9 after {counts['killed_at']} messages, then the same command again: "
        f"delivered {counts['delivered']}/{count}, repeated {counts['repeated']}, lost {counts['lost']} "
        f"-> {_verdict(counts['lost'] == 0 and counts['repeated'] <= 1)} (target: lost 0, repeated <= 1)"
    )
    return lines


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="reminders per run (10,000)")
    parser.add_argument("--skip-floor", action="store_true", help="skip the run at Telegram's limit (N/30 s)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    print(f"Reminder fan-out: {args.count} reminders per run through the local fake Bot API")
    for line in asyncio.run(bench(args.count, args.skip_floor)):
        print(line)


if __name__ == "__main__":
    main()
