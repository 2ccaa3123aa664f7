"""count-ops: report how many operations of each kind the module holds."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, walk_ops

from .base import Pass, option


@dataclass(frozen=True)
class CountOps(Pass):
    """Print a table of operation counts by name to stderr; the IR is left unchanged."""

    name: ClassVar[str] = "count-ops"

    prefix: str = option("", "only count operations whose name starts with this (e.g. 'linalg.')")
    nested_only: bool = option(False, "count only operations inside functions (not module-level ones)")

    def apply(self, module: AnyOp) -> None:
        root = module.operation

        def counted(op: AnyOp) -> bool:
            if op == root or not op.name.startswith(self.prefix):
                return False
            return not self.nested_only or (op.parent is not None and op.parent.name != "builtin.module")

        counts: Counter[str] = Counter(op.name for op in walk_ops(root, counted))
        width = max((len(n) for n in counts), default=10)
        sys.stderr.write("// count-ops\n")
        for op_name, n in sorted(counts.items()):
            sys.stderr.write(f"//   {op_name:<{width}} {n}\n")
        sys.stderr.write(f"//   {'total':<{width}} {sum(counts.values())}\n")
        sys.stderr.flush()
