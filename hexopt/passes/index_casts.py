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

from hexopt.ir import AnyOp, AnyType, apply_rewrites, ir, llvm

from .base import Pass

_CAST = "builtin.unrealized_conversion_cast"


def _int_width(t: AnyType) -> int | None:
    return t.width if isinstance(t, ir.IntegerType) else None


def reconcile(op: AnyOp, rewriter: AnyOp) -> bool | None:
    """Pattern on the outer cast of `iN -> index -> iM` (mlir.rewrite convention: True = no match)."""
    op = op.operation
    if len(op.operands) != 1 or len(op.results) != 1:
        return True
    mid = op.operands[0]
    if not isinstance(mid.type, ir.IndexType) or isinstance(mid.owner, ir.Block):
        return True
    inner = mid.owner.operation
    if inner.name != _CAST or len(inner.operands) != 1:
        return True
    src = inner.operands[0]
    n, m = _int_width(src.type), _int_width(op.results[0].type)
    if n is None or m is None:
        return True
    with rewriter.ip, op.location:
        if n == m:
            new = src
        elif n < m:
            new = llvm.SExtOp(op.results[0].type, src).result
        else:
            new = llvm.TruncOp(op.results[0].type, src, ir.Attribute.parse("#llvm.overflow<none>")).result
    rewriter.replace_op(op, [new])  # the inner cast, if now unused, is erased as trivially dead
    return None


@dataclass(frozen=True)
class ReconcileIndexCasts(Pass):
    """Replace unrealized_conversion_cast chains iN -> index -> iM with llvm.sext/llvm.trunc (or nothing)."""

    name: ClassVar[str] = "reconcile-index-casts"
    scope: ClassVar[str] = "builtin.module"

    def apply(self, module: AnyOp) -> None:
        apply_rewrites(module, {_CAST: reconcile})
