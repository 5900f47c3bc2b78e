"""The registry benchmark runs at a tiny size and prints every figure; its generated data imports cleanly."""

import re
from collections import Counter

import pytest

from bench import registry
from bot.db import open_database
from bot.registry import Counts, Registry

SIZES = {"staff": 120, "trainings": 1200, "provinces": 2, "communes": 5}
XLSX_STAFF = 30
STATUS = ("status_of, province organiser", "status_of, commune organiser", "own_status, linked staff")
LOOKUP = ("admin", "province organiser", "commune organiser")
FIGURES = [
    ("import .csv", r"staff \(120 rows\)", "s"),
    ("import .csv", r"trainings \(1200 rows\)", "s"),
    ("import .csv", "total", "s"),
    ("re-import .csv", r"staff, all unchanged \(120 rows\)", "s"),
    ("import .xlsx", r"staff \(30 rows\)", "s"),
    ("import .xlsx", r"trainings \(\d+ rows\)", "s"),
    ("import .xlsx", "total", "s"),
    *[("/status", f"{viewer} {p}", "ms") for viewer in STATUS for p in ("p50", "p99")],
    *[("/lookup", f"{viewer} {metric}", unit) for viewer in LOOKUP
      for metric, unit in (("p50", "ms"), ("p99", "ms"), ("finds the person", "%"))],
]  # fmt: skip
WITH_TARGET = [("import .csv", "total"), *[("/status", f"{v} p99") for v in STATUS],
               *[("/lookup", f"{v} p99") for v in LOOKUP]]  # fmt: skip


def figure(output: str, part: str, metric: str, unit: str) -> float:
    """The number printed on the `part metric` line of the table (metric is a pattern)."""
    match = re.search(
        rf"^{re.escape(part)}\s+{metric}\s+(\d+(?:\.\d+)?)\s+{unit}(?!\S)", output, re.MULTILINE
    )
    assert match, f"no '{part} {metric}' line in:\n{output}"
    return float(match.group(1))


def test_tiny_run_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    options = [f"--{name}={value}" for name, value in SIZES.items()]
    registry.main([*options, f"--xlsx-staff={XLSX_STAFF}", "--calls=20", "--warmup=2"])
    printed = capsys.readouterr().out
    for part, metric, unit in FIGURES:
        assert figure(printed, part, metric, unit) > 0, (part, metric)
    for part, metric in WITH_TARGET:
        assert re.search(
            rf"^{re.escape(part)}\s+{re.escape(metric)}\s.*\b(PASS|FAIL)$", printed, re.MULTILINE
        )
    assert "timed: Registry.import_file" in printed and "timed: Services.status_of" in printed


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_generated_files_import_without_a_problem(tmp_path, suffix) -> None:
    data = registry.generate(**SIZES, seed=7)
    staff, trainings, people, records = registry.write_files(data, tmp_path, suffix)
    target = Registry(open_database(":memory:"), registry.programmes())
    for path, kind, rows in ((staff, "staff", people), (trainings, "trainings", records)):
        result = target.import_file(path, kind)
        assert result.parsed.problems == [] and result.parsed.ignored == (["STT"] if kind == "staff" else [])
        assert result.counts == Counts(inserted=rows)
    assert (people, records) == (SIZES["staff"], SIZES["trainings"])
    units = dict(target.db.execute("SELECT code, parent_code FROM units").fetchall())
    assert sum(parent is None for parent in units.values()) == SIZES["provinces"]
    assert len(units) == SIZES["provinces"] * (SIZES["communes"] + 1)


def test_generated_data_is_realistic_and_reproducible() -> None:
    data = registry.generate(**SIZES, seed=7)
    assert data == registry.generate(**SIZES, seed=7) != registry.generate(**SIZES, seed=8)
    people = data.people
    assert len({p.phone for p in people}) == len(people)
    assert all(re.fullmatch(r"09\d{8}", p.phone) for p in people)
    assert sorted(p.unit for p in people if p.role == "officer") == sorted(data.units)  # one per unit
    assert 0.08 <= sum(p.leader_level == "cap_phong" for p in people) / len(people) <= 0.25
    assert all(p.appointed_on for p in people if p.leader_level)
    assert all(len(p.name.split()) >= 3 for p in people)
    assert sum(not p.name.isascii() for p in people) >= 0.9 * len(people)  # written with diacritics
    keys = [(t.staff_code, t.programme, t.completed_on) for t in data.trainings]
    assert len(set(keys)) == len(keys)
    programmes = Counter(t.programme for t in data.trainings)
    assert set(programmes) <= set(registry.programmes()) and "boi_duong_vtvl" in programmes
    assert any(code.startswith("llct_") for code in programmes)
    assert all(t.periods is None for t in data.trainings if t.programme != "boi_duong_vtvl")
