# One command per task; CI calls these unchanged (.ci/run -> make check, make test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-scenario
DEMO_DB ?= sqlite:///threadline.db

.PHONY: setup demo serve test test-sqlite test-postgres check lint typecheck bench clean lock

$(STAMP): requirements.lock pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	./scripts/build-web.sh
	./scripts/browser.sh
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	THREADLINE_DATABASE_URL=$${THREADLINE_DATABASE_URL:-$(DEMO_DB)} $(BIN)/threadline demo --out $(DEMO_DIR)

serve: $(STAMP)
	THREADLINE_DATABASE_URL=$${THREADLINE_DATABASE_URL:-$(DEMO_DB)} $(BIN)/threadline serve

test: $(STAMP)
	./scripts/test.sh

test-sqlite: $(STAMP)
	THREADLINE_TEST_DATABASES=sqlite ./scripts/test.sh

test-postgres: $(STAMP)
	THREADLINE_TEST_DATABASES=postgresql ./scripts/test.sh

check: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_layers.py tests/test_dependencies.py

lint: check

bench: $(STAMP)
	./scripts/bench.sh

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) threadline.db threadline.db-* $(DEMO_DIR) .mypy_cache .ruff_cache .pytest_cache
