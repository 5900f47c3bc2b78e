"""Legal figures as the official texts state them, and the check that an answer states no other."""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from knowledge.model import Entry

UNITS = ("tiết", "tuần", "tháng", "năm", "ngày", "tuổi", "lần", "điểm", "%")
_FIGURE = re.compile(r"(?<![\d/.,])(\d+(?:,\d+)?)\s*(" + "|".join(UNITS) + r")(?!\w)")


@dataclass(frozen=True)
class Figures:
    """The figures one article states: (number, unit) pairs, numbers as written without leading zeros."""

    document: str
    article: str
    values: frozenset[tuple[str, str]]

    def covers(self, document: str, article: str) -> bool:
        """True for the same article, or one of its parts, or the article this part belongs to."""
        if document != self.document:
            return False
        shorter, longer = sorted((article, self.article), key=len)
        return longer == shorter or longer.startswith(shorter + " ")


def figures_in(text: str) -> list[tuple[str, str]]:
    """The (number, unit) pairs a text states: "01 tuần" -> ("1", "tuần"), "1,5%" -> ("1,5", "%")."""
    return [(number.lstrip("0") or "0", unit) for number, unit in _FIGURE.findall(text)]


def load_figures(path: Path) -> list[Figures]:
    """The recorded figures; a missing file records none."""
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Figures(item["document"], item["article"], frozenset(figures_in(" ".join(item["values"]))))
        for item in data.get("figure", [])
    ]


def unrecorded(entry: Entry, recorded: list[Figures]) -> list[str]:
    """Figures the answer states in a unit its cited articles record, that none of them records."""
    cited = [f for f in recorded for s in entry.sources if f.covers(s.document, s.article)]
    allowed = {value for f in cited for value in f.values}
    units = {unit for _, unit in allowed}
    stated = dict.fromkeys(figures_in(entry.body))
    return [f"{n} {u}" for n, u in stated if u in units and (n, u) not in allowed]
