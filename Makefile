# The README's commands. Each target installs what is missing first, so a fresh machine needs nothing by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install demo train test test-unit lint format proto bench-generate bench-features bench-train clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## The main job on the embedded default: generate the demo data, train, register the champion.
demo: install
	$(PY) -m training run --profile demo

train: install
	$(PY) -m training run $(ARGS)

## Every test (unit, integration, browser); browser and PostgreSQL tests skip with their reason when absent.
test: install
	$(PY) -m pytest $(ARGS)

test-unit: install
	$(PY) -m pytest tests/unit $(ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

proto: install
	$(PY) -m scoring_service.codegen

bench-generate: install
	$(PY) bench/generate_real_size.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
