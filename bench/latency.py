"""Index build time, search latency and peak memory, on the bundled and a generated knowledge base.

Run `python -m bench.latency`. It prints figures next to their targets and always exits 0.
"""

import argparse
import datetime
import gc
import multiprocessing
import pickle
import random
import re
import resource
import statistics
import string
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import accumulate
from pathlib import Path

from knowledge.loader import BUNDLED, KnowledgeError, check, load
from knowledge.model import Entry, KnowledgeBase, Source
from knowledge.search import Index, search
from knowledge.text import fold

SEED = 20261121
TARGET_P99_BUNDLED_MS = 5.0
TARGET_P99_GENERATED_MS = 30.0
TARGET_BUILD_GENERATED_MS = 3000.0
TARGET_RSS_MB = 150.0
WARMUP_QUERIES = 200

# Shares of the query mix (each applied independently, except out-of-scope).
OUT_OF_SCOPE_SHARE = 0.10
FOLD_SHARE = 0.40
TYPO_SHARE = 0.30
DROP_SHARE = 0.25
FILLER_SHARE = 0.35

# Generated entries: a word is a real n-gram from the bundled texts, or an invented token.
REAL_SHARE = 0.75
INVENTED_SYLLABLES = 4000
INVENTED_ACRONYMS = 24000
INVENTED_LOANWORDS = 8000

FILLER_PREFIXES = (
    "cho em hỏi", "ad ơi", "cho mình hỏi", "xin hỏi", "anh chị ơi cho em hỏi", "bot ơi",
    "em muốn hỏi", "cho tôi hỏi",
)
FILLER_SUFFIXES = ("ạ", "với ạ", "nhé", "vậy ạ", "không ạ", "ad nhé", "thế nào ạ", "cảm ơn ad")
OUT_OF_SCOPE = (
    "thời tiết hà nội ngày mai thế nào",
    "giá vàng hôm nay bao nhiêu một chỉ",
    "cách nấu phở bò ngon tại nhà",
    "tỉ số trận bóng đá tối qua",
    "mua vé máy bay đi đà nẵng ở đâu rẻ",
    "xe máy bị thủng săm thì sửa ở đâu",
    "lãi suất gửi tiết kiệm ngân hàng nào cao nhất",
    "cách đăng ký tài khoản gmail trên điện thoại",
    "bài hát nào đang được nghe nhiều nhất",
    "con mèo nhà em bỏ ăn phải làm sao",
    "công thức làm bánh flan không cần lò nướng",
    "điện thoại bị nóng khi sạc có sao không",
    "tết năm nay được nghỉ mấy ngày",
    "mẹo trồng rau sạch trên sân thượng",
    "ad có người yêu chưa",
)

ONSETS = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)
RIMES = (
    "a", "ai", "am", "an", "ang", "anh", "ao", "au", "ay", "ac", "ach", "at", "ap", "ăn", "ăng",
    "ăm", "ăt", "ăc", "âm", "ân", "âng", "âu", "ây", "ât", "âc", "e", "em", "en", "eng", "eo",
    "et", "ec", "ê", "êm", "ên", "ênh", "êu", "êt", "êch", "i", "im", "in", "inh", "iu", "it",
    "ich", "iêm", "iên", "iêng", "iêu", "iêt", "o", "oi", "om", "on", "ong", "ot", "oc", "oa",
    "oai", "oan", "oang", "oanh", "oat", "ô", "ôi", "ôm", "ôn", "ông", "ôt", "ôc", "ơ", "ơi",
    "ơm", "ơn", "ơt", "u", "ui", "um", "un", "ung", "ut", "uc", "uân", "uât", "uôi", "uôn",
    "uông", "uôt", "uôc", "uy", "uyên", "uyêt", "ư", "ưa", "ưi", "ưng", "ưt", "ưc", "ươi",
    "ươm", "ươn", "ương", "ươu", "ươt", "ươc", "y", "yên", "yêu",
)
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưy"
_MARKED = "ăâêôơư"
_WORD_EDGE = re.compile(r"^\W+|\W+$")


@dataclass(frozen=True)
class Lexicon:
    """Word sources for generated text: real word runs and Zipf-weighted invented tokens."""

    runs: tuple[tuple[str, ...], ...]
    tags: tuple[str, ...]
    invented: tuple[str, ...]
    cumulative: tuple[float, ...]


@dataclass(frozen=True)
class Figures:
    """What was measured on one knowledge base."""

    part: str
    entries: int
    vocabulary: int
    queries: int
    warmup: int
    builds: int
    build_ms: float
    p50_ms: float
    p99_ms: float
    rss_mb: float
    outcomes: dict[str, int]
    base_rss_mb: float = 0.0  # the process before the index: interpreter, libraries, knowledge base
    processes: int = 1  # fresh processes measured, each building once


