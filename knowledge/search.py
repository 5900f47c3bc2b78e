"""Search over the knowledge base: a pure function of (index, query) with a confidence and outcome."""

from dataclasses import dataclass
from typing import Literal

from knowledge.analysis import DOC_PREFIX, Terms
from knowledge.index import Features, Index
from knowledge.model import Document, Entry

Outcome = Literal["answer", "suggest", "decline"]

# The confidence is a weighted sum of four measures of a candidate (BM25 relevance; share of the
# question's meaning the entry is about; share of its word pairs found; how much of the nearest
# phrasing the question says), lowered when the question is about a subject no entry covers or
# shares no word pair with the entry, then mixed with whether the entry is about a document the
# user named. Weights were chosen on the whole of bench/data/questions.tsv and checked on random
# halves of it (tuning further on one half made the other worse); a held-out set checks they generalise.
ANSWER_AT, SUGGEST_AT, MARGIN = 0.50, 0.38, 0.06
W_RELEVANCE, W_COVERAGE, W_PAIRS, W_RECALL = 0.3, 0.1, 0.25, 0.35
W_DOCUMENT = 0.25
MAX_SUGGESTIONS = 3
CORRECTED_CREDIT = 0.8  # a word we had to guess counts a little less
BODY_CREDIT = 0.5  # a word only in the body is incidental more often than not
UNCOVERED_FACTOR = 0.5  # per subject the question is about that the knowledge base does not cover
NO_PAIR_FACTOR = 0.7  # when the question shares no word pair with the entry's title, phrasings and tags


@dataclass(frozen=True)
class Hit:
    """An entry and how well it matches the query, from 0 to 1."""

    entry: Entry
    score: float


@dataclass(frozen=True)
class SearchResult:
    """What the search concluded about one query."""

    query: str
    outcome: Outcome
    hits: tuple[Hit, ...]
    documents: tuple[Document, ...]

    @property
    def best(self) -> Hit | None:
        """The top hit, if any."""
        return self.hits[0] if self.hits else None

    @property
    def confidence(self) -> float:
        """The top hit's score, or 0."""
        return self.hits[0].score if self.hits else 0.0


@dataclass(frozen=True)
class _Query:
    """A query's terms with their weights, worked out once and shared by every candidate."""

    terms: Terms
    word_idf: dict[str, float]
    pair_idf: dict[str, float]
    unknown_weight: float
    ceiling: float  # the best BM25 score the query could reach
    successors: frozenset[str]  # document terms of what replaced the documents the query named
    uncovered: tuple[str, ...]  # subjects no entry answers that the query is about ("luong co so")

    @classmethod
    def of(cls, index: Index, terms: Terms, ceiling: float, named: tuple[Document, ...]) -> "_Query":
        """Look up the idf of each word and pair of the terms."""
        word_idf = {w: index.idf(w) for w in set(terms.words)}
        pair_idf = {p: index.idf(p) for p in set(terms.pairs)}
        successors = frozenset(DOC_PREFIX + number for d in named for number in d.replaced_by)
        unknown = index.idf("") * len(set(terms.unknown))
        line = f" {' '.join(terms.words)} "
        uncovered = tuple(topic for topic in index.uncovered if f" {topic} " in line)
        return cls(terms, word_idf, pair_idf, unknown, ceiling or 1.0, successors, uncovered)


def search(index: Index, query: str) -> SearchResult:
    """Rank entries for a query and decide whether to answer, suggest or decline."""
    terms = index.analyzer.analyze(query, correct=True)
    named = tuple(index.kb.documents[t[len(DOC_PREFIX) :]] for t in terms.documents)
    if not terms.words and not terms.documents and not terms.unknown:
        return SearchResult(query, "decline", (), named)
    candidates, ceiling = index.bm25(terms)
    weighed = _Query.of(index, terms, ceiling, named)
    features = index.features([n for n, _ in candidates])
    scored = [(_score(weighed, f, bm25), n) for (n, bm25), f in zip(candidates, features, strict=True)]
    scored.sort(key=lambda pair: pair[0], reverse=True)  # stable: among equal scores, BM25's order
    hits = tuple(Hit(index.kb.entries[n], score) for score, n in scored[:MAX_SUGGESTIONS])
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return SearchResult(query, _outcome(hits[0].score if hits else None, runner_up), hits, named)


def _score(query: _Query, doc: Features, bm25: float) -> float:
    """How well an entry answers the query, from 0 to 1."""
    terms, word_idf = query.terms, query.word_idf
    shared_pairs = sum(w for p, w in query.pair_idf.items() if p in doc.head_pairs)
    # A word pair the entry's phrasings contain counts as a term seen once (BM25 gives it its idf).
    relevance = (bm25 + shared_pairs) / query.ceiling
    coverage = _coverage(query, doc) if word_idf or terms.unknown else 1.0
    pairs_total = sum(query.pair_idf.values())
    pairs = shared_pairs / pairs_total if pairs_total else (1.0 if terms.words else 0.0)
    words = set(word_idf)
    recall = 0.0
    for phrase, phrase_total in doc.phrasings:
        shared = sum(word_idf[w] for w in words & phrase)
        recall = max(recall, shared / phrase_total if phrase_total else 0.0)
    score = (
        W_RELEVANCE * min(relevance * 2, 1.0) + W_COVERAGE * coverage + W_PAIRS * pairs + W_RECALL * recall
    )
    if pairs_total and not shared_pairs:  # not one two-syllable word in common: "cách nấu" vs "cách chức"
        score *= NO_PAIR_FACTOR
    for topic in query.uncovered:
        score *= UNCOVERED_FACTOR ** (1 - _mention_credit(query, doc, topic))
    if terms.documents:  # the user named a document: being about it matters most
        named = set(terms.documents)
        # Citing it, or citing what replaced it (the current rule on the subject), counts half.
        about = 1.0 if named & doc.about else 0.5 if (named | query.successors) & doc.cited else 0.0
        score = (1 - W_DOCUMENT) * score + W_DOCUMENT * about
    return round(score, 4)


def _coverage(query: _Query, doc: Features) -> float:
    """Share of the query's meaning (idf mass) that the entry is about; unknown words count against it."""
    found, total = _meaning(query, doc)
    return found / total if total else 0.0


def _meaning(query: _Query, doc: Features, skip: frozenset[str] = frozenset()) -> tuple[float, float]:
    """The idf mass of the query's words but `skip` that the entry is about, and of all of them."""
    total = found = 0.0
    for word, weight in query.word_idf.items():
        if word in skip:
            continue
        total += weight
        credit = 1.0 if word in doc.head else BODY_CREDIT if word in doc.body else 0.0
        found += weight * credit * (CORRECTED_CREDIT if word in query.terms.corrected else 1.0)
    return found, total + query.unknown_weight


def _mention_credit(query: _Query, doc: Features, topic: str) -> float:
    """How far an entry escapes the penalty for an uncovered subject: not at all unless its title,
    phrasings or tags name the subject, and then as far as it covers the rest of the question. An entry
    on planning that mentions the retirement age does not tell anyone's retirement age."""
    if f" {topic} " not in doc.text:
        return 0.0
    words = frozenset(topic.split())
    found, total = _meaning(query, doc, words)
    # A rest of a few common words ("công chức") does not make the question one the entry answers.
    total = max(total, sum(query.word_idf.get(word, 0.0) for word in words))
    return found / total if total else 1.0


def _outcome(best: float | None, runner_up: float) -> Outcome:
    if best is None or best < SUGGEST_AT:
        return "decline"
    if best >= ANSWER_AT and best - runner_up >= MARGIN:
        return "answer"
    return "suggest"
