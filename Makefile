# Two commands matter: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/gced-news nightly --archive data/sample-archive

test: $(STAMP)
	$(BIN)/ruff check crawler spiders pipelines tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check crawler spiders pipelines tests bench
	$(BIN)/ruff format --check crawler spiders pipelines
	$(BIN)/mypy crawler spiders pipelines

bench: $(STAMP)
	$(BIN)/python bench/language.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/site.py

clean:
	rm -rf $(VENV) data/news.db* data/site data/state