def load_bundled() -> KnowledgeBase:
    """The bundled knowledge base; if it has errors, the entries that load (with a note)."""
    try:
        return load(BUNDLED)
    except KnowledgeError:
        kb, problems = check(BUNDLED)
        errors = sum(not p.warning for p in problems)
        print(f"note: bundled knowledge has {errors} error(s); measuring the entries that load")
        return kb


def words_of(text: str) -> list[str]:
    """Whitespace words of a text without surrounding punctuation."""
    return [w for w in (_WORD_EDGE.sub("", raw) for raw in text.split()) if w]


def syllable(rng: random.Random) -> str:
    """An invented but well-formed Vietnamese syllable with a tone mark."""
    rime = rng.choice(RIMES)
    vowels = [i for i, ch in enumerate(rime) if ch in _VOWELS]
    marked = [i for i in vowels if rime[i] in _MARKED]
    if marked:
        at = marked[-1]
    elif rime[-1] not in _VOWELS or len(vowels) == 1:
        at = vowels[-1]
    else:
        at = vowels[-2]
    toned = rime[: at + 1] + rng.choice(TONES) + rime[at + 1 :]
    return unicodedata.normalize("NFC", rng.choice(ONSETS) + toned)


def acronym(rng: random.Random) -> str:
    """An invented abbreviation or code, as official texts are full of (BCĐ, TCCB, K12)."""
    letters = "".join(rng.choices("BCDĐGHKLMNPQSTUVX", k=rng.randint(2, 5)))
    return letters + str(rng.randint(1, 99)) if rng.random() < 0.3 else letters


def loanword(rng: random.Random) -> str:
    """An invented multi-syllable foreign word or name (online, zalo, vneid)."""
    pairs = rng.randint(2, 4)
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(pairs))


def build_lexicon(kb: KnowledgeBase, rng: random.Random) -> Lexicon:
    """Real word runs from the bundled entries plus invented tokens with Zipf weights."""
    texts = [t for e in kb.entries for t in (e.title, *e.questions, *e.tags)]
    texts += [line for e in kb.entries for line in re.split(r"[.;:\n]", e.body)]
    runs = tuple(tuple(ws) for ws in map(words_of, texts) if ws)
    tags = tuple({t for e in kb.entries for t in e.tags})
    makers: list[tuple[Callable[[random.Random], str], int]] = [
        (syllable, INVENTED_SYLLABLES),
        (acronym, INVENTED_ACRONYMS),
        (loanword, INVENTED_LOANWORDS),
    ]
    invented = [make(rng) for make, count in makers for _ in range(count)]
    rng.shuffle(invented)
    weights = (1.0 / rank for rank in range(1, len(invented) + 1))
    return Lexicon(runs, tags, tuple(invented), tuple(accumulate(weights)))


def phrase(lexicon: Lexicon, rng: random.Random, size: int) -> list[str]:
    """`size` words recombined from real word runs and invented tokens."""
    out: list[str] = []
    while len(out) < size:
        if rng.random() < REAL_SHARE:
            run = rng.choice(lexicon.runs)
            length = rng.randint(1, 4)
            start = rng.randrange(max(1, len(run) - length + 1))
            out.extend(run[start : start + length])
        else:
            out.extend(rng.choices(lexicon.invented, cum_weights=lexicon.cumulative, k=1))
    return out[:size]


def sentence(words: list[str], end: str) -> str:
    """Words joined as a sentence with a capital letter and an end mark."""
    text = " ".join(words)
    return text[:1].upper() + text[1:] + end


def generated_entry(number: int, kb: KnowledgeBase, lexicon: Lexicon, rng: random.Random) -> Entry:
    """One plausible entry: a title, ~6 questions, tags, a body and cited documents."""
    documents = list(kb.documents.values())
    cited = rng.sample(documents, k=min(len(documents), rng.randint(1, 3)))
    body_size = rng.randint(80, 150)
    body_parts, written = [], 0
    while written < body_size:
        size = min(rng.randint(10, 22), body_size - written)
        body_parts.append(sentence(phrase(lexicon, rng, size), "."))
        written += size
    tags = [rng.choice(lexicon.tags) if rng.random() < 0.5 else " ".join(phrase(lexicon, rng, 2))
            for _ in range(rng.randint(3, 5))]
    return Entry(
        id=f"gen-{number:05d}",
        topic=rng.choice(kb.entries).topic,
        title=sentence(phrase(lexicon, rng, rng.randint(6, 14)), ""),
        questions=tuple(
            sentence(phrase(lexicon, rng, rng.randint(6, 15)), rng.choice(("?", "", " ạ")))
            for _ in range(rng.randint(5, 7))
        ),
        tags=tuple(dict.fromkeys(tags)),
        sources=tuple(Source(d.number, f"Điều {rng.randint(1, 60)}") for d in cited),
        body=" ".join(body_parts),
        updated=datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300)),
        historical=not all(d.is_current for d in cited),
    )


