#!/usr/bin/env bash
# The browser the workbench's tests drive: Debian's chromium at /usr/bin/chromium, installed
# here when missing and when this runs as root (a CI machine); otherwise say how to install it.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null; }
  exit 0
fi
echo "the browser tests need Debian's chromium: sudo apt-get install chromium" >&2
if [ "${CI:-}" = "true" ]; then exit 1; fi
