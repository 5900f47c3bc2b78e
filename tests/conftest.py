"""Shared fixtures: the bundled knowledge base, its index, and Services over an in-memory database."""

import os

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as a timedelta, no warning

from bot.config import Config
from bot.db import open_database
from bot.services import Services
from knowledge.loader import load
from knowledge.search import Index


@pytest.fixture(scope="session")
def kb():
    """The bundled knowledge base."""
    return load()


@pytest.fixture(scope="session")
def index(kb):
    """The index over the bundled knowledge base."""
    return Index(kb)


@pytest.fixture
def services(kb, index):
    """Services with the bundled knowledge and a fresh in-memory database."""
    svc = Services(Config(), kb, index, open_database(":memory:"))
    yield svc
    svc.close()
