#!/usr/bin/env bash
# Make sure the local PostgreSQL server answers; start it if it is down.
# Under CI (CI=true) a server that cannot be reached is a failure, said loudly.
set -u
host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}
ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }
ready && exit 0
echo "PostgreSQL is not answering on $host:$port; starting it..." >&2
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>&1 || true
  done
fi
for _ in $(seq 1 30); do ready && { echo "PostgreSQL is up." >&2; exit 0; }; sleep 1; done
echo "ERROR: PostgreSQL could not be started on $host:$port; the storage tests need it." >&2
echo "       Start it, or run only the SQLite tests: THREADLINE_TEST_DATABASES=sqlite make test" >&2
exit 1
