"""Finding people by name the way organisers type it."""

import pytest

from bot.names import Named, NameIndex
from knowledge.text import fold

PEOPLE = [
    ("X01", "Nguyễn Thị Thu Hà", "XA1"),
    ("X02", "Nguyễn Thị Hải", "XA1"),
    ("X03", "Trần Văn Tâm", "XA1"),
    ("X04", "Nguyễn Văn Tâm", "XA2"),
    ("X05", "Lê Thị Minh Phương", "XA2"),
]


@pytest.fixture(scope="module")
def names() -> NameIndex:
    return NameIndex(Named(code, fold(name), unit) for code, name, unit in PEOPLE)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Nguyễn Thị Thu Hà", ["X01"]),  # a full name finds that person alone
        ("nguyen thi thu ha", ["X01"]),
        ("nguyen thi thu haa", ["X01"]),  # a typo
        ("tran van taam", ["X03"]),
        ("phuong", ["X05"]),  # the given name alone
        ("x04", ["X04"]),  # a code, any case
    ],
)
def test_typed_names_find_the_person(names, query, expected):
    assert names.find(query, None) == expected


def test_a_shared_name_gives_everyone_who_has_it(names):
    assert set(names.find("tam", None)) == {"X03", "X04"}
    assert set(names.find("nguyen", None)) == {"X01", "X02", "X04"}


def test_only_people_of_the_given_units_are_found(names):
    assert names.find("tam", {"XA1"}) == ["X03"]
    assert names.find("X04", {"XA1"}) == []
    assert names.find("phuong", {"XA1"}) == []


@pytest.mark.parametrize("query", ["", "   ", "zzzz qqqq", "💥", "'; DROP TABLE staff; --"])
def test_nonsense_finds_nobody(names, query):
    assert names.find(query, None) == []
