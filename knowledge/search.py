"""Search over the knowledge base: a pure function of (index, query) with a confidence and outcome."""

import math
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from knowledge.analysis import DOC_PREFIX, Analyzer, Terms
from knowledge.model import Document, Entry, KnowledgeBase

Outcome = Literal["answer", "suggest", "decline"]

# Field weights: a question phrasing says what an entry answers better than its body does.
TITLE_WEIGHT, QUESTION_WEIGHT, TAG_WEIGHT, BODY_WEIGHT, DOC_WEIGHT = 2.0, 1.0, 1.5, 0.3, 1.5
K1, B = 1.2, 0.5
CANDIDATES = 20
ANSWER_AT, SUGGEST_AT, MARGIN = 0.50, 0.34, 0.06
W_RELEVANCE, W_COVERAGE, W_PAIRS, W_PHRASING, W_RECALL = 0.1, 0.1, 0.3, 0.1, 0.4
W_DOCUMENT = 0.4
MAX_SUGGESTIONS = 3
CORRECTED_CREDIT = 0.8  # a word we had to guess counts a little less
BODY_CREDIT = 0.5  # a word only in the body is incidental more often than not


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


@dataclass
class _Doc:
    entry: Entry
    weights: Counter
    length: float
    head: frozenset[str]  # words of the title, phrasings and tags: what the entry is about
    body: frozenset[str]
    head_pairs: frozenset[str]
    about: frozenset[str]  # document terms of the entry's first source: the document it is about
    phrasings: tuple[frozenset[str], ...]


class Index:
    """An inverted index over entries with BM25 weights, built once per knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.analyzer = Analyzer(kb.documents, kb.synonyms, kb.fillers, kb.trailing)
        self._docs = [self._document(entry) for entry in kb.entries]
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for number, doc in enumerate(self._docs):
            for term, weight in doc.weights.items():
                self._postings.setdefault(term, []).append((number, weight))
        total = len(self._docs) or 1
        self._idf = {
            term: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for term, p in self._postings.items()
        }
        self._unknown_idf = math.log(1 + (total + 0.5) / 0.5) * 0.6
        self._average_length = sum(d.length for d in self._docs) / total or 1.0
        counts = Counter(w for d in self._docs for w in d.head | d.body)
        pairs = frozenset(t for t in self._postings if " " in t)
        self.analyzer.set_vocabulary(dict(counts), pairs)

    def _document(self, entry: Entry) -> _Doc:
        weights: Counter = Counter()
        fields = [(entry.title, TITLE_WEIGHT), *((q, QUESTION_WEIGHT) for q in entry.questions)]
        fields += [(tag, TAG_WEIGHT) for tag in entry.tags] + [(entry.body, BODY_WEIGHT)]
        phrasings = []
        head: set[str] = set()
        body: set[str] = set()
        head_pairs: set[str] = set()
        for text, weight in fields:
            terms = self.analyzer.analyze(text)
            for term in (*terms.words, *terms.pairs, *terms.documents):
                weights[term] += weight
            (body if weight == BODY_WEIGHT else head).update(terms.words)
            if weight != BODY_WEIGHT:
                head_pairs.update(terms.pairs)
            if weight in (TITLE_WEIGHT, QUESTION_WEIGHT):
                phrasings.append(frozenset(terms.words))
        for source in entry.sources:
            weights[DOC_PREFIX + source.document] += DOC_WEIGHT
        about = frozenset(DOC_PREFIX + s.document for s in entry.sources[:1])
        return _Doc(
            entry,
            weights,
            sum(weights.values()),
            frozenset(head),
            frozenset(body),
            frozenset(head_pairs),
            about,
            tuple(phrasings),
        )

    def idf(self, term: str) -> float:
        """Inverse document frequency; words never seen weigh like rare ones."""
        return self._idf.get(term, self._unknown_idf)


def search(index: Index, query: str) -> SearchResult:
    """Rank entries for a query and decide whether to answer, suggest or decline."""
    terms = index.analyzer.analyze(query, correct=True)
    named = tuple(index.kb.documents[t[len(DOC_PREFIX) :]] for t in terms.documents)
    if not terms.words and not terms.documents and not terms.unknown:
        return SearchResult(query, "decline", (), named)
    scored = _bm25(index, terms)
    top = sorted(scored, key=scored.get, reverse=True)[:CANDIDATES]
    ceiling = _ceiling(index, terms)
    hits = sorted(
        (Hit(index._docs[n].entry, _score(index, terms, n, scored[n] / ceiling)) for n in top),
        key=lambda h: h.score,
        reverse=True,
    )
    return SearchResult(query, _outcome(hits), tuple(hits[:MAX_SUGGESTIONS]), named)


def _bm25(index: Index, terms: Terms) -> dict[int, float]:
    scores: dict[int, float] = {}
    for term in (*terms.words, *terms.pairs, *terms.documents):
        idf = index.idf(term)
        for number, tf in index._postings.get(term, ()):
            norm = 1 - B + B * index._docs[number].length / index._average_length
            scores[number] = scores.get(number, 0.0) + idf * tf * (K1 + 1) / (tf + K1 * norm)
    return scores


def _ceiling(index: Index, terms: Terms) -> float:
    """A query's best reachable BM25 score, so scores compare across queries."""
    total = sum(index.idf(t) * (K1 + 1) for t in (*terms.words, *terms.pairs, *terms.documents))
    return total or 1.0


