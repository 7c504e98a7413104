# Every target sets up what it needs first, so a newcomer needs only
# `make run` (the dashboard) or `make test` (the whole suite).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.borderwatch-installed

.PHONY: setup run test test-fast lint bench bench-app screenshot geodata db clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,postgres]"
	touch $(STAMP)

setup: $(STAMP)

db: setup
	$(BIN)/borderwatch db upgrade

run: db
	$(BIN)/borderwatch app

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

# The inner loop: everything but the slow and browser tests (CI runs them all via `make test`).
test-fast: setup
	$(BIN)/pytest -m "not slow and not browser"

bench: setup
	$(BIN)/python bench/geocode_bench.py

# The dashboard at 100,000 synthetic incidents against the naive one-marker-per-incident
# page, server side and in Chromium (BENCH_ARGS="--incidents 1000000 --skip-naive" etc.).
bench-app: setup
	$(BIN)/python bench/app_bench.py --browser $(BENCH_ARGS)

# The README's pictures (docs/): map, a clicked incident and the timeline at 1280x720 and
# 1920x1080, from a first run on the bundled sample, in offline Chromium.
screenshot: setup
	$(BIN)/python bench/app_screenshot.py

geodata: setup
	$(BIN)/borderwatch geodata build

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
