# Relais DSI: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= 2
SKIP_BROWSER ?= 0

.PHONY: run test lint format system-deps system-deps-test serve clean-db

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q ".[test]"
	@touch $@ $(VENV)/.installed-run

system-deps:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

## make run: install, migrate SQLite, load the demo company, serve the portal (and its background worker).
run: system-deps $(VENV)/.installed-run
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Relais DSI on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py worker --queue-name default --no-reload >var/worker.log 2>&1 & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

## make test: install what the tests need (Python and Debian packages), lint, run every test.
test: system-deps-test $(VENV)/.installed-test
	$(PY) manage.py compile_translations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# Two workers (pytest-xdist), each with its own test database.
	$(VENV)/bin/pytest --create-db -n $(TEST_WORKERS) -m "not browser" $(PYTEST_ARGS)
	@# Browser journeys run on their own database: live-server tests flush the database they use.
	@# SKIP_BROWSER=1 leaves them out (CI runs them once, on SQLite).
	@if [ "$(SKIP_BROWSER)" != 1 ]; then $(VENV)/bin/pytest --create-db -m browser $(PYTEST_ARGS); fi

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .
