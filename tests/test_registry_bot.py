"""The registry in Telegram, end to end through the fake Bot API: who sees whom, linking, the audit log."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import AccessConfig, Config, TelegramConfig
from bot.db import open_database
from bot.services import Services
from handlers.link import NOT_IN_SCOPE
from handlers.private import PRIVATE_ONLY
from handlers.status import NOT_LINKED
from tests.reminder_fixtures import Clock
from tests.served_bot import reply, serving
from tests.test_registry_import import write

TOKEN = "123456:registry-secret"
NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
HEADER = ["staff_code", "full_name", "unit_code", "unit_name", "parent_unit_code", "position", "leader_level",
          "appointed_on", "phone", "role"]  # fmt: skip
STAFF = [
    ["S1", "Nguyễn Thị Sen", "XA1", "Xã Một", "TINH", "Công chức", "", "", "0900000001", "staff"],
    ["T1", "Trần Văn Tâm", "XA1", "Xã Một", "TINH", "Phó Trưởng phòng Kinh tế", "cap_phong", "01/09/2025",
     "0900000002", "staff"],
    ["O1", "Lê Văn Ổn", "XA1", "Xã Một", "TINH", "Công chức tổ chức", "", "", "0900000003", "officer"],
    ["O2", "Phạm Thị Oanh", "XA2", "Xã Hai", "TINH", "Công chức tổ chức", "", "", "0900000004", "officer"],
    ["P1", "Hoàng Văn Phú", "TINH", "Sở Nội vụ", "", "Chuyên viên", "", "", "0900000005", "officer"],
    ["N1", "Đỗ Văn Năm", "XA1", "Xã Một", "TINH", "Công chức", "", "", "", "staff"],
]  # fmt: skip
USERS = {"staff": 11, "officer": 12, "other_officer": 13, "province_officer": 14, "admin": 15, "unlinked": 16}
LINKED = {"staff": "S1", "officer": "O1", "other_officer": "O2", "province_officer": "P1"}
SEES_T1 = {"officer", "province_officer", "admin"}  # T1 is in XA1, under TINH


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def registry_services(kb, index, tmp_path, clock):
    config = Config(telegram=TelegramConfig(token=TOKEN), access=AccessConfig(admins=(USERS["admin"],)))
    svc = Services(config, kb, index, open_database(":memory:"), clock=clock)
    result = svc.registry.import_file(write(tmp_path / "staff.csv", HEADER, STAFF), "staff")
    assert result.counts is not None, result.parsed.problems
    for role, code in LINKED.items():
        svc.linking.link(USERS[role], code, NOW)
    yield svc
    svc.close()


@pytest.fixture
async def api(registry_services):
    async with serving(registry_services.config, registry_services) as fake:
        yield fake


async def say(api, text, user, chat_id=None, chat_type="private"):
    return (await reply(api, text, user, chat_id, chat_type))["text"]


def audit_rows(svc):
    return [(r["actor_user_id"], r["action"], r["subject_staff_code"]) for r in svc.db["audit"].rows]


@pytest.mark.parametrize("role", list(USERS))
async def test_status_shows_only_ones_own_record(api, role):
    text = await say(api, "/status", USERS[role])
    if role in LINKED:
        code = LINKED[role]
        name = next(row[1] for row in STAFF if row[0] == code)
        assert name in text and "Tiêu chuẩn theo vị trí" in text and "Căn cứ: Điều 16 khoản 3" in text
        assert "Trần Văn Tâm" not in text
    else:
        assert text == NOT_LINKED


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("command", ["/lookup T1", "/lookup tran van tam", "/lookup Tran Van Taam"])
async def test_lookup_of_someone_else_by_role(api, registry_services, role, command):
    text = await say(api, command, USERS[role])
    if role in SEES_T1:
        assert "Trần Văn Tâm" in text and "Phó Trưởng phòng Kinh tế" in text
        assert "090*****02" in text and "0900000002" not in text
        assert (USERS[role], "status", "T1") in audit_rows(registry_services)
    else:
        assert text == NOT_IN_SCOPE
        assert "Tâm" not in text
        rows = [row for row in audit_rows(registry_services) if row[0] == USERS[role]]
        assert rows and all(subject is None for _, _, subject in rows)  # tried, recorded, shown nothing


@pytest.mark.parametrize("role", list(USERS))
async def test_a_forged_person_button_reveals_nothing(api, registry_services, role):
    user = USERS[role]
    anchor = await api_message(api, user)
    api.press_forged_button(anchor, "p:T1", user_id=user)
    [reply] = await api.wait_for_messages(user)
    assert ("Trần Văn Tâm" in reply["text"]) == (role in SEES_T1)
    if role not in SEES_T1:
        assert reply["text"] == NOT_IN_SCOPE


async def api_message(api, user):
    """A bot message in the user's private chat, for a callback to hang on."""
    api.send_text("/unlink_khong_co", user_id=user, chat_id=user)
    [message] = await api.wait_for_messages(user)
    return message


