#!/usr/bin/env bash
# Installs everything gradwidget needs, on a fresh Debian machine or a developer's:
# system packages (Chromium for the browser tests, Graphviz for draw_dot rendering), the
# npm build and test tools, and the package itself with its test and benchmark extras.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium graphviz fonts-dejavu-core >/dev/null
  command -v npm >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
elif ! command -v chromium >/dev/null 2>&1; then
  echo "note: install Chromium (Debian: apt-get install chromium) for the browser tests" >&2
fi

# npm ci installs exactly the committed lock (it includes every platform's optional
# packages, so a fresh clone stays clean).
npm ci --no-audit --no-fund --loglevel=error
npm run build

python -m pip install -q --disable-pip-version-check torch==2.13.0
python -m pip install -q --disable-pip-version-check -e ".[test,bench,dev]"
echo "gradwidget is set up."
