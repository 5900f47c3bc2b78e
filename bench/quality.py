"""Search quality on a labelled question set: the bot's engine against two simple baselines.

Run `python -m bench.quality [--data PATH] [--misses N] [--json]`. Each question in the data
file is tagged with a variant (how it is typed) and the id of the one entry that answers it, or
no id when no entry does (out of scope). It prints top-1 / top-3 accuracy and decline rates per
variant for the engine, a rapidfuzz WRatio baseline and an SQLite FTS5 (bm25) baseline, the
engine's figures against their targets, and the engine's misses. It always exits 0.
"""

import argparse
import csv
import json
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from knowledge.loader import load
from knowledge.model import KnowledgeBase
from knowledge.search import Index, search
from knowledge.text import fold, tokens

DATA = Path(__file__).parent / "data" / "questions.tsv"
HEADER = ("variant", "expected", "question")
OUT_OF_SCOPE = "oos"
VARIANTS = ("accented", "unaccented", "partial", "typo", "abbrev", "colloquial", OUT_OF_SCOPE)
IN_SCOPE_VARIANTS = VARIANTS[:-1]
TOP_K = 3
WRATIO_THRESHOLD = 60.0
DEFAULT_MISSES = 60
SYSTEMS = ("engine", "wratio", "fts5")

# Engine targets: (label, group, metric, comparison, limit).
TARGETS = (
    ("top-1 overall", "overall", "top1_rate", ">=", 0.90),
    ("top-1 unaccented", "unaccented", "top1_rate", ">=", 0.88),
    ("top-3 overall", "overall", "top3_rate", ">=", 0.97),
    ("out-of-scope declined", "overall", "oos_declined_rate", ">=", 0.90),
    ("in-scope declined", "overall", "declined_rate", "<=", 0.05),
)


@dataclass(frozen=True)
class Question:
    """One labelled question: how it is typed, the entry that answers it ('' if none), the text."""

    variant: str
    expected: str  # entry ids separated by "|" when several entries answer it equally well
    text: str

    @property
    def in_scope(self) -> bool:
        """True when some entry answers the question."""
        return bool(self.expected)

    @property
    def answers(self) -> frozenset[str]:
        """The entries that answer the question."""
        return frozenset(filter(None, self.expected.split("|")))


@dataclass(frozen=True)
class Ranking:
    """What one system made of one question: its outcome, best entry ids first, top score."""

    outcome: str
    ids: tuple[str, ...]
    score: float

    @property
    def declined(self) -> bool:
        """True when the system gave no answer or suggestion."""
        return self.outcome == "decline"


System = Callable[[str], Ranking]


@dataclass
class Tally:
    """Counts for a group of questions."""

    questions: int = 0
    top1: int = 0
    top3: int = 0
    declined: int = 0


def load_questions(path: Path = DATA) -> list[Question]:
    """The questions of a tab-separated data file with a `variant expected question` header."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = tuple(next(reader, ()))
        if header != HEADER:
            raise ValueError(f"{path}: header must be {'/'.join(HEADER)}, got {header}")
        return [Question(row[0].strip(), row[1].strip(), row[2].strip()) for row in reader if row]


def engine_system(kb: KnowledgeBase) -> System:
    """The bot's own search as a system."""
    index = Index(kb)

    def rank(question: str) -> Ranking:
        result = search(index, question)
        ids = tuple(hit.entry.id for hit in result.hits[:TOP_K])
        return Ranking(result.outcome, ids, result.confidence)

    return rank


