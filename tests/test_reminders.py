"""Reminders: what is due on which day, and sending it once through the fake Bot API, whatever goes wrong."""

import socket
import time
from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.app import build_application
from bot.config import RemindersConfig
from bot.delivery import Sender
from bot.fake_bot_api import FakeBotAPI
from bot.reminders import Due, Outbox, due_reminders
from handlers.reminders import send_due
from tests.reminder_fixtures import (
    COURSE_HEADER,
    TODAY,
    TOKEN,
    TRAININGS,
    USERS,
    Clock,
    course_rows,
    imported,
    reminder_services,
)  # fmt: skip

DEADLINE = date(2026, 12, 20)  # T1's QLNN deadline: 12 months after 20/12/2025
QLNN = "qlnn_sau_bo_nhiem@2026-12-20"
YEARLY = "boi_duong_vtvl_hang_nam@2026"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def svc(kb, index, tmp_path, clock):
    services = reminder_services(kb, index, tmp_path, clock)
    yield services
    services.close()


def dues(svc, day=TODAY):
    return {(d.staff_code, d.kind, d.subject, d.due_on) for d in due_reminders(svc.people, svc.standards,
            svc.config.reminders, day)}  # fmt: skip


def test_each_kind_is_due_on_its_day(svc):
    assert dues(svc) == {
        ("S1", "course", "C7", TODAY),  # 7 days before
        ("S1", "course", "C3", TODAY),  # 3 days before; C5 starts in 5 days: not a reminder day
        ("S1", "yearly", YEARLY, date(2026, 10, 1)),  # 16 of 40 tiết after 01/10
        ("T1", "course", "C1", TODAY),  # 1 day before
        ("T1", "deadline", QLNN, DEADLINE - timedelta(days=30)),  # 29 days left: the 30-day reminder
        ("B1", "course", "C7", TODAY),
    }  # U1 is enrolled in C7 but not linked; O1 and B1 have met every rule


@pytest.mark.parametrize(
    ("day", "due_on"),
    [
        (DEADLINE - timedelta(days=31), None),
        (DEADLINE - timedelta(days=30), DEADLINE - timedelta(days=30)),
        (DEADLINE - timedelta(days=8), DEADLINE - timedelta(days=30)),
        (DEADLINE - timedelta(days=7), DEADLINE - timedelta(days=7)),
        (DEADLINE, DEADLINE - timedelta(days=7)),
        (DEADLINE + timedelta(days=1), DEADLINE + timedelta(days=1)),  # overdue: once, keyed by the day after
        (DEADLINE + timedelta(days=90), DEADLINE + timedelta(days=1)),
    ],
)
def test_deadline_reminders_30_and_7_days_before_then_once_overdue(svc, day, due_on):
    found = {d[3] for d in dues(svc, day) if d[:3] == ("T1", "deadline", QLNN)}
    assert found == ({due_on} if due_on else set())


def test_yearly_minimum_is_reminded_from_the_configured_day(svc):
    assert not [d for d in dues(svc, date(2026, 9, 30)) if d[1] == "yearly"]
    assert [d[0] for d in dues(svc, date(2026, 10, 1)) if d[1] == "yearly"] == ["S1"]


def test_nothing_for_a_completed_course_or_a_met_rule(svc, tmp_path):
    imported(
        svc, tmp_path, "enrollments", ["course_code", "staff_code", "status"], [["C7", "S1", "completed"]]
    )
    imported(
        svc,
        tmp_path,
        "trainings",
        ["staff_code", "programme", "completed_on", "periods"],
        [*TRAININGS, ["S1", "boi_duong_vtvl", "01/11/2026", 24], ["T1", "qlnn_cap_phong", "01/11/2026", ""]],
    )
    assert dues(svc) == {
        ("S1", "course", "C3", TODAY),
        ("T1", "course", "C1", TODAY),
        ("B1", "course", "C7", TODAY),
    }


def test_switched_off_kinds_are_not_due(svc):
    svc.switch_reminder(USERS["S1"], "course")
    assert {d[1] for d in dues(svc) if d[0] == "S1"} == {"yearly"}
    svc.switch_reminder(USERS["S1"], "course")
    assert {d[1] for d in dues(svc) if d[0] == "S1"} == {"yearly", "course"}


