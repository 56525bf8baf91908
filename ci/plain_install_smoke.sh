#!/usr/bin/env bash
# The package as a user installs it: a fresh venv with a plain `pip install .` (not editable,
# no extras), then the smoke regression from a directory outside the checkout, with its own
# build directory. A runtime dependency kept in an extra, a data file missing from
# package-data or a path into the checkout fails here. Usage: bash ci/plain_install_smoke.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/lpu-plain.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/pip" install --progress-bar off -q "$repo"
cd "$work"    # nothing of the checkout on sys.path
where="$("$work/venv/bin/python" -c 'import lpu, verif; print(lpu.__file__, verif.__file__)')"
case "$where" in "$repo"/*|*" $repo"/*) echo "lpu is imported from the checkout: $where" >&2; exit 1 ;; esac
LPU_BUILD_DIR="$work/build" "$work/venv/bin/lpu" regress smoke --configs tiny --seeds 2 --out "$work/out"
