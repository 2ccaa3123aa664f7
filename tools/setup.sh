#!/usr/bin/env bash
# Install everything hexopt needs on a fresh Debian 12 machine: system packages (qemu-user for
# qemu-hexagon, lld-22 for ld.lld, llvm-22 for an llvm-objdump that disassembles Hexagon objects for
# `hexopt analyze`, chromium for the report's browser tests) and a virtualenv .venv with hexopt and its
# pinned dependencies.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v qemu-hexagon >/dev/null 2>&1 || need_apt+=(qemu-user)
command -v ld.lld-22 >/dev/null 2>&1 || command -v ld.lld >/dev/null 2>&1 || need_apt+=(lld-22)
command -v llvm-objdump-22 >/dev/null 2>&1 || need_apt+=(llvm-22)  # the pip llvm-objdump has no Hexagon
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)  # headless tests of the HTML report
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)  # hexopt's async runtime for the host JIT (else upstream's is used)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: apt-get install ${need_apt[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: warning: missing ${need_apt[*]} (install them with apt); Hexagon emulator and browser tests will be skipped" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import hexopt, mlir.ir, llvmlite, pytest, triton, torch" >/dev/null 2>&1 \
   || [ pyproject.toml -nt .venv/.hexopt-installed ]; then
  echo "setup: pip install -e .[test,triton] (first time: a few minutes)" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,triton]' 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import hexopt, mlir.ir, llvmlite" 
  touch .venv/.hexopt-installed
fi
echo "setup: ok ($(.venv/bin/hexopt --version))" >&2
