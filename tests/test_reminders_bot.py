"""Courses, reminder switches and announcements in Telegram, through the fake Bot API with the real job."""

import pytest

from bot.config import RemindersConfig
from handlers.courses import NO_COURSE
from handlers.link import NOT_IN_SCOPE
from handlers.private import PRIVATE_ONLY
from handlers.status import NOT_LINKED
from tests.reminder_fixtures import USERS, Clock, reminder_services
from tests.served_bot import reply, serving

UNLINKED = 16


@pytest.fixture
def svc(kb, index, tmp_path):
    # The job looks every second; send_at is late in the day so only announcements go during a test.
    settings = RemindersConfig(send_at="20:00", check_every_seconds=1)
    services = reminder_services(kb, index, tmp_path, Clock(), settings)
    yield services
    services.close()


@pytest.fixture
async def api(svc):
    async with serving(svc.config, svc) as fake:
        yield fake


async def test_courses_lists_ones_own_and_counts_for_organisers(api):
    own = (await reply(api, "/courses", USERS["S1"]))["text"]
    assert own.index("Lớp bạn đã đăng ký") < own.index("Lớp C7") and "Lớp C5" in own and "28/11/2026" in own
    assert "còn 7 ngày" in own and "Hội trường xã" in own and "Sở Nội vụ" in own and "người" not in own
    organiser = (await reply(api, "/courses", USERS["O1"]))["text"]
    assert "Số người đơn vị bạn phụ trách đã đăng ký" in organiser
    [c7] = [line for line in organiser.splitlines() if "(mã C7)" in line]
    assert c7.endswith("— <b>2</b> người")  # S1 and U1 of XA1; B1 is in XA2
    assert (await reply(api, "/courses", UNLINKED))["text"] == NOT_LINKED
    group = await reply(api, "/courses", USERS["S1"], chat_type="group", chat_id=-100)
    assert group["text"] == PRIVATE_ONLY


async def test_reminders_switches_only_ones_own_kinds(api, svc):
    shown = await reply(api, "/reminders", USERS["S1"])
    assert shown["text"].count("✅") == 4
    assert ["r:course"] in [[b["callback_data"] for b in r] for r in shown["reply_markup"]["inline_keyboard"]]
    api.press_button(shown, "r:course", user_id=USERS["S1"])
    await api.wait_for_call("editMessageText")
    assert svc.reminder_settings(USERS["S1"]) == {"deadline", "yearly", "announce"}
    api.press_forged_button(shown, "r:everything", user_id=USERS["S1"])
    api.press_forged_button(shown, "r:course", user_id=UNLINKED)
    await api.wait_for_call("answerCallbackQuery")
    assert svc.reminder_settings(USERS["S1"]) == {"deadline", "yearly", "announce"}
    assert (await reply(api, "/reminders", UNLINKED))["text"] == NOT_LINKED


async def test_an_organiser_announces_a_course_and_gets_a_report(api, svc):
    preview = await reply(api, "/announce C7", USERS["O1"])
    assert "Sẽ gửi cho <b>1</b> người" in preview["text"]  # S1; U1 is not linked, B1 is in another commune
    api.press_button(preview, "a:C7", user_id=USERS["O1"])
    [announced] = await api.wait_for_messages(USERS["S1"])
    assert "Thông báo lớp học" in announced["text"] and "Lớp C7" in announced["text"]
    *_, queued, report = await api.wait_for_messages(USERS["O1"], count=3)  # the button's removal, then two
    assert "Đã xếp lịch gửi thông báo cho 1 người" in queued["text"]
    assert "Kết quả gửi thông báo lớp C7" in report["text"] and "Đã gửi: 1" in report["text"]
    second = await reply(api, "/announce C7", USERS["O1"])  # again the same day: nobody gets it twice
    api.press_button(second, "a:C7", user_id=USERS["O1"])
    *_, again = await api.wait_for_messages(USERS["O1"], count=2)
    assert "không gửi lại" in again["text"] and len(api.messages_to(USERS["S1"])) == 1
    assert ("announce", "C7 -> 1") in [(r["action"], r["detail"]) for r in svc.db["audit"].rows]


@pytest.mark.parametrize("user", [USERS["S1"], UNLINKED])
async def test_only_organisers_may_announce_even_with_a_forged_button(api, user):
    assert (await reply(api, "/announce C7", user))["text"] == NO_COURSE
    anchor = await reply(api, "/help", user)
    api.press_forged_button(anchor, "a:C7", user_id=user)
    [refused] = await api.wait_for_messages(user)
    assert refused["text"] == NOT_IN_SCOPE
    assert not [m for m in api.messages_to(USERS["S1"]) if "Thông báo lớp học" in m["text"]]


async def test_the_running_bot_sends_due_reminders_itself(kb, index, tmp_path):
    svc = reminder_services(kb, index, tmp_path, Clock(), RemindersConfig(check_every_seconds=1))
    async with serving(svc.config, svc) as api:
        [t1] = await api.wait_for_messages(USERS["T1"], timeout=10)
        [s1] = await api.wait_for_messages(USERS["S1"], timeout=10)
    assert "Lớp C1" in t1["text"] and "Lớp C7" in s1["text"]
    svc.close()
