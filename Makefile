# The few commands people type. `make run` and `make test` set everything up
# first and are safe to run again.
SHELL := /bin/bash
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test test-another-day test-fast lint format typecheck bench bench-national bench-throughput mutate accounts clean

setup: $(VENV)/.synced static/dist/.built

$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv sync --frozen --quiet --python $(BIN)/python
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/dist/.built: node_modules/.installed scripts/build-assets.mjs $(wildcard static/scss/*.scss)
	node scripts/build-assets.mjs
	@touch $@

# Serve Assure on http://127.0.0.1:$(PORT) (8000 unless PORT is set) with the past
# reports loaded (SQLite), and the worker that builds annual reports.
run: setup
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_past_reports
	DEBUG=1 $(BIN)/python manage.py fill_reporting_years
	DEBUG=1 $(BIN)/python manage.py make_demonstration_board
	DEBUG=1 $(BIN)/python manage.py create_local_accounts
	@# The background worker (annual report builds) runs beside the server and stops with it.
	DEBUG=1 $(BIN)/python manage.py db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Every test, unit and browser, on the database DATABASE_URL names (SQLite by default).
test: setup
	$(BIN)/pytest -n 2 --dist loadgroup

# The non-browser tests once more with the clock moved to another day (by default
# 1 April 2027, the first day of a reporting year): no test may depend on the day
# the suite runs. DAY=2027-03-31 make test-another-day tries another.
test-another-day: setup
	ASSURE_TEST_CLOCK=$(or $(DAY),2027-04-01) $(BIN)/pytest -n 2 --dist loadgroup -m "not browser"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: setup
	$(BIN)/mypy config core board outbox people priorities indicators reviews audits training reports

bench: setup
	$(BIN)/python bench/run.py

# Issue 21: 150 boards on PostgreSQL (a fill of several minutes; ARGS=--keep
# measures the database the last run filled), and gunicorn under load.
bench-national: setup
	$(BIN)/python bench/national.py $(ARGS)

bench-throughput: setup
	$(BIN)/python bench/throughput.py $(ARGS)

# Mutation testing of the services, selectors and rules (slow; not in CI).
# MODULE=board/selectors.py narrows it to one module.
mutate: setup
	$(BIN)/python scripts/mutate.py $(if $(MODULE),--module $(MODULE))

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles
