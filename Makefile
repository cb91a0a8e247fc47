# The two commands: `make run` (portal with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-sqlite test-postgres lint format typecheck messages clean screenshot bench

install: $(VENV)/.installed node_modules/.installed var/.prepared

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Rathaus needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Translations compiled and static files collected whenever their sources change.
var/.prepared: $(VENV)/.installed node_modules/.installed $(shell find src/rathaus -name '*.po' -o -name '*.css' -o -name '*.js' 2>/dev/null)
	$(BIN)/rathaus compilemessages_py --verbosity 0
	$(BIN)/rathaus collectstatic --noinput --verbosity 0
	touch $@

run: install
	$(BIN)/rathaus migrate --noinput
	$(BIN)/rathaus demo
	$(BIN)/rathaus serve --host $(HOST) --port $(PORT)

# The whole suite, in parallel on every core (pytest-xdist); PYTEST_ARGS adds options.
test: install
	scripts/ensure-chromium
	$(BIN)/pytest $(PYTEST_ARGS)

# The running API against its own OpenAPI spec (schemathesis), on a fresh SQLite database with the demo.
# SCHEMATHESIS_MAX_EXAMPLES (default 30) bounds the cases per operation; SCHEMATHESIS_SEED repeats a run.
.PHONY: api-check
api-check: install
	$(BIN)/python scripts/schemathesis

lint: install
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python scripts/app-cycles
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

messages: install
	cd src/rathaus && ../../$(BIN)/rathaus makemessages --locale en --no-obsolete --no-location --ignore 'tests/*'

screenshot: install
	$(BIN)/python scripts/screenshot.py

bench: install
	$(BIN)/python benchmarks/search.py

clean:
	rm -rf $(VENV) node_modules var

.PHONY: bench-routing
# pgRouting part (optional, skipped with a message without it): apt-get install postgresql-15-pgrouting;
# BENCH_ROUTING_DATABASE_URL (default postgres://root@127.0.0.1:5432/rathaus_bench_routing) is dropped and
# created afresh, so its name must contain "bench".
bench-routing: install
	$(BIN)/python benchmarks/routing.py

.PHONY: bench-schoolroute
# SQLite in a temporary directory: the parents' page, the API, the eligibility map and the batch check.
bench-schoolroute: install
	$(BIN)/python benchmarks/schoolroute.py

.PHONY: bench-cases
# Needs PostgreSQL: BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/rathaus_bench) is dropped and
# created afresh, so its name must contain "bench".
bench-cases: install
	$(BIN)/python benchmarks/cases.py

.PHONY: bench-trade
# SQLite in a temporary folder, then PostgreSQL: BENCH_TRADE_DATABASE_URL (default
# postgres://root@127.0.0.1:5432/rathaus_bench_trade) is dropped and created afresh, so its name must contain "bench".
bench-trade: install
	$(BIN)/python benchmarks/trade.py
	$(BIN)/python benchmarks/trade.py --database-url "$${BENCH_TRADE_DATABASE_URL:-postgres://root@127.0.0.1:5432/rathaus_bench_trade}"
