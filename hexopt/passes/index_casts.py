"""reconcile-index-casts: join the i32 and i64 views of `index` that different LLVM conversions leave.

`convert-async-to-llvm` converts `index` to i64 whatever the index width (the async runtime
takes int64_t sizes), while the other conversions use 32 bits on Hexagon. The value then flows
through `unrealized_conversion_cast iN -> index -> iM`, which `reconcile-unrealized-casts`
cannot remove. An index is a signed integer (`arith.index_cast` sign-extends), so the pair is
`llvm.sext` (N < M) or `llvm.trunc` (N > M).

The reference ABI (`abi=reference` with a 32-bit index inside) leaves the same pair around memref
descriptors: `convert-func-to-llvm` with a 64-bit index gives the function's arguments, results and
calls `!llvm.struct<(ptr, ptr, i64, array<R x i64>, ...)>` (or `struct<(i64, ptr)>` for an unranked
memref), the memref conversion inside the body the same struct with i32. Such a pair is rebuilt
field by field (extractvalue, sext/trunc, insertvalue). Only the values change width: the memory an
unranked descriptor points to keeps the caller's layout, which is why `reference-abi` first checks
that the body reads nothing but its two pointers.

Internal functions (private definitions: the async bodies outlined from a kernel) are no interface:
an i64 argument that the body only truncates and that every call passes sign-extended from i32 (or as
a constant) becomes an i32 argument again, so that only the kernel's own signature pays for the
reference ABI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyType, apply_rewrites, ir, llvm, run_upstream

from .base import Pass

_CAST = "builtin.unrealized_conversion_cast"


def _int_width(t: AnyType) -> int | None:
    return t.width if isinstance(t, ir.IntegerType) else None


_ARRAY = re.compile(r"^!llvm\.array<(\d+) x (i\d+)>$")


def _fields(t: AnyType) -> list[AnyType] | None:
    """The field types of an LLVM struct type, or None."""
    return list(llvm.StructType(t).body) if isinstance(t, llvm.StructType) else None


def _array(t: AnyType) -> tuple[int, int] | None:
    """(length, element width) of `!llvm.array<N x iK>`, or None."""
    m = _ARRAY.match(str(t))
    return (int(m.group(1)), int(m.group(2)[1:])) if m else None


def _convertible(src: AnyType, dst: AnyType) -> bool:
    """Whether `src` becomes `dst` by changing integer widths only (fields of structs, elements of arrays)."""
    if src == dst or (_int_width(src) and _int_width(dst)):
        return True
    a, b = _array(src), _array(dst)
    if a and b:
        return a[0] == b[0]
    fs, fd = _fields(src), _fields(dst)
    return fs is not None and fd is not None and len(fs) == len(fd) and all(map(_convertible, fs, fd))


def _resize(value: AnyOp, dst: AnyType) -> AnyOp:
    """`value` as type `dst` (same shape, other integer widths): sext/trunc, field by field."""
    src = value.type
    if src == dst:
        return value
    n, m = _int_width(src), _int_width(dst)
    if n and m:
        if n < m:
            return llvm.SExtOp(dst, value).result
        return llvm.TruncOp(dst, value, ir.Attribute.parse("#llvm.overflow<none>")).result
    array = _array(src)
    if array:
        width = _array(dst)[1]  # type: ignore[index]
        parts = [(i, ir.IntegerType.get_signless(width)) for i in range(array[0])]
    else:
        parts = list(enumerate(_fields(dst) or []))
    out = llvm.UndefOp(dst).result
    for i, field_type in parts:
        src_field = ir.IntegerType.get_signless(array[1]) if array else (_fields(src) or [])[i]
        field = llvm.ExtractValueOp(src_field, value, [i]).result
        out = llvm.InsertValueOp(out, _resize(field, field_type), [i]).result
    return out


def _descriptor_pair(src: AnyType, dst: AnyType) -> bool:
    """Two LLVM structs of one memref descriptor that differ in integer widths only."""
    return _fields(src) is not None and _fields(dst) is not None and _convertible(src, dst)


def reconcile(op: AnyOp, rewriter: AnyOp) -> bool | None:
    """Pattern on the outer cast of `iN -> index -> iM` (mlir.rewrite convention: True = no match)."""
    op = op.operation
    if len(op.operands) != 1 or len(op.results) != 1:
        return True
    mid = op.operands[0]
    if isinstance(mid.owner, ir.Block):
        return True
    inner = mid.owner.operation
    if inner.name != _CAST or len(inner.operands) != 1 or len(inner.results) != 1:
        return True
    src = inner.operands[0]
    dst = op.results[0].type
    if isinstance(mid.type, ir.IndexType):
        if _int_width(src.type) is None or _int_width(dst) is None:
            return True
    elif not isinstance(mid.type, (ir.MemRefType, ir.UnrankedMemRefType)) or not _descriptor_pair(src.type, dst):
        return True
    with rewriter.ip, op.location:
        new = _resize(src, dst)
    rewriter.replace_op(op, [new])  # the inner cast, if now unused, is erased as trivially dead
    return None


def _i64_constant_fitting_i32(value: AnyOp) -> int | None:
    owner = value.owner
    if isinstance(owner, ir.Block) or owner.operation.name != "llvm.mlir.constant":
        return None
    attr = owner.operation.attributes["value"]
    if not isinstance(attr, ir.IntegerAttr):
        return None
    v = ir.IntegerAttr(attr).value
    return v if -(1 << 31) <= v < (1 << 31) else None


def _has_private_definitions(module: AnyOp) -> bool:
    return any(
        op.operation.name == "llvm.func"
        and op.operation.regions[0].blocks
        and "sym_visibility" in op.operation.attributes
        for op in module.body.operations
    )


def narrow_internal_arguments(module: AnyOp) -> int:
    """Make i64 arguments of private functions i32 where the body only truncates them and every call passes an
    i32 value sign-extended (or a constant that fits); returns how many arguments changed."""
    funcs = {}
    for op in module.body.operations:
        if op.operation.name == "llvm.func":
            funcs[str(ir.StringAttr(op.operation.attributes["sym_name"]).value)] = op.operation
    calls: dict[str, list[AnyOp]] = {}
    taken: set[str] = set()

    def visit(op: AnyOp) -> object:
        if op.name == "llvm.call" and "callee" in op.attributes:
            calls.setdefault(str(ir.FlatSymbolRefAttr(op.attributes["callee"]).value), []).append(op)
        elif op.name == "llvm.mlir.addressof":
            taken.add(str(ir.FlatSymbolRefAttr(op.attributes["global_name"]).value))
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    i32, changed = ir.IntegerType.get_signless(32), 0
    for name, fn in funcs.items():
        attrs = fn.attributes
        if (
            name in taken
            or not fn.regions[0].blocks
            or "sym_visibility" not in attrs
            or str(attrs["sym_visibility"]) != '"private"'
        ):
            continue
        sites = calls.get(name, [])
        args = fn.regions[0].blocks[0].arguments
        narrow = []
        for i, arg in enumerate(args):
            if _int_width(arg.type) != 64:
                continue
            users = [u.owner.operation for u in arg.uses]
            if not all(u.name == "llvm.trunc" and _int_width(u.results[0].type) == 32 for u in users):
                continue
            ok = True
            for call in sites:
                v = call.operands[i]
                ext = v.owner
                sext = (
                    not isinstance(ext, ir.Block)
                    and ext.operation.name == "llvm.sext"
                    and _int_width(ext.operation.operands[0].type) == 32
                )
                if not sext and _i64_constant_fitting_i32(v) is None:
                    ok = False
                    break
            if ok:
                narrow.append(i)
        if not narrow:
            continue
        for i in narrow:
            arg = args[i]
            for use in list(arg.uses):
                trunc = use.owner.operation
                trunc.results[0].replace_all_uses_with(arg)
                trunc.erase()
            arg.set_type(i32)
            for call in sites:
                v = call.operands[i]
                constant = _i64_constant_fitting_i32(v)
                if constant is None:
                    call.operands[i] = v.owner.operation.operands[0]
                else:
                    with ir.InsertionPoint(call), call.location:
                        call.operands[i] = llvm.ConstantOp(i32, ir.IntegerAttr.get(i32, constant)).result
        ftype = str(ir.TypeAttr(attrs["function_type"]).value)
        result = ftype[len("!llvm.func<") : ftype.index(" (")]
        inputs = ", ".join(str(a.type) for a in args)
        attrs["function_type"] = ir.TypeAttr.get(ir.Type.parse(f"!llvm.func<{result} ({inputs})>"))
        for call in sites:
            if "var_callee_type" in call.attributes:
                call.attributes["var_callee_type"] = attrs["function_type"]
        changed += len(narrow)
    return changed


@dataclass(frozen=True)
class ReconcileIndexCasts(Pass):
    """Replace unrealized_conversion_cast chains iN -> index -> iM (and memref descriptors of two index widths)
    with llvm.sext/llvm.trunc (or nothing)."""

    name: ClassVar[str] = "reconcile-index-casts"
    scope: ClassVar[str] = "builtin.module"

    def apply(self, module: AnyOp) -> None:
        apply_rewrites(module, {_CAST: reconcile})
        if _has_private_definitions(module):
            # folds the descriptor structs func-to-llvm built from the arguments, so that an argument's
            # uses are the truncations themselves
            run_upstream(module, "builtin.module(canonicalize)")
            narrow_internal_arguments(module)
