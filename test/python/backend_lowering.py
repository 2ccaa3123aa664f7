"""Test-only lowering of small hand-written kernels to LLVM-dialect MLIR for the back-end tests.

This is NOT hexopt's pipeline (hexopt/pipelines/*.yaml is): it is the shortest upstream pass list
that gets a kernel written with memref/scf/vector/async ops to the LLVM dialect with a 32-bit
index, so translate/link/run can be tested on their own. Usage:

    python test/python/backend_lowering.py kernel.mlir > kernel.llvm.mlir
"""

from __future__ import annotations

import sys

HEXAGON_DL = (
    "e-m:e-p:32:32:32-a:0-n16:32-i64:64:64-i32:32:32-i16:16:16-i1:8:8-f32:32:32-f64:64:64"
    "-v32:32:32-v64:64:64-v512:512:512-v1024:1024:1024-v2048:2048:2048"
)

PIPELINE = (
    "builtin.module("
    "async-parallel-for{num-workers=4 min-task-size=64},func.func(canonicalize),"
    "async-to-async-runtime,async-runtime-ref-counting,async-runtime-ref-counting-opt,"
    "convert-async-to-llvm,"
    "convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,"
    "convert-to-llvm{dynamic=1 filter-dialects=vector},convert-math-to-llvm,convert-ub-to-llvm,"
    "finalize-memref-to-llvm{index-bitwidth=32 use-aligned-alloc=1},"
    "convert-func-to-llvm{index-bitwidth=32},convert-arith-to-llvm{index-bitwidth=32},"
    "convert-index-to-llvm{index-bitwidth=32},convert-cf-to-llvm{index-bitwidth=32})"
)


def _fold_index_casts(module) -> None:
    """convert-async-to-llvm passes index sizes to runtime calls as i64 through an `index` cast
    chain (i32 -> index -> i64) that reconcile-unrealized-casts cannot fold: replace it by zext."""
    from hexopt.ir import InsertionPoint, ir, llvm

    chains = []

    def visit(op):
        if op.name == "builtin.unrealized_conversion_cast" and len(op.operands) == 1:
            src = op.operands[0]
            owner = src.owner.operation if isinstance(src.owner, ir.OpView) else src.owner
            if (
                str(src.type) == "index"
                and str(op.results[0].type) == "i64"
                and isinstance(owner, ir.Operation)
                and owner.name == "builtin.unrealized_conversion_cast"
                and str(owner.operands[0].type) == "i32"
            ):
                chains.append((op, owner.operands[0]))
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    for op, narrow in chains:
        with InsertionPoint(op), op.location:
            z = llvm.zext(ir.IntegerType.get_signless(64), narrow)
        op.results[0].replace_all_uses_with(z)
        op.erase()


def lower(text: str) -> str:
    from hexopt.ir import ir, run_upstream

    with ir.Context():
        m = ir.Module.parse(text)
        attrs = m.operation.attributes
        attrs["dlti.dl_spec"] = ir.Attribute.parse("#dlti.dl_spec<index = 32 : i64>")
        attrs["llvm.target_triple"] = ir.StringAttr.get("hexagon-unknown-linux-musl")
        attrs["llvm.data_layout"] = ir.StringAttr.get(HEXAGON_DL)
        run_upstream(m, PIPELINE)
        _fold_index_casts(m)
        run_upstream(m, "builtin.module(reconcile-unrealized-casts,canonicalize)")
        return str(m)


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        sys.stdout.write(lower(f.read()))
