# Solidarna — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := platform/solidarna/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)

.PHONY: run setup install install-dev translations assets messages test lint format bench clean help

help:
	@echo "make run        set up everything and serve on http://$(HOST):$(PORT) with demo data"
	@echo "make test       run the whole test suite (SQLite; PostgreSQL too with TEST_DATABASE_URL)"
	@echo "make lint       ruff"
	@echo "make bench      generate a large data set and measure key pages, in-process and under gunicorn"
	@echo "make messages   extract strings and update the catalogs"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# The Cyrillic catalog is generated from the Latin one; all catalogs are compiled.
translations: install
	$(BIN)/python -m solidarna.core.catalogs
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -D messages

# Static files under content-hashed names, with gzip and brotli copies, into build/static
# (STATIC_BUILD_DIR), which the app serves through WhiteNoise.
assets: install
	$(FLASK) assets build

setup: translations assets
	$(FLASK) db upgrade
	$(FLASK) demo load

run: setup
	@echo
	@echo "  Solidarna is running at http://$(HOST):$(PORT)/"
	@$(FLASK) demo accounts
	@echo "  Mail is printed to this console (no MAIL_SERVER set). Stop with Ctrl+C."
	@echo "  Background jobs (imports, mail, digests) run in a worker beside the server."
	@echo
	@PUBLIC_BASE_URL=http://$(HOST):$(PORT) $(FLASK) jobs worker --workers 1 & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	PUBLIC_BASE_URL=http://$(HOST):$(PORT) $(FLASK) run --host $(HOST) --port $(PORT) --no-reload

# In parallel with pytest-xdist, one worker per CPU (each with its own database, see
# tests/conftest.py); TEST_WORKERS=0 runs in one process. PYTEST_ARGS="tests/core -x" narrows it.
TEST_WORKERS ?= auto
PYTEST_ARGS ?=
test: install-dev translations assets
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check platform tests bench

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format platform tests bench

# Performance budgets (DESIGN §9). SQLite by default; for PostgreSQL:
#   make bench BENCH_ARGS="--database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench"
# then the same pages under gunicorn beside a bare route, and a write-heavy mix (bench/load.py):
#   make bench BENCH_LOAD_ARGS="--database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench_load"
#   make bench BENCH_LOAD_ARGS=--quick        (about 2 s per page and a 10 s mix, to try it)
BENCH_ARGS ?=
BENCH_DISCUSSIONS_ARGS ?=
BENCH_LOAD_ARGS ?=
bench: install-dev translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/discussions.py $(BENCH_DISCUSSIONS_ARGS)
	$(BIN)/python bench/load.py $(BENCH_LOAD_ARGS)

messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -o $(TRANSLATIONS)/messages.pot --no-wrap --sort-by-file .
	for l in sr_Latn en; do \
	  if [ -f $(TRANSLATIONS)/$$l/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$l --no-wrap --ignore-obsolete; \
	  else $(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$l --no-wrap; fi; \
	done

clean:
	rm -rf $(VENV) instance build/static .pytest_cache .ruff_cache
