# Two commands do all the set-up: `make test` and `make report`.
# Each creates .venv when it is missing.  torch==2.13.0 is installed before the
# package so that the `torch>=2.2` requirement is already met (a CPU wheel of it
# lies on disk on the project machines; elsewhere it resolves from PyPI).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TORCH := torch==2.13.0

.PHONY: test test-all report verify lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install "$(TORCH)"
	$(BIN)/pip install -e ".[all,dev]"
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

test-all: $(STAMP)
	$(BIN)/python -m pytest -q -m "slow or not slow"

report: $(STAMP)
	$(BIN)/infolens report --out infolens-report --force

verify: $(STAMP)
	$(BIN)/infolens verify

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples

bench: $(STAMP)
	$(BIN)/pip install -e ".[bench]"
	$(BIN)/python benchmarks/estimators.py

clean:
	rm -rf $(VENV) infolens-report