@pytest.fixture
async def api(svc):
    async with FakeBotAPI(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def sender(svc, api):
    application = build_application(svc.config, svc, base_url=api.base_url)
    async with application:
        yield Sender(application.bot, backoff=0.01, per_chat=0.0)


def texts(api, user):
    return [m["text"] for m in api.messages_to(user)]


async def test_the_fan_out_send_is_sendmessage_through_the_rate_limiter(svc, api):
    config = replace(svc.config, telegram=replace(svc.config.telegram, messages_per_second=2))
    async with build_application(config, svc, base_url=api.base_url) as application:
        reply = await application.bot.send_message(USERS["S1"], "<b>Lớp</b> C7", parse_mode="HTML")
        started = time.monotonic()
        for _ in range(3):
            assert await application.bot.send_html(USERS["S1"], "<b>Lớp</b> C7") is None
        elapsed = time.monotonic() - started
    assert reply.text == "Lớp C7"  # send_message parses the reply; send_html does not
    sent = [(m["text"], m["parse_mode"], m["reply_markup"]) for m in api.messages_to(USERS["S1"])]
    assert sent == [("<b>Lớp</b> C7", "HTML", None)] * 4
    assert elapsed >= 0.9  # 2 a second: the bucket's first two go at once, the others half a second apart


async def test_one_message_per_person_with_each_reminder_once(svc, api, sender):
    outcomes = await send_due(svc, sender)
    assert outcomes == {"sent": 3}
    [s1] = texts(api, USERS["S1"])
    assert "Lớp C7" in s1 and "Lớp C3" in s1 and "còn 7 ngày" in s1 and "28/11/2026" in s1
    assert "16/40 tiết" in s1 and "Điều 16 khoản 3, Nghị định 171/2025/NĐ-CP" in s1 and "Lớp C5" not in s1
    [t1] = texts(api, USERS["T1"])
    assert "Lớp C1" in t1 and "ngày mai" in t1 and "hạn chót 20/12/2026, còn 29 ngày" in t1
    assert "Điều 16 khoản 2" in t1
    assert await send_due(svc, sender) == {}  # the same day again: nothing is sent twice
    svc.clock.now += timedelta(days=1)
    assert await send_due(svc, sender) == {}  # 22/11: 6 and 2 days before, nothing new
    assert len(texts(api, USERS["S1"])) == 1 and len(texts(api, USERS["T1"])) == 1


@pytest.mark.parametrize(
    ("hour", "minute", "sent"),
    [(7, 59, False), (8, 0, True), (20, 59, True), (21, 0, False), (23, 30, False), (6, 59, False)],
)
async def test_reminders_wait_for_send_at_and_skip_quiet_hours(svc, api, sender, clock, hour, minute, sent):
    clock.local(TODAY, hour, minute)
    outcomes = await send_due(svc, sender)
    assert bool(outcomes) == sent and bool(texts(api, USERS["S1"])) == sent


async def test_quiet_hours_can_be_switched_off(kb, index, tmp_path, clock):
    svc = reminder_services(kb, index, tmp_path, clock, RemindersConfig(send_at="00:00", quiet_hours=()))
    async with (
        FakeBotAPI(token=TOKEN) as api,
        build_application(svc.config, svc, base_url=api.base_url) as app,
    ):
        clock.local(TODAY, 23, 30)
        assert await send_due(svc, Sender(app.bot, per_chat=0.0)) == {"sent": 3}
    svc.close()


async def test_a_rescheduled_or_cancelled_course_changes_what_is_reminded(svc, api, sender, tmp_path):
    svc.plan_reminders()
    imported(svc, tmp_path, "courses", COURSE_HEADER, course_rows(C7=(10, "scheduled"), C3=(3, "cancelled")))
    await send_due(svc, sender)
    [s1] = texts(api, USERS["S1"])
    assert "Lớp C7" not in s1 and "Lớp C3" not in s1 and "16/40 tiết" in s1
    states = dict(svc.db.execute("SELECT subject, state FROM reminders WHERE staff_code = 'S1'").fetchall())
    assert states == {"C7": "dropped", "C3": "dropped", YEARLY: "sent"}
    svc.clock.now += timedelta(days=3)  # C7 now starts on 01/12: 7 days before is 24/11
    await send_due(svc, sender)
    assert "Lớp C7" in texts(api, USERS["S1"])[-1]


async def test_a_blocked_bot_deactivates_the_link_and_stops_sending(svc, api, sender):
    api.block_chat(USERS["S1"])
    assert await send_due(svc, sender) == {"blocked": 1, "sent": 2}
    assert svc.people.linked(USERS["S1"]) is None
    [send] = svc.db.execute("SELECT outcome, attempts FROM sends WHERE user_id = ?", [USERS["S1"]]).fetchall()
    assert send == ("blocked", 1)
    svc.clock.now += timedelta(days=4)  # 25/11: C3... no; 28/11 - 4 = 3 days before C7 would be due
    assert "S1" not in {d[0] for d in dues(svc, svc.today())}


async def test_429_waits_its_retry_after_then_delivers(svc, api, sender):
    api.fail_next("sendMessage", 429, retry_after=1)
    assert await send_due(svc, sender) == {"sent": 3}
    assert len(texts(api, USERS["S1"])) == 1 and len(texts(api, USERS["T1"])) == 1


async def test_server_errors_are_retried_then_recorded_as_failed(svc, api, sender):
    api.fail_next("sendMessage", 502, count=4)  # the first person: four tries, then failed for good
    api.fail_next("sendMessage", 500, count=2)  # the second: sent at the third try
    outcomes = await send_due(svc, sender)
    assert outcomes == {"sent": 2, "failed": 1}
    rows = svc.db.execute("SELECT outcome, attempts, detail FROM sends ORDER BY id").fetchall()
    assert [(o, a) for o, a, _ in rows] == [("failed", 4), ("sent", 3), ("sent", 1)] and rows[0][2]
    failed = svc.db.execute(
        "SELECT COUNT(DISTINCT staff_code) FROM reminders WHERE state = 'failed'"
    ).fetchone()
    assert failed == (1,)


async def test_a_restart_catches_up_on_what_is_due_today(kb, index, tmp_path, clock):
    first = reminder_services(kb, index, tmp_path, clock)
    first.plan_reminders()  # planned, then the bot stopped before sending
    # T1's message was in flight when the process died
    first.db.execute("UPDATE reminders SET state = 'sending', claimed_by = ? WHERE staff_code = 'T1'",
                     [f"{socket.gethostname()}:999999999"])  # fmt: skip
    first.close()
    svc = reminder_services(kb, index, tmp_path, clock)  # the restart: same database file
    async with (
        FakeBotAPI(token=TOKEN) as api,
        build_application(svc.config, svc, base_url=api.base_url) as app,
    ):
        assert await send_due(svc, Sender(app.bot, per_chat=0.0)) == {"sent": 3}
        assert len(texts(api, USERS["S1"])) == 1 and len(texts(api, USERS["T1"])) == 1
    svc.close()


def test_rows_in_flight_of_a_live_sender_are_not_taken(svc):
    svc.plan_reminders()
    svc.db.execute("UPDATE reminders SET state = 'sending', claimed_by = ? WHERE staff_code = 'T1'",
                   [svc.outbox.owner])  # fmt: skip
    assert svc.outbox.recover() == 0
    assert {b.staff_code for b in svc.outbox.batches()} == {"S1", "B1"}


def test_two_senders_never_hold_the_same_row(svc):
    svc.plan_reminders()
    batches = svc.outbox.batches()
    s1 = next(batch for batch in batches if batch.staff_code == "S1")
    other = Outbox(svc.db, owner="elsewhere:1")  # took one of S1's rows after these batches were read
    svc.db.execute("UPDATE reminders SET state = 'sending', claimed_by = ? WHERE id = ?",
                   [other.owner, s1.ids[0]])  # fmt: skip

    assert {batch.staff_code for batch in svc.outbox.claim(batches)} == {"T1", "B1"}
    assert svc.db.execute("SELECT COUNT(*) FROM reminders WHERE staff_code = 'S1' AND state = 'pending'"
                          ).fetchone() == (len(s1.ids) - 1,)  # S1's other rows were put back  # fmt: skip
    assert other.claim(batches) == [s1]  # the other sender can now hold all of S1


async def test_a_sender_stopping_mid_chunk_puts_back_what_it_did_not_send(svc):
    async with (
        FakeBotAPI(token=TOKEN) as api,
        build_application(svc.config, svc, base_url=api.base_url) as app,
    ):
        outcomes = await send_due(svc, Sender(app.bot, per_chat=0.0), running=lambda: not api.sent)
    assert outcomes == {"sent": 1}
    open_rows = svc.db.execute("SELECT DISTINCT state, claimed_by FROM reminders WHERE state != 'sent'")
    assert open_rows.fetchall() == [("pending", None)]


def test_open_rows_are_found_without_reading_the_whole_history(svc):
    svc.plan_reminders()
    statements = []
    svc.db.conn.set_trace_callback(statements.append)
    batches = svc.outbox.batches(limit=1)
    svc.db.conn.set_trace_callback(None)
    plans = [row[3] for sql in statements for row in svc.db.execute(f"EXPLAIN QUERY PLAN {sql}")]
    assert len(batches) == 1 and plans
    assert not [plan for plan in plans if plan.startswith("SCAN")], plans


def test_due_keys_are_the_unique_key_of_the_table(svc):
    svc.plan_reminders()
    svc.outbox._planned = None  # plan again from scratch: nothing new
    assert svc.outbox.plan(due_reminders(svc.people, svc.standards, svc.config.reminders, TODAY), TODAY,
                           svc.clock()) == 0  # fmt: skip
    assert isinstance(next(iter(due_reminders(svc.people, svc.standards, svc.config.reminders, TODAY))), Due)
