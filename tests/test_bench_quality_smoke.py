"""The quality benchmark's question set is well formed and its metric functions run."""

from collections import Counter

import pytest

from bench import quality
from knowledge.loader import GUIDE_TOPIC
from knowledge.text import fold

MIN_IN_SCOPE = 280
MIN_OUT_OF_SCOPE = 60
MIN_PER_ENTRY = 3  # the first 52 entries have 5 or more; entries added since have 3


@pytest.fixture(scope="module")
def questions() -> list[quality.Question]:
    """The bundled question set."""
    return quality.load_questions(quality.DATA)


def key(text: str) -> str:
    """A question as compared for duplicates: folded, single-spaced, without end punctuation."""
    return " ".join(fold(text).split()).rstrip("?.! ")


def test_file_has_header_and_three_columns() -> None:
    lines = quality.DATA.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "\t".join(quality.HEADER)
    for number, line in enumerate(lines[1:], 2):
        assert len(line.split("\t")) == 3, f"line {number} must have exactly 3 columns"
        assert line.split("\t")[2].strip(), f"line {number} has no question"


def test_variants_are_known(questions: list[quality.Question]) -> None:
    assert {q.variant for q in questions} <= set(quality.VARIANTS)


def test_expected_ids_exist_and_oos_rows_are_empty(kb, questions: list[quality.Question]) -> None:
    ids = {entry.id for entry in kb.entries}
    for q in questions:
        if q.variant == quality.OUT_OF_SCOPE:
            assert q.expected == "", q
        else:
            assert q.answers and q.answers <= ids, q


def test_no_duplicate_questions(questions: list[quality.Question]) -> None:
    counts = Counter(key(q.text) for q in questions)
    assert [text for text, n in counts.items() if n > 1] == []


def test_questions_are_not_copied_from_entries(kb, questions: list[quality.Question]) -> None:
    phrasings = {key(text) for e in kb.entries for text in (e.title, *e.questions)}
    assert [q.text for q in questions if key(q.text) in phrasings] == []


def test_enough_questions(kb, questions: list[quality.Question]) -> None:
    assert sum(q.in_scope for q in questions) >= MIN_IN_SCOPE
    assert sum(not q.in_scope for q in questions) >= MIN_OUT_OF_SCOPE
    per_entry = Counter(entry for q in questions for entry in q.answers)
    short = [e.id for e in kb.entries if e.topic != GUIDE_TOPIC and per_entry[e.id] < MIN_PER_ENTRY]
    assert short == []


def test_metrics_have_the_expected_structure(kb, questions: list[quality.Question]) -> None:
    sample = [q for v in quality.VARIANTS for q in [x for x in questions if x.variant == v][:2]]
    for name, system in quality.build_systems(kb).items():
        rankings = quality.run(system, sample)
        assert len(rankings) == len(sample), name
        assert all(r.outcome in ("answer", "suggest", "decline") for r in rankings), name
        assert all(len(r.ids) <= quality.TOP_K for r in rankings), name
        report = quality.evaluate(sample, rankings)
        assert set(report) == {*quality.VARIANTS, "overall"}
        for variant in quality.IN_SCOPE_VARIANTS:
            assert report[variant]["questions"] == 2
            assert 0 <= report[variant]["top1"] <= report[variant]["top3"] <= 2
        assert set(report[quality.OUT_OF_SCOPE]) == {"questions", "declined", "declined_rate"}
        overall = report["overall"]
        assert overall["questions"] == 2 * len(quality.IN_SCOPE_VARIANTS)
        assert overall["oos_questions"] == 2
        assert overall["all_declined"] == overall["declined"] + overall["oos_declined"]
        for metric in ("top1_rate", "top3_rate", "declined_rate", "oos_declined_rate"):
            assert 0.0 <= overall[metric] <= 1.0
        targets = quality.check_targets(report)
        assert [t["target"] for t in targets] == [t[0] for t in quality.TARGETS]
        assert all(isinstance(t["passed"], bool) for t in targets)
        assert isinstance(quality.misses(sample, rankings), list)


def test_fts_query_quotes_every_token() -> None:
    assert quality.fts_query('Điều 5 "AND" NOT (x*)') == '"dieu" OR "5" OR "and" OR "not" OR "x"'
    assert quality.fts_query("?!") == ""


def test_main_prints_json_and_returns_zero(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    data = tmp_path / "few.tsv"
    lines = quality.DATA.read_text(encoding="utf-8").splitlines()
    data.write_text("\n".join([lines[0], *lines[1:4], lines[-1]]) + "\n", encoding="utf-8")
    assert quality.main(["--data", str(data), "--json"]) == 0
    assert '"systems"' in capsys.readouterr().out
    assert quality.main(["--data", str(data), "--misses", "1"]) == 0
    assert "Engine targets:" in capsys.readouterr().out
