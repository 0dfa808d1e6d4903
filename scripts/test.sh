#!/usr/bin/env bash
# The whole test suite, on SQLite and on PostgreSQL (THREADLINE_TEST_DATABASES to narrow it).
set -euo pipefail
cd "$(dirname "$0")/.."
export THREADLINE_TEST_DATABASES=${THREADLINE_TEST_DATABASES:-sqlite,postgresql}
if [ "${CI:-}" = "true" ] && [ "$THREADLINE_TEST_DATABASES" != "sqlite,postgresql" ]; then
  echo "ERROR: under CI the tests run on both SQLite and PostgreSQL" >&2
  exit 1
fi
case "$THREADLINE_TEST_DATABASES" in
  *postgresql*) scripts/ensure-postgres.sh ;;
esac
echo "Testing on: $THREADLINE_TEST_DATABASES"
# One worker per core (pytest-xdist, stealing work so that neither idles while the other ends a
# long queue); each worker has its own PostgreSQL database. The 30 slowest tests are listed at
# the end, to keep the whole run under its 15-minute budget.
exec .venv/bin/python -m pytest -n auto --dist worksteal --durations=30 "$@"
