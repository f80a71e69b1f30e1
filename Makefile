# Balai: `make run` sets everything up and serves the API with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export FLASK_APP := wsgi.py

.PHONY: run setup serve worker test lint format migrate areas seed openapi bench bench-tools clean

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## run: install, migrate, load areas, seed demo accounts, serve on http://$(HOST):$(PORT) with a job worker
run: setup serve

setup: $(VENV)/.runtime migrate areas seed

migrate: $(VENV)/.runtime
	$(BIN)/alembic upgrade head

areas: $(VENV)/.runtime
	$(BIN)/flask areas load

seed: $(VENV)/.runtime
	$(BIN)/flask seed-demo

# The job worker (push notifications, periodic jobs) runs in the background and stops with the server.
serve: $(VENV)/.runtime
	@echo "Balai API on http://$(HOST):$(PORT)/api/v1/docs (with a job worker; pushes go to the log until Firebase is configured)"
	@$(BIN)/flask jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## worker: only the job worker (`flask jobs worker`; on Redis, start as many as you like)
worker: $(VENV)/.runtime
	$(BIN)/flask jobs worker

## test: the whole suite (SQLite by default; TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL)
test: $(VENV)/.dev
	$(BIN)/pytest

## openapi: rewrite docs/openapi.json, the document the mobile clients are generated from (a test fails when stale)
openapi: $(VENV)/.runtime
	PYTHONUTF8=1 $(BIN)/flask openapi write docs/openapi.json

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.dev
	$(BIN)/python -m bench.run_all

bench-tools:
	command -v wrk >/dev/null || sudo -n apt-get install -y wrk || apt-get install -y wrk

clean:
	rm -rf $(VENV) instance/*.sqlite3* .pytest_cache .hypothesis
