"""The bot's HTTP client: python-telegram-bot's request interface (BaseRequest) over aiohttp.

A reminder fan-out keeps one message in flight, so that a kill -9 can repeat at most that one, so
its speed is one round trip after another. Against the local Bot API, PTB's own httpx client
managed 540-650 sendMessage calls a second on this project's 2-core machine and this one
920-980. aiohttp is already the project's HTTP library (the fake Bot API serves with it).
Timeouts and errors map onto PTB's as its httpx client maps them.
"""

import re
import urllib.request
from urllib.parse import urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's own defaults for its httpx client, in seconds.
CONNECT, READ, WRITE, POOL, MEDIA_WRITE = 5.0, 5.0, 5.0, 1.0, 20.0
TOKEN_IN_URL = re.compile(r"/bot[^/\s'\"]+")  # Bot API paths are /bot<token>/<method>


class AiohttpRequest(BaseRequest):
    """PTB requests through one aiohttp session with a bounded connection pool."""

    def __init__(self, connection_pool_size: int = 256) -> None:
        self.pool_size = connection_pool_size
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}  # (scheme, server) -> proxy URL

    @property
    def read_timeout(self) -> float:
        """The read timeout used when a call sets none."""
        return READ

    async def initialize(self) -> None:
        """Open the session (inside the running event loop, as aiohttp requires)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool_size), headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One request: the status code and the body; TimedOut or NetworkError when it fails."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data and request_data.contains_files else None
        timeout = _timeout(
            _given(connect_timeout, CONNECT), _given(read_timeout, READ),
            _given(write_timeout, MEDIA_WRITE if files else WRITE), _given(pool_timeout, POOL),
        )  # fmt: skip
        try:
            async with self._session.request(
                method, url, data=_body(request_data, files), timeout=timeout, proxy=self._proxy(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise network_error(error) from error

    def _proxy(self, url: str) -> str | None:
        """The proxy HTTPS_PROXY / HTTP_PROXY / NO_PROXY name for this server (httpx honoured them too).

        Looked up once per server: aiohttp's own lookup (trust_env) costs a thread hop per request.
        """
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._proxies:
            proxy = urllib.request.getproxies().get(parts.scheme)
            bypass = proxy is not None and urllib.request.proxy_bypass(parts.hostname or "")
            self._proxies[key] = None if bypass else proxy
        return self._proxies[key]


def network_error(error: aiohttp.ClientError) -> NetworkError:
    """PTB's NetworkError for an aiohttp failure, without the token some of aiohttp's messages quote."""
    text = TOKEN_IN_URL.sub("/bot***", str(error))  # the reason may end up in logs and the sends table
    return NetworkError(f"aiohttp.{error.__class__.__name__}: {text}")


def _given(value, default: float) -> float | None:
    return default if value is BaseRequest.DEFAULT_NONE else value


def _timeout(connect: float | None, read: float | None, write: float | None, pool: float | None):
    """aiohttp's timeouts for PTB's four: aiohttp has no write timeout, so their sum bounds the whole."""
    parts = (connect, read, write, pool)
    return aiohttp.ClientTimeout(
        total=None if None in parts else sum(parts),
        # aiohttp's connect covers waiting for a free connection and then connecting.
        connect=None if connect is None or pool is None else connect + pool,
        sock_connect=connect,
        sock_read=read,
    )


def _body(request_data: RequestData | None, files: dict | None):
    """Form fields, as multipart when the request uploads files."""
    fields = request_data.json_parameters if request_data else None
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in (fields or {}).items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
