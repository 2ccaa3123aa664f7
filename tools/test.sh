#!/usr/bin/env bash
# Run every hexopt test: the lit/FileCheck suite, then pytest. Exits non-zero if any test fails.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export HEXOPT_CACHE_DIR=${HEXOPT_CACHE_DIR:-$PWD/build/cache}
status=0
echo "== ruff check"
.venv/bin/ruff check hexopt tools test/python || status=1
echo "== ruff format --check"
.venv/bin/ruff format --check hexopt tools test/python || status=1
echo "== mypy hexopt"
.venv/bin/mypy || status=1
echo "== lit test/lit"
.venv/bin/lit -sv test/lit || status=1
echo "== pytest test/python"
.venv/bin/python -m pytest -q -rs test/python
rc=$?
# pytest's 5 means "no tests collected": that is a failure of the suite, not a pass.
[ $rc -eq 0 ] || status=1
exit $status
