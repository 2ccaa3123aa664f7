"""Reading generic-form TTIR through the MLIR 22 bindings.

The bindings do not know the Triton dialect: `tt.*` ops are unregistered operations (their
properties are found by name, not by iterating `op.attributes`) and `!tt.ptr<T>` is an
`ir.OpaqueType` with dialect `tt` and data `ptr<T>` (or `ptr<T, addrspace>`); a block pointer is
`!tt.ptr<tensor<64x64xf32>>`. The arith, math and scf ops inside TTIR are registered ones.
"""

from __future__ import annotations

from typing import Any

from hexopt.ir import ir
from hexopt.textsplit import split_stripped


def _split_top(text: str) -> list[str]:
    return split_stripped(text)


def pointee_text(t: Any) -> str | None:
    """'f32' for !tt.ptr<f32>, 'tensor<64x64xf32>' for a block pointer; None if `t` is no Triton pointer."""
    if not isinstance(t, ir.OpaqueType) or t.dialect_namespace != "tt":
        return None
    data = t.data
    if not (data.startswith("ptr<") and data.endswith(">")):
        return None
    return _split_top(data[4:-1])[0]


def is_ptr(t: Any) -> bool:
    """A scalar Triton pointer, a tensor of them, or a block pointer."""
    if isinstance(t, ir.RankedTensorType):
        return pointee_text(t.element_type) is not None
    return pointee_text(t) is not None


def is_block_ptr(t: Any) -> bool:
    p = pointee_text(t)
    return p is not None and p.startswith("tensor<")


def pointee(t: Any) -> Any:
    """The element type a (tensor of) pointer(s) points to; for a block pointer its tensor type."""
    if isinstance(t, ir.RankedTensorType):
        t = t.element_type
    text = pointee_text(t)
    if text is None:
        raise ValueError(f"{t} is not a Triton pointer type")
    return ir.Type.parse(text)


def attr(op: Any, name: str) -> Any | None:
    """Property or attribute `name` of an (unregistered) op, or None."""
    return op.attributes.get(name)


def int_attr(op: Any, name: str, default: int = 0) -> int:
    a = attr(op, name)
    return default if a is None else int(ir.IntegerAttr(a).value)


def i32_array(op: Any, name: str) -> list[int]:
    a = attr(op, name)
    if a is None:
        return []
    if isinstance(a, (ir.DenseI32ArrayAttr, ir.DenseI64ArrayAttr)):
        return [int(x) for x in a]
    try:
        return [int(x) for x in ir.DenseI32ArrayAttr(a)]
    except (ValueError, TypeError):
        return [int(ir.IntegerAttr(x).value) for x in ir.ArrayAttr(a)]


def str_attr(op: Any, name: str) -> str | None:
    a = attr(op, name)
    return None if a is None else ir.StringAttr(a).value


def shape_of(v: Any) -> tuple[int, ...]:
    """Static shape of a ranked tensor value, () for a scalar."""
    t = v.type
    return tuple(t.shape) if isinstance(t, ir.RankedTensorType) else ()


def element_type(v: Any) -> Any:
    t = v.type
    return t.element_type if isinstance(t, ir.ShapedType) else t


def segment_sizes(op: Any) -> list[int] | None:
    a = attr(op, "operandSegmentSizes")
    return None if a is None else list(ir.DenseI32ArrayAttr(a))
