"""`python -m bot <command>`: see bot/cli.py."""

import os
import sys

os.environ.setdefault("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as a timedelta, as PTB 23 will

from bot.cli import main

sys.exit(main())