def generate(kb: KnowledgeBase, count: int, seed: int = SEED) -> KnowledgeBase:
    """A knowledge base of `count` entries recombined from the bundled one, reproducibly."""
    rng = random.Random(seed)
    lexicon = build_lexicon(kb, rng)
    entries = tuple(generated_entry(n, kb, lexicon, rng) for n in range(count))
    return replace(kb, entries=entries)


def typo(word: str, rng: random.Random) -> str:
    """The word with one character deleted, doubled, swapped or replaced."""
    if len(word) < 3:
        return word
    i = rng.randrange(len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[: i + 1] + word[i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def mutate(question: str, rng: random.Random) -> str:
    """A question as an official might type it: unaccented, misspelt, shortened, padded."""
    words = question.rstrip("?. ").split()
    if rng.random() < DROP_SHARE and len(words) > 4:
        for _ in range(rng.randint(1, 2)):
            words.pop(rng.randrange(len(words)))
    if rng.random() < TYPO_SHARE:
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(len(words))
            words[i] = typo(words[i], rng)
    text = " ".join(words)
    if rng.random() < FILLER_SHARE:
        text = f"{rng.choice(FILLER_PREFIXES)} {text} {rng.choice(FILLER_SUFFIXES)}"
    if rng.random() < FOLD_SHARE:
        text = fold(text)
    return text if rng.random() < 0.5 else text.lower()


def make_queries(kb: KnowledgeBase, count: int, seed: int = SEED) -> list[str]:
    """A fixed, realistic mix of in-scope phrasings and out-of-scope questions."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        if rng.random() < OUT_OF_SCOPE_SHARE:
            source = rng.choice(OUT_OF_SCOPE)
        else:
            entry = rng.choice(kb.entries)
            source = rng.choice((entry.title, *entry.questions))
        queries.append(mutate(source, rng))
    return queries


def time_builds(kb: KnowledgeBase, repeats: int) -> tuple[float, Index]:
    """Median build time in ms over `repeats` builds, and the last index built."""
    times = []
    index = None
    for _ in range(max(1, repeats)):
        index = None
        gc.collect()
        start = time.perf_counter_ns()
        index = Index(kb)
        times.append((time.perf_counter_ns() - start) / 1e6)
    assert index is not None
    return statistics.median(times), index


def time_searches(
    index: Index, warmup: Sequence[str], queries: Sequence[str]
) -> tuple[list[float], dict[str, int]]:
    """Latency of each query in ms, after a warm-up, and how many got each outcome."""
    for query in warmup:
        search(index, query)
    gc.collect()
    latencies, outcomes = [], {"answer": 0, "suggest": 0, "decline": 0}
    for query in queries:
        start = time.perf_counter_ns()
        result = search(index, query)
        latencies.append((time.perf_counter_ns() - start) / 1e6)
        outcomes[result.outcome] += 1
    return latencies, outcomes


def percentile(values: Sequence[float], p: int) -> float:
    """The p-th percentile (1..99) of at least two values."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def vm_hwm_mb(pid: int | str = "self") -> float | None:
    """A process's peak resident memory from /proc (Linux), in MB; None when it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return int(line.split()[1]) / 1024 if line else None


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB."""
    if (peak := vm_hwm_mb()) is not None:  # ru_maxrss would count the parent's peak in a spawned child
        return peak
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure(
    part: str, kb: KnowledgeBase, builds: int, queries: int, warmup: int, seed: int
) -> Figures:
    """Build the index, time the query mix and read the peak RSS for one knowledge base."""
    gc.collect()
    base_rss = peak_rss_mb()
    build_ms, index = time_builds(kb, builds)
    mix = make_queries(kb, warmup + queries, seed)
    latencies, outcomes = time_searches(index, mix[:warmup], mix[warmup:])
    return Figures(
        part=part, entries=len(kb.entries),
        vocabulary=len(index.analyzer._vocabulary),  # the words typo correction searches
        queries=len(latencies), warmup=warmup, builds=max(1, builds), build_ms=build_ms,
        p50_ms=percentile(latencies, 50), p99_ms=percentile(latencies, 99),
        rss_mb=peak_rss_mb(), outcomes=outcomes, base_rss_mb=base_rss,
    )


def measure_in_fresh_processes(kb: KnowledgeBase, processes: int, *args: int) -> Figures:
    """measure() in new processes, one after another, each holding only this knowledge base as the
    bot would (the generator's own memory must not count in the peak RSS): the median times and the
    highest peak, since one process on a shared machine can be unlucky."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kb.pickle"
        with path.open("wb") as file:
            pickle.dump(kb, file, protocol=pickle.HIGHEST_PROTOCOL)
        context = multiprocessing.get_context("spawn")
        runs = []
        for _ in range(max(1, processes)):
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                runs.append(pool.submit(_measure_pickled, path, *args).result())
    middle = {name: statistics.median(getattr(run, name) for run in runs)
              for name in ("build_ms", "p50_ms", "p99_ms")}
    return replace(runs[0], **middle, processes=len(runs), rss_mb=max(run.rss_mb for run in runs),
                   base_rss_mb=max(run.base_rss_mb for run in runs))


def _measure_pickled(path: Path, *args: int) -> Figures:
    with path.open("rb") as file:
        kb = pickle.load(file)
    return measure("generated", kb, *args)


def verdict(value: float, limit: float) -> str:
    """PASS or FAIL against an upper limit."""
    return "PASS" if value <= limit else "FAIL"


def rows(figures: Figures, p99_limit: float, build_limit: float | None) -> list[tuple[str, ...]]:
    """Table rows for one part: part, metric, value, unit, target, result."""
    name = figures.part
    build_target = ("", "") if build_limit is None else (
        f"<= {build_limit:g} ms", verdict(figures.build_ms, build_limit)
    )
    return [
        (name, "entries", str(figures.entries), "", "", ""),
        (name, "vocabulary", str(figures.vocabulary), "words", "", ""),
        (name, "index build", f"{figures.build_ms:.1f}", "ms", *build_target),
        (name, "search p50", f"{figures.p50_ms:.3f}", "ms", "", ""),
        (name, "search p99", f"{figures.p99_ms:.3f}", "ms", f"<= {p99_limit:g} ms",
         verdict(figures.p99_ms, p99_limit)),
        (name, "RSS before index", f"{figures.base_rss_mb:.1f}", "MB", "", ""),
        (name, "peak RSS", f"{figures.rss_mb:.1f}", "MB", f"<= {TARGET_RSS_MB:g} MB",
         verdict(figures.rss_mb, TARGET_RSS_MB)),
    ]


def print_table(table: list[tuple[str, ...]]) -> None:
    """Print rows as aligned columns under a header."""
    header = ("part", "metric", "value", "unit", "target", "result")
    widths = [max(len(r[i]) for r in (header, *table)) for i in range(len(header))]
    for row in (header, *table):
        cells = [
            cell.rjust(width) if column == 2 else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())


def describe(figures: Figures) -> str:
    """One line saying what was timed and the outcome mix."""
    mix = ", ".join(f"{k} {v}" for k, v in figures.outcomes.items())
    runs = (f"median of {figures.processes} fresh processes, one build each" if figures.processes > 1
            else f"build median of {figures.builds}")
    return (f"{figures.part}: {runs}; {figures.queries} timed queries "
            f"after {figures.warmup} warm-up; outcomes: {mix}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__)
    parser.add_argument("--entries", type=int, default=20000, help="generated entries (20000)")
    parser.add_argument("--queries", type=int, default=2000, help="timed queries, bundled (2000)")
    parser.add_argument("--generated-queries", type=int, default=1000,
                        help="timed queries, generated (1000)")
    parser.add_argument("--builds", type=int, default=5, help="index builds, bundled (5)")
    parser.add_argument("--generated-processes", type=int, default=3,
                        help="fresh processes measuring the generated base, one build each (3)")
    parser.add_argument("--warmup", type=int, default=WARMUP_QUERIES,
                        help=f"untimed warm-up queries per part ({WARMUP_QUERIES})")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Measure both knowledge bases and print the figures against their targets."""
    args = parse_args(argv)
    bundled = load_bundled()
    small = measure("bundled", bundled, args.builds, args.queries, args.warmup, args.seed)
    start = time.perf_counter()
    large_kb = generate(bundled, args.entries, args.seed)
    print(f"generated {args.entries} entries in {time.perf_counter() - start:.1f} s (not timed)")
    large = measure_in_fresh_processes(
        large_kb, args.generated_processes, 1, args.generated_queries, args.warmup, args.seed
    )
    print()
    print_table(rows(small, TARGET_P99_BUNDLED_MS, None)
                + rows(large, TARGET_P99_GENERATED_MS, TARGET_BUILD_GENERATED_MS))
    print()
    print(describe(small))
    print(describe(large))


if __name__ == "__main__":
    main()
