# `make demo` and `make test` are all a fresh machine needs (Python >= 3.11 and make).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test lint bench clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/python -m bot demo

test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: $(INSTALLED)
	$(BIN)/python -m bench.quality
	$(BIN)/python -m bench.latency
	$(BIN)/python -m bench.registry
	$(BIN)/python -m bench.reminders

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache var
