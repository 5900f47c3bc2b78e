"""The bot's aiohttp client for PTB: what the shared fake Bot API tests do not reach."""

import io
import socket

import aiohttp
import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.fake_bot_api import DEFAULT_USER_ID, FakeBotAPI
from bot.transport import AiohttpRequest, _timeout, network_error

TOKEN = "123:TEST"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_refused_connection_is_a_network_error() -> None:
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{free_port()}/bot", request=AiohttpRequest())
    with pytest.raises(NetworkError, match=r"aiohttp\.ClientConnectorError") as caught:
        async with bot:  # initialising asks getMe
            pass
    assert not isinstance(caught.value, TimedOut)


async def test_a_slow_upload_times_out_and_the_client_recovers() -> None:
    async with (
        FakeBotAPI(token=TOKEN) as api,
        Bot(TOKEN, base_url=api.base_url, request=AiohttpRequest()) as bot,
    ):
        api.delay_next("sendDocument", 2)
        with pytest.raises(TimedOut):
            await bot.send_document(DEFAULT_USER_ID, b"x", filename="a.txt", read_timeout=0.2)
        handle = io.BytesIO("Danh sách".encode())
        message = await bot.send_document(DEFAULT_USER_ID, handle, filename="danh-sach.csv", caption="Tệp")
    assert message.document.file_name == "danh-sach.csv"
    assert api.sent[-1]["document"].data == "Danh sách".encode()


async def test_requests_before_initialize_and_after_shutdown_are_refused() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:1/", "POST")
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:1/", "POST")
    await request.initialize()  # a shut-down client can be opened again, as PTB's own can
    await request.shutdown()


def test_timeouts_map_onto_aiohttp_and_none_means_no_bound() -> None:
    bounded = _timeout(connect=5.0, read=5.0, write=20.0, pool=1.0)
    assert (bounded.total, bounded.connect, bounded.sock_connect, bounded.sock_read) == (31.0, 6.0, 5.0, 5.0)
    unbounded = _timeout(connect=None, read=None, write=None, pool=None)
    assert (unbounded.total, unbounded.connect, unbounded.sock_connect, unbounded.sock_read) == (None,) * 4


def test_network_errors_never_quote_the_token() -> None:
    error = network_error(aiohttp.InvalidURL("https://api.telegram.org/bot123:SECRET-token/sendMessage"))
    assert error.message == "aiohttp.InvalidURL: https://api.telegram.org/bot***/sendMessage"


async def test_the_proxy_the_environment_names_is_used_unless_no_proxy_exempts_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with FakeBotAPI(token=TOKEN) as proxy:  # an HTTP proxy gets the whole URL; the fake serves its path
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url.removesuffix("/bot"))
        async with Bot(TOKEN, base_url="http://api.telegram.invalid/bot", request=AiohttpRequest()) as bot:
            await bot.send_message(DEFAULT_USER_ID, "qua proxy")
        assert [event["text"] for event in proxy.sent] == ["qua proxy"]

        async with FakeBotAPI(token=TOKEN) as direct:
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
            async with Bot(TOKEN, base_url=direct.base_url, request=AiohttpRequest()) as bot:
                await bot.send_message(DEFAULT_USER_ID, "trực tiếp")
        assert [event["text"] for event in direct.sent] == ["trực tiếp"]
        assert len(proxy.sent) == 1
