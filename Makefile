# Balai: `make run` sets everything up and serves the API with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export FLASK_APP := wsgi.py

.PHONY: run setup serve worker test lint format migrate areas seed openapi messages lock bench bench-tools clean

# Installs come from the lock files: every transitive version pinned, every file checked against its hash.
# requirements.txt / requirements-dev.txt are the top-level inputs; `make lock` regenerates the locks from them.
$(VENV)/.runtime: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

PIP_TOOLS_VERSION := 7.5.3
LOCK_VENV := .venv-lock
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

## lock: after editing requirements*.txt (or a merge that did), re-pin everything with hashes (pip-tools, own venv)
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/python -m pip install --quiet pip-tools==$(PIP_TOOLS_VERSION))
	$(LOCK_VENV)/bin/pip-compile $(LOCK_FLAGS) --output-file requirements.lock requirements.txt
	$(LOCK_VENV)/bin/pip-compile $(LOCK_FLAGS) --output-file requirements-dev.lock requirements-dev.txt

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

## test: the whole suite on every core (SQLite by default; TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL)
# One pytest-xdist worker per core (TEST_WORKERS=1 for one process); each worker has its own database.
TEST_WORKERS ?= auto
test: $(VENV)/.dev
	$(BIN)/pytest -n $(TEST_WORKERS)

## openapi: rewrite docs/openapi.json, the document the mobile clients are generated from (a test fails when stale)
openapi: $(VENV)/.runtime
	PYTHONUTF8=1 $(BIN)/flask openapi write docs/openapi.json

## messages: add new msgids to app/translations/{id,en} (English filled in, Indonesian left for a translator);
## the catalogs are compiled in memory at first use, so there is no .mo to build
messages: $(VENV)/.runtime
	PYTHONPATH=. $(BIN)/python -m app.core.i18n_extract

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
	rm -rf $(VENV) $(LOCK_VENV) instance/*.sqlite3* .pytest_cache .hypothesis
