"""reference-abi: prepare a bufferized module for the reference's kernel ABI (64-bit rank, sizes, strides).

The reference lowers `func.func` signatures with a 64-bit index (`llvm.func @k(%arg0: i64, %arg1:
!llvm.ptr, ...)`; its runtime wrappers build `int64_t` descriptors) and asks for `_mlir_ciface_`
wrappers on every function when one of them returns a value (its driver then calls the wrapper).
hexopt gives the same signature with `convert-func-to-llvm{index-bitwidth=64}` while the body keeps
the module's index (32 bits on Hexagon by default: no 64-bit address arithmetic); the descriptor
values are narrowed at the boundary (`reconcile-index-casts`).

One thing the narrowing cannot do is change memory: an unranked memref argument is a pointer to a
descriptor the caller laid out with 64-bit fields. The body may read its two pointers (what
`memref.reinterpret_cast` does, the only use triton-shared makes of it) and the rank, but an op
that reads its offset, sizes or strides (`memref.cast` to a ranked type, `memref.dim`,
`memref.copy`, a call) would read them at 32-bit offsets. This pass rejects such a use, located
at it, before anything is lowered; upstream has no check of this kind (each conversion assumes
one index width for the whole module).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, ir

from .base import Pass, PassFailure, option

#: Uses of an unranked memref that read only the descriptor's pointers (or the rank value itself).
_POINTER_ONLY_USES = {"memref.reinterpret_cast", "memref.rank"}


def _dlti_index_bits(module: AnyOp) -> int:
    attrs = module.operation.attributes
    if "dlti.dl_spec" in attrs:
        text = str(attrs["dlti.dl_spec"])
        if "index = 32" in text:
            return 32
    return 64


@dataclass(frozen=True)
class ReferenceAbi(Pass):
    """Check that unranked memrefs are only used through their pointers when the body's index is narrower than the
    reference's 64-bit descriptors; mark public functions for C wrappers when a function returns a value."""

    name: ClassVar[str] = "reference-abi"
    scope: ClassVar[str] = "builtin.module"

    index_bitwidth: int = option(
        0, "the index width inside the body; 0 = the module's DLTI index (else 64)", choices=(0, 32, 64)
    )
    c_wrappers: bool = option(
        True,
        "as the reference: when a function returns a value, mark every public function "
        "llvm.emit_c_interface (its driver calls _mlir_ciface_<kernel> then)",
    )

    def apply(self, module: AnyOp) -> None:
        funcs = [op for op in module.body.operations if op.operation.name == "func.func"]
        bits = self.index_bitwidth or _dlti_index_bits(module)
        if bits < 64:
            for func in funcs:
                _check_unranked_uses(func)
        if self.c_wrappers and any(
            len(ir.FunctionType(ir.TypeAttr(f.attributes["function_type"]).value).results) for f in funcs
        ):
            for f in funcs:
                attrs = f.operation.attributes
                if len(f.operation.regions[0].blocks) and "sym_visibility" not in attrs:
                    attrs["llvm.emit_c_interface"] = ir.UnitAttr.get()


def _check_unranked_uses(func: AnyOp) -> None:
    values = []
    for region in func.operation.regions:
        for block in region.blocks:
            values += [a for a in block.arguments if isinstance(a.type, ir.UnrankedMemRefType)]

    def visit(op: AnyOp) -> object:
        values.extend(r for r in op.results if isinstance(r.type, ir.UnrankedMemRefType))
        for region in op.regions:
            for block in region.blocks:
                values.extend(a for a in block.arguments if isinstance(a.type, ir.UnrankedMemRefType))
        return ir.WalkResult.ADVANCE

    for region in func.operation.regions:
        for block in region.blocks:
            for op in block.operations:
                op.operation.walk(visit)
    for value in values:
        for use in value.uses:
            owner = use.owner
            name = owner.name if hasattr(owner, "name") else owner.operation.name
            if name not in _POINTER_ONLY_USES:
                raise PassFailure(
                    f"'{name}' reads the offset, sizes or strides of an unranked memref ({value.type}); with the "
                    "reference ABI the caller lays them out with 64 bits while this kernel's index is 32 bits: "
                    "lower with --set index-bitwidth=64 (the reference's own lowering) or --set abi=compact",
                    owner,
                    unsupported=True,
                )
