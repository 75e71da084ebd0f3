# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

N ?= 10
LOAD ?= 0
LOADED_RUNS ?= $(N)

.PHONY: demo test test-repeat lint typecheck contracts pytest screenshots translations bench bench-portal clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/c2t-wizard --sandbox

test: lint typecheck contracts pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The whole pytest suite N times in a row, with LOAD busy-looping processes during the first LOADED_RUNS
# runs; prints the pass count (a flaky test shows up here). E.g. make test-repeat N=10 LOAD=2 LOADED_RUNS=5
test-repeat: $(STAMP)
	$(BIN)/python scripts/repeat_tests.py -n $(N) --load $(LOAD) --loaded-runs $(LOADED_RUNS)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py docs/screenshots

translations: $(STAMP)
	$(BIN)/python scripts/translations.py

# Every performance figure against its baseline measured in the same run: one table, written to
# benchmarks/latest.json (~20 min on 2 cores). QUICK=1: one round of smaller sizes (~3 min; not for the README).
QUICK ?=
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py $(if $(QUICK),--quick --out benchmarks/quick.json)

# 500 portal invitations at 150 ms latency: 8 in flight against one at a time (budget >= 6x).
bench-portal: $(STAMP)
	$(BIN)/python benchmarks/portal_invites.py --repeat 3

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache
