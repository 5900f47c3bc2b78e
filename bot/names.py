"""Finding people by name as organisers type it: without diacritics, in part, with a typo."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.text import fold

LIMIT = 8
CUTOFF = 75  # WRatio of the folded query and name: "nguyen van an" ~ "nguyen van anh"
WINDOW = 8  # keep only names this close to the best: a full name typed finds that person alone
WORD_CUTOFF = 80  # a typed word stands for a name word this close to it ("taam" -> "tam")


@dataclass(frozen=True)
class Named:
    """What the index holds of one active person."""

    code: str
    name: str  # folded
    unit: str


class NameIndex:
    """The active people's folded names, indexed by word, so a query is ranked against few names."""

    def __init__(self, people: Iterable[Named]) -> None:
        self.people = list(people)
        self._by_code = {p.code.upper(): n for n, p in enumerate(self.people)}
        positions: dict[str, list[int]] = {}
        for number, person in enumerate(self.people):
            for word in set(person.name.split()):
                positions.setdefault(word, []).append(number)
        self._words = list(positions)
        self._positions = [np.array(p, np.int32) for p in positions.values()]

    def find(self, query: str, units: Collection[str] | None) -> list[str]:
        """Codes of the people in these units (None: all) whose code is the query or whose name is close."""
        exact = self._by_code.get(query.strip().upper())
        if exact is not None:
            return [self.people[exact].code] if _in(self.people[exact], units) else []
        folded = fold(query)
        candidates = [p for p in map(self.people.__getitem__, self._shortlist(folded)) if _in(p, units)]
        matches = process.extract(
            folded, [p.name for p in candidates], scorer=fuzz.WRatio, processor=None, score_cutoff=CUTOFF,
            limit=LIMIT,
        )  # fmt: skip
        best = matches[0][1] if matches else 0
        return [candidates[n].code for _, score, n in matches if score >= best - WINDOW]

    def _shortlist(self, folded: str) -> list[int]:
        """The people whose names share the most words (or near spellings) with the query."""
        hits = []
        for word in set(folded.split()):
            similar = process.extract(
                word, self._words, scorer=fuzz.ratio, processor=None, score_cutoff=WORD_CUTOFF, limit=None
            )
            if similar:  # a person counts once per typed word, however many of its spellings they have
                hits.append(np.unique(np.concatenate([self._positions[n] for _, _, n in similar])))
        if not hits:
            return []
        counts = np.bincount(np.concatenate(hits), minlength=len(self.people))
        return np.flatnonzero(counts == counts.max()).tolist()


def _in(person: Named, units: Collection[str] | None) -> bool:
    return units is None or person.unit in units
