"""Running an Application inside an existing event loop, as run_polling would, for the demo and tests."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import Application


@asynccontextmanager
async def polling(application: Application, poll_timeout: float = 1.0) -> AsyncIterator[Application]:
    """Initialise, run post_init, poll and start; undo it all in reverse order on exit."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
