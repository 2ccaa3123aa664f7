"""Op counts by op name, read from printed MLIR text (no MLIR bindings: the CLI process must not load them).

The MLIR printer puts every operation at the start of its own line, after its results; only the
regions' braces, block labels, aliases and the resource block are not ops. What makes a plain text
count tricky, and how it is handled:
- ops of the region owner's default dialect print without their prefix (`return` inside
  `func.func`, `module` at the top level): a stack of region owners gives the default dialect back;
- generic form (`"dialect.op"(...)`), multiple results (`%0:2 =`, `%a, %b =`);
- the short form of linalg.map/reduce (`linalg.map { arith.addf } ins(...)`) hides a body of two
  ops (the payload op and `linalg.yield`);
- the `{-# dialect_resources ... #-}` block at the end holds no ops.
test/python/test_report.py checks the counts against a walk with the bindings on every stage of
the seed kernel through the hexagon pipeline.
"""

from __future__ import annotations

import re
from collections import Counter

# Results, then the op name (generic form in quotes, custom form a dotted or bare word).
_OP = re.compile(
    r"""^(?:%[\w$.\-#]+(?::\d+)?(?:\s*,\s*%[\w$.\-#]+(?::\d+)?)*\s*=\s*)?
        (?:"(?P<generic>[A-Za-z_][\w$.]*)"|(?P<custom>[A-Za-z_][\w$]*(?:\.[\w$]+)*))""",
    re.X,
)
# linalg.map { arith.addf } / linalg.reduce { arith.maxnumf }: payload op printed inline.
_SHORT_BODY = re.compile(r"^\s*\{\s*([A-Za-z_][\w$]*(?:\.[\w$]+)+)(?:\s*\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\})?\s*\}")
# Region owners whose regions default to a dialect (ops of it print without prefix).
_DEFAULT_DIALECT = {
    "builtin.module": "builtin",
    "func.func": "func",
    "async.func": "async",
    "gpu.module": "gpu",
    "gpu.func": "gpu",
    "spirv.module": "spirv",
    "spirv.func": "spirv",
}


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _net_braces(line: str) -> int:
    """Net `{` minus `}` outside string literals."""
    if '"' in line:
        line = _STRING.sub("", line)
    return line.count("{") - line.count("}")


def count_ops(text: str) -> Counter[str]:
    """Number of operations of each name in a printed MLIR module (custom or generic form)."""
    counts: Counter[str] = Counter()
    owners: list[str] = []  # region owner per open brace that opened a region (attribute dicts close on their line)
    in_resources = False
    last_op = ""
    for raw in text.splitlines():
        line = raw.strip()
        if in_resources:
            if line.startswith("#-}"):
                in_resources = False
            continue
        if not line or line.startswith("//"):
            continue
        if line.startswith("{-#"):
            in_resources = "#-}" not in line
            continue
        first = line[0]
        net = _net_braces(line)
        if first in "}^#!(" or first == ")":
            # closing braces (`}`, `} else {`, `}) : ...`), block labels, aliases, region arguments
            if net < 0:
                del owners[max(len(owners) + net, 0) :]
            elif net > 0:  # `(%in: f32, %init: f32) {` opens the region of the op on the line before
                owners.extend([last_op if first == "(" else (owners[-1] if owners else "")] * net)
            continue
        m = _OP.match(line)
        if not m:
            continue
        name = m.group("generic") or m.group("custom")
        if m.group("custom") and "." not in name:
            default = _DEFAULT_DIALECT.get(owners[-1], "") if owners else "builtin"
            if default:
                name = f"{default}.{name}"
        counts[name] += 1
        last_op = name
        rest = line[m.end() :]
        short = _SHORT_BODY.match(rest)
        if short and name.startswith("linalg."):
            counts[short.group(1)] += 1
            counts["linalg.yield"] += 1
            net -= _net_braces(short.group(0))
        if net > 0:
            owners.extend([name] * net)
        elif net < 0:
            del owners[max(len(owners) + net, 0) :]
    return counts


def count_delta(before: dict[str, int], after: dict[str, int]) -> list[tuple[str, int, int]]:
    """(op, before, after) for every op whose count changed, biggest change first, then by name."""
    names = set(before) | set(after)
    rows = [(n, before.get(n, 0), after.get(n, 0)) for n in names if before.get(n, 0) != after.get(n, 0)]
    rows.sort(key=lambda r: (-abs(r[2] - r[1]), r[0]))
    return rows
