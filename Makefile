# The README's commands. Each target installs what is missing first, so a fresh machine needs nothing by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install demo train test test-compose test-unit lint long-functions format proto clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## The main job on the embedded default: generate the demo data, train, register the champion, serve (Ctrl-C stops).
demo: install
	$(PY) -m demo $(ARGS)

train: install
	$(PY) -m training run $(ARGS)

## Every test (unit, integration, browser); browser and PostgreSQL tests skip with their reason when absent.
## On every core (pytest-xdist): a test file stays on one worker, the browser tests share one. TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(ARGS)

## The operators' path: build the images, start the compose stack with podman, use it, restart it (minutes).
test-compose: install
	$(PY) -m pytest -m compose tests/e2e/test_compose_stack.py $(ARGS)

test-unit: install
	$(PY) -m pytest tests/unit $(ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## Functions over 60 lines in the project's own code (generated code and benchmarks aside); exit 1 when there is one.
long-functions: install
	$(PY) scripts/long_functions.py

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

proto: install
	$(PY) -m scoring_service.codegen

## Benchmarks (figures recorded in docs/benchmarks.md): `make bench-NAME` runs the script the table names, with $(ARGS).
BENCH_generate := generate_real_size
BENCH_features := features_real_size
BENCH_demo := demo_profile
BENCH_score := load_score
BENCH_dashboard := dashboard_latency
BENCH_drift := drift_report

bench-%: install
	@test -n "$(BENCH_$*)" || { echo "no benchmark named $*; one of: generate features demo score dashboard drift"; exit 2; }
	$(PY) bench/$(BENCH_$*).py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
