#!/usr/bin/env bash
# Opens the main demo notebook in JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)
exec jupyter lab "${extra[@]}" notebooks/02_diamond.ipynb
