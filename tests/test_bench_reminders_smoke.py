"""The reminder benchmark runs at a tiny size and prints all three figures."""

import re

from bench import reminders


def test_the_benchmark_prints_its_three_figures(capsys):
    reminders.main(["--count", "45"])
    out = capsys.readouterr().out
    floor = re.search(r"limit \(30/s\): 45 messages in ([\d.]+) s; floor 1\.5 s; ratio ([\d.]+)", out)
    assert floor and float(floor.group(1)) > 0.4  # the limiter really paced it: 30 go at once, 15 take 0.5 s
    assert re.search(r"limit raised: 45 messages in [\d.]+ s = \d+ messages/s -> (PASS|FAIL).*peak RSS", out)
    assert "delivered 45/45, repeated 0, lost 0 -> PASS" in out or "repeated 1, lost 0 -> PASS" in out