async def test_someone_who_does_not_exist_gets_the_same_refusal(api):
    assert await say(api, "/lookup ZZ99", USERS["officer"]) == NOT_IN_SCOPE
    assert await say(api, "/lookup O2", USERS["officer"]) == NOT_IN_SCOPE  # exists, in another commune
    assert await say(api, "/invite ZZ99", USERS["officer"]) == NOT_IN_SCOPE
    assert await say(api, "/invite O2", USERS["officer"]) == NOT_IN_SCOPE


@pytest.mark.parametrize("command", ["/status", "/lookup T1", "/link", "/unlink", "/invite N1"])
@pytest.mark.parametrize("role", list(USERS))
async def test_registry_commands_in_groups_show_nothing(api, command, role):
    text = await say(api, command, USERS[role], chat_id=-5005, chat_type="group")
    assert text == PRIVATE_ONLY


@pytest.mark.parametrize("role", list(USERS))
async def test_a_person_button_in_a_group_shows_nothing(api, role):
    group = -6006
    api.send_text("/help", user_id=USERS[role], chat_id=group, chat_type="group")
    [anchor] = await api.wait_for_messages(group)
    query_id = api.press_forged_button(anchor, "p:T1", user_id=USERS[role])
    await api.wait_for_call("answerCallbackQuery")
    assert api.callback_answers[query_id]["text"] == PRIVATE_ONLY
    assert len(api.messages_to(group)) == 1  # nothing was posted to the group


@pytest.mark.parametrize("role", list(USERS))
async def test_invite_by_role(api, registry_services, role):
    text = await say(api, "/invite T1", USERS[role])
    assert text.startswith("Mã liên kết cho Trần Văn Tâm") == (role in SEES_T1)
    if role not in SEES_T1:
        assert text == NOT_IN_SCOPE


async def test_several_matches_give_buttons_that_show_the_chosen_person(api):
    user = USERS["province_officer"]
    api.send_text("/lookup văn", user_id=user, chat_id=user)
    [reply] = await api.wait_for_messages(user)
    choices = [b for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert len(choices) >= 2 and all(b["callback_data"].startswith("p:") for b in choices)
    api.press_button(reply, choices[0]["callback_data"], user_id=user)
    [shown] = await api.wait_for_messages(user)
    assert "Tiêu chuẩn theo vị trí" in shown["text"]


async def test_linking_by_own_contact_only(api, registry_services):
    user = 21
    api.send_text("/link", user_id=user, chat_id=user)
    [prompt] = await api.wait_for_messages(user, count=1)
    assert prompt["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    api.send_contact(user_id=user, phone_number="+84900000006", contact_user_id=user)  # nobody has it
    assert "không tìm thấy hồ sơ" in (await api.wait_for_messages(user))[-1]["text"]
    api.send_contact(user_id=user, phone_number="84900000002", contact_user_id=999)  # someone else's card
    assert "chính tài khoản này" in (await api.wait_for_messages(user))[-1]["text"]
    api.send_contact(user_id=user, phone_number="84900000002", contact_user_id=user)
    assert "Trần Văn Tâm" in (await api.wait_for_messages(user))[-1]["text"]
    assert "Trần Văn Tâm" in await say(api, "/status", user)
    api.send_contact(user_id=22, phone_number="+84 900 000 002", contact_user_id=22)
    assert "tài khoản Telegram khác" in (await api.wait_for_messages(22))[-1]["text"]
    assert await say(api, "/unlink", user) == "Đã hủy liên kết tài khoản với hồ sơ."
    assert await say(api, "/status", user) == NOT_LINKED


async def test_five_failures_an_hour_then_blocked(api, clock):
    user = 23
    for _ in range(5):
        assert "không tìm thấy" in await say(api, "/link SAIMA123", user)
    assert "quá 5 lần" in await say(api, "/link SAIMA123", user)
    clock.now = NOW + timedelta(minutes=61)
    assert "không tìm thấy" in await say(api, "/link SAIMA123", user)


async def test_invite_codes_link_once_within_72_hours(api, registry_services, clock):
    reply = await say(api, "/invite N1", USERS["officer"])
    assert reply.startswith("Mã liên kết cho Đỗ Văn Năm: ")
    code = re.search(r"<code>(\w+)</code>", reply).group(1)
    assert (USERS["officer"], "invite", "N1") in audit_rows(registry_services)
    assert "Đỗ Văn Năm" in await say(api, f"/link {code.lower()}", 31)
    assert "không tìm thấy" in await say(api, f"/link {code}", 32)  # used up
    moved = re.search(r"<code>(\w+)</code>", await say(api, "/invite N1", USERS["officer"])).group(1)
    assert "Đỗ Văn Năm" in await say(api, f"/link {moved}", 34)  # a lost phone: the record moves
    assert await say(api, "/status", 31) == NOT_LINKED
    late = re.search(r"<code>(\w+)</code>", await say(api, "/invite N1", USERS["province_officer"])).group(1)
    clock.now = NOW + timedelta(hours=72, minutes=1)
    assert "không tìm thấy" in await say(api, f"/link {late}", 33)
    assert await say(api, "/invite N1", USERS["staff"]) == NOT_IN_SCOPE
