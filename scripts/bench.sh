#!/usr/bin/env bash
# Run every benchmark in benchmarks/ and print its figures (each script prints its own table).
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
scripts=(benchmarks/bench_*.py)
if [ ${#scripts[@]} -eq 0 ]; then echo "No benchmarks yet."; exit 0; fi
for script in "${scripts[@]}"; do
  echo "== $script"
  .venv/bin/python "$script"
done
