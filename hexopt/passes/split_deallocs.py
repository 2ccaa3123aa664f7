"""split-deallocs: keep `bufferization-lower-deallocations` away from its i1-memref helper.

MLIR 22's lowering of a `bufferization.dealloc` of several memrefs builds a helper function that
stores i1 flags into a `memref<?xi1>`; `finalize-memref-to-llvm` then aborts the process on the
i1 store (docs/toolchain.md, trap 8). A dealloc of ONE memref without retained values lowers to a plain
`scf.if` + `memref.dealloc`, so we rewrite the multi-memref, no-retain form into single ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, apply_rewrites, arith, bufferization, ir, memref, ops_named

from .base import Pass, PassFailure, option


def split_dealloc(dealloc: AnyOp, rewriter: AnyOp) -> bool | None:
    """Pattern: a dealloc of several memrefs without retained values -> one dealloc per memref
    (mlir.rewrite convention: True = no match)."""
    memrefs = list(dealloc.memrefs)
    if len(memrefs) < 2 or len(dealloc.retained) > 0:
        return True
    conds = list(dealloc.conditions)
    with rewriter.ip, dealloc.location:
        ptrs = [memref.ExtractAlignedPointerAsIndexOp(m).result for m in memrefs]
        true = arith.ConstantOp(ir.IntegerType.get_signless(1), 1).result
        for i, (m, c) in enumerate(zip(memrefs, conds, strict=True)):
            # Buffer i is freed here unless an earlier entry with a true condition is the
            # same buffer (then it was freed already): same "free once" semantics.
            cond = c
            for j in range(i):
                same = arith.CmpIOp(arith.CmpIPredicate.eq, ptrs[j], ptrs[i]).result
                freed_before = arith.AndIOp(conds[j], same).result
                cond = arith.AndIOp(cond, arith.XOrIOp(freed_before, true).result).result
            bufferization.DeallocOp([m], [cond], [])
    rewriter.erase_op(dealloc.operation)
    return None


@dataclass(frozen=True)
class SplitDeallocs(Pass):
    """Rewrite each multi-memref bufferization.dealloc without retained values into single-memref deallocs."""

    name: ClassVar[str] = "split-deallocs"
    scope: ClassVar[str] = "func.func"

    strict: bool = option(False, "fail when a multi-memref dealloc with retained values is left (it would abort later)")

    def run_on_function(self, func: AnyOp) -> None:
        apply_rewrites(func, {"bufferization.dealloc": split_dealloc})
        if self.strict:
            for dealloc in ops_named(func, "bufferization.dealloc"):
                if len(dealloc.memrefs) > 1:
                    raise PassFailure(
                        "split-deallocs: a dealloc of several memrefs with retained values is left", dealloc
                    )
