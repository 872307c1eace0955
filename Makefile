# Two commands matter: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# Run the nightly job over the bundled sample archive; prints where the site is and how to
# serve it (search needs http). Two of its pages fail on purpose (HTTP 404 and 500): nightly
# then exits 4, "done, but some pages failed (kept to retry)", which is the demo's expected end.
demo: $(VENV)/.installed
	$(BIN)/gced-news nightly --archive data/sample-archive || [ $$? -eq 4 ]
	@echo "serve it (search needs http): $(BIN)/gced-news serve  (then open http://127.0.0.1:8000/)"

# Lint and types, then every test (browser tests need Debian's chromium: .ci/run installs it).
test: $(VENV)/.installed-test
	$(BIN)/ruff check crawler spiders pipelines tests bench
	$(BIN)/mypy crawler spiders pipelines
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check crawler spiders pipelines tests bench
	$(BIN)/ruff format --check crawler spiders pipelines
	$(BIN)/mypy crawler spiders pipelines

bench: $(VENV)/.installed-test
	$(BIN)/python bench/language.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/site.py --sizes 1000,10000
	$(BIN)/python bench/replay.py
	$(BIN)/python bench/crawl.py   # 10,000 stories: several minutes
	-$(BIN)/python bench/realpages.py   # needs GCED_REALPAGES (it says how to get the pages)

# The interface strings: extract what the code and templates mark (babel.cfg says where) into
# the .pot, then merge it into each language's .po: a new string comes in untranslated, a
# changed one fuzzy, and the build refuses both until a translator has dealt with them.
LOCALES := site_templates/locale
messages: $(VENV)/.installed
	$(BIN)/pybabel --quiet extract -F babel.cfg --add-comments=Translators: --strip-comments \
		--sort-by-file --project=gced-news --version=0.1 --copyright-holder="the gced-news authors" \
		--msgid-bugs-address=https://github.com/gced-news/gced-news/issues \
		-o $(LOCALES)/messages.pot .
	$(BIN)/pybabel --quiet update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages \
		--ignore-pot-creation-date

clean:
	rm -rf $(VENV) data/news.db* data/site data/state data/archive
