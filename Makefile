# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST_PORT ?= 127.0.0.1:8000

.PHONY: run test install install-dev migrate seed lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

migrate: install
	$(BIN)/python manage.py migrate --noinput

## Install, migrate, load demo data into an empty database, print the logins, then serve the
## portal and run one task worker (ILR exports...) beside it: the database queue's db_worker,
## or RQ's rqworker when REDIS_URL is set. Ctrl+C stops both; so does the server stopping on
## its own (the trap stops the worker and, with autoreload or RQ's fork, its child).
WORKER_COMMAND = $(if $(REDIS_URL),rqworker default,db_worker)
run: migrate
	$(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "Serving the portal on http://$(HOST_PORT)/ with one task worker, $(WORKER_COMMAND) (Ctrl+C stops both)"
	@$(BIN)/python manage.py $(WORKER_COMMAND) & worker=$$!; \
	trap 'pkill -TERM -P $$worker 2>/dev/null; kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver $(HOST_PORT)

## Install the dev dependencies and run every test (browser tests too, when Chromium is here),
## spread over one pytest-xdist worker per CPU; PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
test: install-dev lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## Python lint and formatting, the layering contracts of DESIGN section 3 (pyproject.toml's
## [tool.importlinter]: a circle or an import against the layers fails) and the template lint.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/djlint templates --lint

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Seed LEARNERS learners (default 100,000) if the database has no users, then print one table of
## Users page, profile and CSV export timings (use with DATABASE_URL=postgres://...; BENCH_ARGS
## passes options such as --explain or --runs 3); then export 10,000 learners' ILRs and print the
## time, queries and file size; then import and export 10,000 learners through the task queue
## with one and two workers (bench/task_queue.py); then the load table (bench/load.py: gunicorn on
## a loopback port, 8 clients; LOAD_ARGS="--seconds 4").
LEARNERS ?= 100000
BENCH_ARGS ?=
bench: migrate
	$(BIN)/python bench/search.py --learners $(LEARNERS) $(BENCH_ARGS)
	$(BIN)/python bench/ilr_export.py
	$(BIN)/python bench/task_queue.py
	$(BIN)/python bench/odata.py
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
