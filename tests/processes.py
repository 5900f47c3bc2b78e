"""Running `python -m bot` as a real process, the way operators and scripts run it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_bot(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run `python -m bot ARGS` from the project root and capture its output."""
    environment = None if env is None else {"PATH": "/usr/bin:/bin", "HOME": str(ROOT)} | env
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
        env=environment, timeout=120,
    )  # fmt: skip