def _score(index: Index, terms: Terms, number: int, relevance: float) -> float:
    doc = index._docs[number]
    words = set(terms.words)
    coverage = _coverage(index, terms, doc) if words or terms.unknown else 1.0
    pairs = _pair_coverage(index, terms, doc)
    phrasing = max((_jaccard(index, words, p) for p in doc.phrasings), default=0.0)
    recall = max((_recall(index, words, p) for p in doc.phrasings), default=0.0)
    score = (
        W_RELEVANCE * min(relevance * 2, 1.0) + W_COVERAGE * coverage + W_PAIRS * pairs
        + W_PHRASING * phrasing + W_RECALL * recall
    )  # fmt: skip
    if terms.documents:  # the user named a document: being about it matters most
        named = set(terms.documents)
        about = 1.0 if named & doc.about else 0.5 if named & set(doc.weights) else 0.0
        score = (1 - W_DOCUMENT) * score + W_DOCUMENT * about
    return round(score, 4)


def _pair_coverage(index: Index, terms: Terms, doc: _Doc) -> float:
    """Share of the query's word pairs that the entry's phrasings also contain; 1 without pairs."""
    if not terms.pairs:
        return 1.0 if terms.words else 0.0
    total = sum(index.idf(p) for p in set(terms.pairs))
    return sum(index.idf(p) for p in set(terms.pairs) if p in doc.head_pairs) / total


def _coverage(index: Index, terms: Terms, doc: _Doc) -> float:
    """Share of the query's meaning (idf mass) that the entry is about; unknown words count against it."""
    total = found = 0.0
    for word in set(terms.words):
        weight = index.idf(word)
        total += weight
        credit = 1.0 if word in doc.head else BODY_CREDIT if word in doc.body else 0.0
        found += weight * credit * (CORRECTED_CREDIT if word in terms.corrected else 1.0)
    total += index.idf("") * len(set(terms.unknown))
    return found / total if total else 0.0


def _jaccard(index: Index, query: set[str], phrasing: frozenset[str]) -> float:
    union = query | phrasing
    if not union:
        return 0.0
    return sum(index.idf(w) for w in query & phrasing) / sum(index.idf(w) for w in union)


def _recall(index: Index, query: set[str], phrasing: frozenset[str]) -> float:
    """How much of a phrasing's meaning the query contains; extra words in the query do not count."""
    total = sum(index.idf(w) for w in phrasing)
    return sum(index.idf(w) for w in query & phrasing) / total if total else 0.0


def _outcome(hits: list[Hit]) -> Outcome:
    if not hits or hits[0].score < SUGGEST_AT:
        return "decline"
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if hits[0].score >= ANSWER_AT and hits[0].score - runner_up >= MARGIN:
        return "answer"
    return "suggest"
