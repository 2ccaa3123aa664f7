"""set-target: the module attributes that tell the LLVM lowering which machine it compiles for.

It also rejects what the target's index cannot hold: with a 32-bit index (Hexagon), a static
dimension of 2^31 or more, a buffer of 2^31 bytes or more, or an index constant out of the i32 range
would be truncated by the `*-to-llvm` conversions (they emit the low bits without a diagnostic: a
`malloc(i32 128)` and no compute loop). Upstream has no such check, so this pass does it, located at
the op that holds the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyType, ir

from .base import Pass, PassFailure, option

#: The data layout linalg-hexagon-translate gives Hexagon modules (32-bit pointers and index,
#: HVX vectors aligned to their size).
HEXAGON_DATA_LAYOUT = (
    "e-m:e-p:32:32:32-a:0-n16:32-i64:64:64-i32:32:32-i16:16:16-i1:8:8-f32:32:32-f64:64:64"
    "-v32:32:32-v64:64:64-v512:512:512-v1024:1024:1024-v2048:2048:2048"
)
HEXAGON_TRIPLE = "hexagon-unknown-linux-musl"

_TARGETS = ("host", "hexagon")


def _known_target(value: str) -> str | None:
    """host or hexagon (any case)"""
    return None if value.lower() in _TARGETS else f"must be one of {', '.join(_TARGETS)}"


@dataclass(frozen=True)
class SetTarget(Pass):
    """Set the module's index width (DLTI), LLVM triple and data layout for the host or Hexagon."""

    name: ClassVar[str] = "set-target"
    scope: ClassVar[str] = "builtin.module"

    target: str = option("hexagon", "host (the JIT's machine, 64-bit index) or hexagon (32-bit)", check=_known_target)
    index_bitwidth: int = option(0, "index width in bits; 0 = the target's (64 host, 32 hexagon)", choices=(0, 32, 64))
    triple: str = option("", "LLVM target triple; empty = the target's (hexagon-unknown-linux-musl; none on host)")
    c_interface: bool = option(False, "mark public functions llvm.emit_c_interface (for ExecutionEngine.invoke)")

    def apply(self, module: AnyOp) -> None:
        target = self.target.lower()
        bits = self.index_bitwidth or (32 if target == "hexagon" else 64)
        check_index_width(module, bits, target)
        attrs = module.operation.attributes
        attrs["dlti.dl_spec"] = ir.Attribute.parse(f"#dlti.dl_spec<index = {bits} : i64>")
        triple = self.triple or (HEXAGON_TRIPLE if target == "hexagon" else "")
        if triple:
            attrs["llvm.target_triple"] = ir.StringAttr.get(triple)
        elif "llvm.target_triple" in attrs:
            # triton-shared stamps "hexagon" on its output; the host JIT chooses its own triple.
            del attrs["llvm.target_triple"]
        if target == "hexagon":
            attrs["llvm.data_layout"] = ir.StringAttr.get(HEXAGON_DATA_LAYOUT)
        elif "llvm.data_layout" in attrs:
            del attrs["llvm.data_layout"]
        if self.c_interface:
            for op in module.body.operations:
                if op.operation.name in ("func.func", "llvm.func") and "sym_visibility" not in op.attributes:
                    op.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()


# --- what the index can hold ---------------------------------------------------------------------

#: Static offsets/sizes/strides of view ops (tensor.extract_slice, memref.subview, reinterpret_cast, ...).
_STATIC_INDEX_ARRAYS = ("static_offsets", "static_sizes", "static_strides")


def _element_bytes(t: AnyType) -> int:
    et = t.element_type
    width = et.width if isinstance(et, (ir.IntegerType, ir.FloatType)) else 64
    return max(1, (width + 7) // 8)


def _type_problem(t: AnyType, limit: int) -> str | None:
    """What in the type `t` exceeds `limit` (the largest index value), or None."""
    if isinstance(t, ir.FunctionType):
        for inner in list(t.inputs) + list(t.results):
            problem = _type_problem(inner, limit)
            if problem:
                return problem
        return None
    if not isinstance(t, (ir.RankedTensorType, ir.MemRefType)):
        return None
    elements = 1
    for d in t.shape:
        if d < 0:  # dynamic
            continue
        if d > limit:
            return f"dimension {d} of {t}"
        elements *= d
    if elements * _element_bytes(t) > limit:
        return f"{t} ({elements * _element_bytes(t)} bytes)"
    return None


def _op_problem(op: AnyOp, limit: int) -> str | None:
    for v in op.results:
        problem = _type_problem(v.type, limit)
        if problem:
            return problem
    for region in op.regions:
        for block in region.blocks:
            for arg in block.arguments:
                problem = _type_problem(arg.type, limit)
                if problem:
                    return problem
    attrs = op.attributes
    if op.name == "func.func":
        return _type_problem(ir.TypeAttr(attrs["function_type"]).value, limit)
    if op.name in ("arith.constant", "index.constant") and isinstance(op.results[0].type, ir.IndexType):
        value = ir.IntegerAttr(attrs["value"]).value
        if not -limit - 1 <= value <= limit:
            return f"the index constant {value}"
    dynamic = ir.ShapedType.get_dynamic_size()
    for name in _STATIC_INDEX_ARRAYS:
        if name in attrs:
            for value in ir.DenseI64ArrayAttr(attrs[name]):
                if value != dynamic and not -limit - 1 <= value <= limit:
                    return f"the static index {value} ({name})"
    return None


def check_index_width(module: AnyOp, bits: int, target: str) -> None:
    """PassFailure at the first op holding a static size, buffer size or index constant that a `bits`-bit
    signed index cannot represent."""
    limit = (1 << (bits - 1)) - 1
    found: list[tuple[AnyOp, str]] = []

    def visit(op: AnyOp) -> object:
        problem = _op_problem(op, limit)
        if problem:
            found.append((op, problem))
            return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit, ir.WalkOrder.PRE_ORDER)  # the first occurrence in source order
    if found:
        op, problem = found[0]
        raise PassFailure(
            f"{problem} does not fit the {bits}-bit index of target '{target}' (at most {limit}); "
            "it would be truncated when lowered",
            op,
            unsupported=True,
        )
