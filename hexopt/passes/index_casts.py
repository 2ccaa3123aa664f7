"""reconcile-index-casts: join the i32 and i64 views of `index` that different LLVM conversions leave.

`convert-async-to-llvm` converts `index` to i64 whatever the index width (the async runtime
takes int64_t sizes), while the other conversions use 32 bits on Hexagon. The value then flows
through `unrealized_conversion_cast iN -> index -> iM`, which `reconcile-unrealized-casts`
cannot remove. An index is a signed integer (`arith.index_cast` sign-extends), so the pair is
`llvm.sext` (N < M) or `llvm.trunc` (N > M).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Pass


@dataclass(frozen=True)
class ReconcileIndexCasts(Pass):
    """Replace unrealized_conversion_cast chains iN -> index -> iM with llvm.sext/llvm.trunc (or nothing)."""

    name: ClassVar[str] = "reconcile-index-casts"
    scope: ClassVar[str] = "builtin.module"

    def apply(self, module) -> None:
        from hexopt.ir import ir, llvm, ops_named

        def int_width(t) -> int | None:
            return t.width if isinstance(t, ir.IntegerType) else None

        for outer in ops_named(module, "builtin.unrealized_conversion_cast"):
            op = outer.operation
            if len(op.operands) != 1 or len(op.results) != 1:
                continue
            mid = op.operands[0]
            if not isinstance(mid.type, ir.IndexType) or isinstance(mid.owner, ir.Block):
                continue
            inner = mid.owner.operation
            if inner.name != "builtin.unrealized_conversion_cast" or len(inner.operands) != 1:
                continue
            src = inner.operands[0]
            n, m = int_width(src.type), int_width(op.results[0].type)
            if n is None or m is None:
                continue
            with ir.InsertionPoint(op), op.location:
                if n == m:
                    new = src
                elif n < m:
                    new = llvm.SExtOp(op.results[0].type, src).result
                else:
                    new = llvm.TruncOp(op.results[0].type, src, ir.Attribute.parse("#llvm.overflow<none>")).result
            op.results[0].replace_all_uses_with(new)
            op.erase()
            if not list(inner.results[0].uses):
                inner.erase()
