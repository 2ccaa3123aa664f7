#!/usr/bin/env python3
"""Regenerate hexopt/pipeline/upstream_passes.json from the installed mlir-opt's --help.

usage: tools/gen_upstream_passes.py [--check]   (--check: exit 1 if the file is not up to date)
"""

from __future__ import annotations

import json
import subprocess
import sys

from hexopt.pipeline.upstream import SCHEMA_FILE, parse_help
from hexopt.toolchain import find_tool


def current() -> str:
    text = subprocess.run([find_tool("mlir-opt"), "--help"], capture_output=True, text=True, check=True).stdout
    return json.dumps(parse_help(text), indent=1, sort_keys=True) + "\n"


def main() -> int:
    text = current()
    if "--check" in sys.argv[1:]:
        same = SCHEMA_FILE.exists() and SCHEMA_FILE.read_text() == text
        print(f"{SCHEMA_FILE}: {'up to date' if same else 'OUT OF DATE (run tools/gen_upstream_passes.py)'}")
        return 0 if same else 1
    SCHEMA_FILE.write_text(text)
    print(f"wrote {SCHEMA_FILE} ({len(json.loads(text))} passes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