def phrasings(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    """Every entry's folded title and questions, and the entry id of each."""
    texts, owners = [], []
    for entry in kb.entries:
        for text in (entry.title, *entry.questions):
            texts.append(fold(text))
            owners.append(entry.id)
    return texts, owners


def wratio_system(kb: KnowledgeBase, threshold: float = WRATIO_THRESHOLD) -> System:
    """Baseline: best WRatio against any phrasing of an entry; decline below `threshold`."""
    texts, owners = phrasings(kb)

    def rank(question: str) -> Ranking:
        folded = fold(question)
        matches = process.extract(folded, texts, scorer=fuzz.WRatio, processor=None, limit=None)
        # WRatio scores many short phrasings exactly alike (its partial match); plain ratio breaks
        # those ties, so the baseline is not decided by the order of the entries.
        best: dict[str, tuple[float, float]] = {}
        for text, score, position in matches:
            key = (score, fuzz.ratio(folded, text, processor=None))
            best[owners[position]] = max(best.get(owners[position], (0.0, 0.0)), key)
        ordered = sorted(best, key=lambda entry_id: best[entry_id], reverse=True)[:TOP_K]
        top = best[ordered[0]][0] if ordered else 0.0
        outcome = "answer" if ordered and top >= threshold else "decline"
        return Ranking(outcome, tuple(ordered), top)

    return rank


def fts_document(kb: KnowledgeBase, entry_number: int) -> str:
    """The folded searchable text of one entry: title, questions, tags and body."""
    entry = kb.entries[entry_number]
    return fold(" ".join((entry.title, *entry.questions, *entry.tags, entry.body)))


def fts_query(question: str) -> str:
    """The folded question's tokens, each double-quoted, joined with OR ('' if none)."""
    return " OR ".join('"' + token.replace('"', '""') + '"' for token in tokens(question))


def fts5_system(kb: KnowledgeBase) -> System:
    """Baseline: SQLite FTS5, one row per entry, ranked by bm25; declines when nothing matches."""
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.execute("CREATE VIRTUAL TABLE entries USING fts5(entry_id UNINDEXED, body)")
    connection.executemany(
        "INSERT INTO entries (entry_id, body) VALUES (?, ?)",
        [(entry.id, fts_document(kb, n)) for n, entry in enumerate(kb.entries)],
    )

    def rank(question: str) -> Ranking:
        query = fts_query(question)
        if not query:
            return Ranking("decline", (), 0.0)
        rows = connection.execute(
            "SELECT entry_id, bm25(entries) FROM entries WHERE entries MATCH ? "
            "ORDER BY bm25(entries) LIMIT ?",
            (query, TOP_K),
        ).fetchall()
        if not rows:
            return Ranking("decline", (), 0.0)
        return Ranking("answer", tuple(r[0] for r in rows), -rows[0][1])

    return rank


def build_systems(kb: KnowledgeBase) -> dict[str, System]:
    """The engine and both baselines, by name."""
    return {"engine": engine_system(kb), "wratio": wratio_system(kb), "fts5": fts5_system(kb)}


def run(system: System, questions: Sequence[Question]) -> list[Ranking]:
    """The system's ranking of every question, in order."""
    return [system(q.text) for q in questions]


def is_top1(question: Question, ranking: Ranking) -> bool:
    """In scope, not declined, and the first hit is an expected entry."""
    return question.in_scope and not ranking.declined and bool(question.answers & set(ranking.ids[:1]))


def is_top3(question: Question, ranking: Ranking) -> bool:
    """In scope, not declined, and an expected entry is among the first three hits."""
    return question.in_scope and not ranking.declined and bool(question.answers & set(ranking.ids[:TOP_K]))


def tally(pairs: Iterable[tuple[Question, Ranking]]) -> Tally:
    """Counts of questions, top-1 and top-3 hits and declines."""
    counts = Tally()
    for question, ranking in pairs:
        counts.questions += 1
        counts.top1 += is_top1(question, ranking)
        counts.top3 += is_top3(question, ranking)
        counts.declined += ranking.declined
    return counts


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


def group_metrics(counts: Tally, in_scope: bool) -> dict[str, int | float | None]:
    """Counts and rates of one variant; out-of-scope groups have only decline figures."""
    figures: dict[str, int | float | None] = {
        "questions": counts.questions,
        "declined": counts.declined,
        "declined_rate": rate(counts.declined, counts.questions),
    }
    if in_scope:
        figures |= {
            "top1": counts.top1, "top1_rate": rate(counts.top1, counts.questions),
            "top3": counts.top3, "top3_rate": rate(counts.top3, counts.questions),
        }
    return figures


def overall_metrics(inside: Tally, outside: Tally) -> dict[str, int | float | None]:
    """In-scope accuracy and declines, out-of-scope declines and decline precision."""
    declined = inside.declined + outside.declined
    return {
        "questions": inside.questions,
        "top1": inside.top1, "top1_rate": rate(inside.top1, inside.questions),
        "top3": inside.top3, "top3_rate": rate(inside.top3, inside.questions),
        "declined": inside.declined, "declined_rate": rate(inside.declined, inside.questions),
        "oos_questions": outside.questions,
        "oos_declined": outside.declined,
        "oos_declined_rate": rate(outside.declined, outside.questions),
        "all_declined": declined,
        "decline_precision": rate(outside.declined, declined),
    }


def evaluate(questions: Sequence[Question], rankings: Sequence[Ranking]) -> dict[str, dict]:
    """Metrics per variant and overall for one system's rankings of the questions."""
    pairs = list(zip(questions, rankings, strict=True))
    variants = sorted({q.variant for q in questions}, key=variant_order)
    report: dict[str, dict] = {
        variant: group_metrics(
            tally(p for p in pairs if p[0].variant == variant), variant != OUT_OF_SCOPE
        )
        for variant in variants
    }
    inside = tally(p for p in pairs if p[0].in_scope)
    outside = tally(p for p in pairs if not p[0].in_scope)
    report["overall"] = overall_metrics(inside, outside)
    return report


def variant_order(variant: str) -> tuple[int, str]:
    """Sort key: known variants in their usual order, unknown ones after."""
    return (VARIANTS.index(variant) if variant in VARIANTS else len(VARIANTS), variant)


def check_targets(report: dict[str, dict]) -> list[dict]:
    """Each engine target with its value and whether it passed."""
    results = []
    for label, group, metric, comparison, limit in TARGETS:
        value = report.get(group, {}).get(metric)
        passed = value is not None and (value >= limit if comparison == ">=" else value <= limit)
        results.append({"target": label, "value": value, "comparison": comparison,
                        "limit": limit, "passed": passed})
    return results


def misses(questions: Sequence[Question], rankings: Sequence[Ranking]) -> list[dict]:
    """Questions a system got wrong: in scope and not top-1, or out of scope and not declined."""
    wrong = []
    for question, ranking in zip(questions, rankings, strict=True):
        if question.in_scope and is_top1(question, ranking):
            continue
        if not question.in_scope and ranking.declined:
            continue
        wrong.append({
            "variant": question.variant, "question": question.text,
            "expected": question.expected or "-", "got": ranking.ids[0] if ranking.ids else "-",
            "outcome": ranking.outcome, "score": round(ranking.score, 4),
        })
    return sorted(wrong, key=lambda m: m["expected"] == "-")


def cell(part: object, whole: object) -> str:
    """'k/n pp.p%' or '-' when the group is empty."""
    if not isinstance(part, int) or not isinstance(whole, int) or not whole:
        return "-"
    return f"{part}/{whole} {100 * part / whole:5.1f}%"


def table(title: str, rows: list[list[str]]) -> list[str]:
    """An aligned text table under a title; the first row is the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [title]
    for number, row in enumerate(rows):
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs]
        lines.append("  " + "  ".join(cells).rstrip())
        if number == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


def metric_table(reports: dict[str, dict], title: str, metric: str) -> list[str]:
    """One in-scope metric (top1 or top3) per variant and overall, a column per system."""
    names = list(reports)
    first = reports[names[0]]
    groups = [g for g in first if g not in ("overall", OUT_OF_SCOPE)] + ["overall"]
    rows = [["variant", *names]]
    for group in groups:
        label = f"{group} (n={first[group]['questions']})"
        rows.append([label, *(cell(r[group].get(metric), r[group]["questions"])
                              for r in reports.values())])
    return table(title, rows)


def decline_table(reports: dict[str, dict]) -> list[str]:
    """Decline rates per variant, in and out of scope, and decline precision, per system."""
    names = list(reports)
    first = reports[names[0]]
    rows = [["variant", *names]]
    for group in (g for g in first if g != "overall"):
        label = f"{group} (n={first[group]['questions']})"
        rows.append([label, *(cell(r[group]["declined"], r[group]["questions"])
                              for r in reports.values())])
    overall = [r["overall"] for r in reports.values()]
    rows.append(["in-scope declined", *(cell(o["declined"], o["questions"]) for o in overall)])
    rows.append(["out-of-scope declined",
                 *(cell(o["oos_declined"], o["oos_questions"]) for o in overall)])
    rows.append(["decline precision",
                 *(cell(o["oos_declined"], o["all_declined"]) for o in overall)])
    return table("Declined (lower is better in scope, higher out of scope):", rows)


def target_lines(results: list[dict]) -> list[str]:
    """The engine's figures against its targets."""
    rows = [["target", "value", "limit", "result"]]
    for r in results:
        value = "-" if r["value"] is None else f"{100 * r['value']:.1f}%"
        rows.append([r["target"], value, f"{r['comparison']} {100 * r['limit']:g}%",
                     "PASS" if r["passed"] else "FAIL"])
    return table("Engine targets:", rows)


def miss_lines(wrong: list[dict], limit: int) -> list[str]:
    """At most `limit` engine misses, one per line."""
    lines = [f"Engine misses: {len(wrong)} (showing {min(limit, len(wrong))}); "
             "variant | question | expected -> got (outcome, score)"]
    for m in wrong[: max(0, limit)]:
        lines.append(f"  {m['variant']:<10} | {m['question']} | {m['expected']} -> {m['got']} "
                     f"({m['outcome']}, {m['score']:.3f})")
    return lines


def variant_counts(questions: Sequence[Question]) -> dict[str, int]:
    """How many questions of each variant the data holds, in the usual variant order."""
    counts = Counter(q.variant for q in questions)
    return {variant: counts[variant] for variant in sorted(counts, key=variant_order)}


def counts_line(questions: Sequence[Question]) -> str:
    """One line with the number of questions, in and out of scope and per variant."""
    counts = variant_counts(questions)
    inside = sum(q.in_scope for q in questions)
    parts = ", ".join(f"{v} {n}" for v, n in counts.items())
    outside = len(questions) - inside
    return f"{len(questions)} questions ({inside} in scope, {outside} out of scope): {parts}"


def render(path: Path, questions: Sequence[Question], reports: dict[str, dict],
           wrong: list[dict], limit: int) -> str:
    """The whole printed report."""
    lines = [
        f"Search quality on {path}",
        counts_line(questions),
        "Systems: engine = knowledge.search; wratio = rapidfuzz WRatio over folded titles and "
        f"questions, declines below {WRATIO_THRESHOLD:g}; fts5 = SQLite FTS5 bm25 over folded "
        "title, questions, tags and body, declines when nothing matches.",
        "A hit counts only when the system did not decline.",
        "",
        *metric_table(reports, "Top-1 (first hit is the expected entry):", "top1"),
        "",
        *metric_table(reports, f"Top-{TOP_K} (expected entry among the first {TOP_K}):", "top3"),
        "",
        *decline_table(reports),
        "",
        *target_lines(check_targets(reports["engine"])),
        "",
        *miss_lines(wrong, limit),
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="questions file (TSV)")
    parser.add_argument("--misses", type=int, default=DEFAULT_MISSES,
                        help=f"engine misses to print ({DEFAULT_MISSES})")
    parser.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate the engine and both baselines on the data file and print the figures."""
    args = parse_args(argv)
    questions = load_questions(args.data)
    systems = build_systems(load())
    rankings = {name: run(system, questions) for name, system in systems.items()}
    reports = {name: evaluate(questions, r) for name, r in rankings.items()}
    wrong = misses(questions, rankings["engine"])
    if args.json:
        payload = {
            "data": str(args.data),
            "counts": variant_counts(questions),
            "wratio_threshold": WRATIO_THRESHOLD,
            "systems": reports,
            "targets": check_targets(reports["engine"]),
            "engine_misses": len(wrong),
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(render(args.data, questions, reports, wrong, args.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
