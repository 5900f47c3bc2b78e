"""The latency benchmark runs end to end at a tiny size and prints every figure."""

import re

import pytest

from bench import latency

FIGURES = {
    "entries": "",
    "vocabulary": "words",
    "index build": "ms",
    "search p50": "ms",
    "search p99": "ms",
    "peak RSS": "MB",
}


def figure(output: str, part: str, metric: str, unit: str) -> float:
    """The number printed on the `part metric` line of the table."""
    pattern = rf"^{part}\s+{metric}\s+(\d+(?:\.\d+)?)\s*{unit}"
    match = re.search(pattern, output, re.MULTILINE)
    assert match, f"no '{part} {metric}' line in:\n{output}"
    return float(match.group(1))


def test_tiny_run_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    latency.main(
        [
            "--entries",
            "300",
            "--queries",
            "50",
            "--generated-queries",
            "50",
            "--builds",
            "1",
            "--generated-processes",
            "2",
            "--warmup",
            "10",
        ]
    )
    printed = capsys.readouterr().out
    for part in ("bundled", "generated"):
        for metric, unit in FIGURES.items():
            assert figure(printed, part, metric, unit) > 0
    assert figure(printed, "generated", "entries", "") == 300
    assert re.search(r"^generated\s+search p99.*\b(PASS|FAIL)$", printed, re.MULTILINE)


def test_generation_and_queries_are_reproducible() -> None:
    kb = latency.load_bundled()
    first, second = latency.generate(kb, 20, seed=7), latency.generate(kb, 20, seed=7)
    assert [e.questions for e in first.entries] == [e.questions for e in second.entries]
    assert latency.make_queries(kb, 30, seed=7) == latency.make_queries(kb, 30, seed=7)
