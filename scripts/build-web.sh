#!/usr/bin/env bash
# Install the workbench's front-end libraries from npm (package-lock.json pins them) and copy
# the files the pages load into src/threadline/web/static/vendor (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "npm is needed to build the workbench's front-end libraries (Debian: apt-get install npm)" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
vendor=src/threadline/web/static/vendor
rm -rf "$vendor"
mkdir -p "$vendor"
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/"
cp node_modules/cytoscape/dist/cytoscape.min.js "$vendor/"
echo "front-end libraries copied into $vendor"
