"""The op-by-op rewrite of one `tt.func` into a triton-shared style `func.func`.

The body is rewritten in place, in program order. Registered ops (arith, math, scf) stay where they
are: element-wise arith/math on tensors become linalg.generic later (upstream
convert-elementwise-to-linalg). Each `tt.*` op is replaced by tensor/linalg/memref ops at its own
location (so later diagnostics still point at the Python source). Pointers have no value after the
conversion: every pointer-typed SSA value gets a `Ptr`/`BlockPtr` state instead (analysis.py), and
integer and boolean tensors get `Affine`/`Mask` states next to their value lowering (which
canonicalization drops when only loads and stores used it).
"""

from __future__ import annotations

import math as pymath
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hexopt.ir import arith, bufferization, func, ir, linalg, memref, scf, tensor

from ..base import PassFailure
from . import libdevice
from .analysis import Affine, BlockPtr, IndexMath, Mask, Ptr, compare, same
from .ttir import (
    attr,
    element_type,
    i32_array,
    int_attr,
    is_block_ptr,
    is_ptr,
    pointee,
    segment_sizes,
    shape_of,
    str_attr,
)

GRID_ARGS = 6

#: Ops of a tt.reduce combine region whose identity element hexopt knows (used to fill the init).
_IDENTITY: dict[str, Callable[[Any], Any]] = {
    "arith.addf": lambda t: 0.0,
    "arith.mulf": lambda t: 1.0,
    "arith.maxnumf": lambda t: -pymath.inf,
    "arith.maximumf": lambda t: -pymath.inf,
    "arith.minnumf": lambda t: pymath.inf,
    "arith.minimumf": lambda t: pymath.inf,
    "arith.addi": lambda t: 0,
    "arith.muli": lambda t: 1,
    "arith.ori": lambda t: 0,
    "arith.xori": lambda t: 0,
    "arith.andi": lambda t: -1,
    "arith.maxui": lambda t: 0,
    "arith.minui": lambda t: -1,
    "arith.maxsi": lambda t: -(1 << (t.width - 1)),
    "arith.minsi": lambda t: (1 << (t.width - 1)) - 1,
}

#: Integer tensor ops whose affine form follows from their operands'.
_INT_BINARY = {
    "arith.addi",
    "arith.subi",
    "arith.muli",
    "arith.divsi",
    "arith.remsi",
    "arith.shli",
    "arith.divui",
    "arith.remui",
}
_INT_CASTS = {"arith.extsi", "arith.extui", "arith.trunci", "arith.index_cast", "arith.index_castui"}

#: tt ops with no effect on a CPU/DSP build.
_DROPPED = {"tt.assert", "tt.print"}


def _value(x: Any) -> Any:
    """The single result of an op builder's return (some return the op, some the value)."""
    if isinstance(x, (ir.OpView, ir.Operation)):
        return x.results[0]
    return x


def fail(op: Any, message: str) -> PassFailure:
    return PassFailure(f"{op.operation.name}: {message}", op.operation)


class FunctionConverter:
    """Converts one tt.func (see the module docstring). `convert()` returns the new func.func."""

    def __init__(self, tt_func: Any):
        self.tt_func = tt_func
        self.m = IndexMath()
        self.ptrs: dict[Any, Ptr | BlockPtr] = {}
        self.affine: dict[Any, Affine] = {}
        self.masks: dict[Any, Mask] = {}
        self.splat_of: dict[Any, Any] = {}  # tensor -> the scalar value it is filled with
        self.number_of: dict[Any, float] = {}  # tensor -> the constant it is filled with
        self.dead: list[Any] = []  # ops to erase at the end (tt ops, rebuilt loops), in program order
        self.grid: list[Any] = []
        self.handlers: dict[str, Callable[[Any], None]] = {
            "tt.get_program_id": self.program_id,
            "tt.get_num_programs": self.num_programs,
            "tt.make_range": self.make_range,
            "tt.splat": self.splat,
            "tt.broadcast": self.broadcast,
            "tt.expand_dims": self.expand_dims,
            "tt.reshape": self.reshape,
            "tt.trans": self.trans,
            "tt.addptr": self.addptr,
            "tt.load": self.load,
            "tt.store": self.store,
            "tt.dot": self.dot,
            "tt.reduce": self.reduce,
            "tt.extern_elementwise": self.extern_elementwise,
            "tt.fp_to_fp": self.fp_to_fp,
            "tt.clampf": self.clampf,
            "tt.precise_sqrt": self.precise_sqrt,
            "tt.precise_divf": self.precise_divf,
            "tt.make_tensor_ptr": self.make_tensor_ptr,
            "tt.advance": self.advance,
            "tt.return": self.ret,
            "tt.bitcast": self.bitcast,
            "arith.constant": self.constant,
            "scf.for": self.for_loop,
            "scf.yield": lambda op: None,
        }

    # ------------------------------------------------------------------------------------------
    # function and blocks
    # ------------------------------------------------------------------------------------------
    def convert(self) -> Any:
        tt_func = self.tt_func
        name = ir.StringAttr(attr(tt_func, "sym_name")).value
        fn_type = ir.FunctionType(ir.TypeAttr(attr(tt_func, "function_type")).value)
        if len(fn_type.results):
            raise fail(tt_func, f"kernel @{name} returns values; Triton kernels return nothing")
        old_block = tt_func.regions[0].blocks[0]
        types = []
        for t in fn_type.inputs:
            if is_block_ptr(t):
                raise fail(tt_func, "block pointers as kernel arguments are not supported")
            types.append(ir.UnrankedMemRefType.get(pointee(t), None) if is_ptr(t) else t)
        i32 = ir.IntegerType.get_signless(32)
        types += [i32] * GRID_ARGS
        with ir.InsertionPoint(tt_func), tt_func.location:
            new = func.FuncOp(name, ir.FunctionType.get(types, []))
        arg_attrs = attr(tt_func, "arg_attrs")
        if arg_attrs is not None:
            kept = [self._tt_attrs(a) for a in ir.ArrayAttr(arg_attrs)]
            new.arg_attrs = ir.ArrayAttr.get(kept + [ir.DictAttr.get({})] * GRID_ARGS)
        locs = [a.location for a in old_block.arguments] + [tt_func.location] * GRID_ARGS
        entry = new.add_entry_block(arg_locs=locs)
        for op in list(old_block.operations):
            entry.append(op)
        for old, arg in zip(old_block.arguments, entry.arguments, strict=False):  # + the grid
            if is_ptr(old.type):
                self.ptrs[old] = Ptr(arg, pointee(old.type), Affine.uniform((), 0))
            else:
                old.replace_all_uses_with(arg)
        self.grid = list(entry.arguments)[len(fn_type.inputs) :]
        self.visit_block(entry)
        for op in reversed(self.dead):
            self._erase(op)
        tt_func.operation.erase()
        return new

    @staticmethod
    def _tt_attrs(d: Any) -> Any:
        d = ir.DictAttr(d)
        return ir.DictAttr.get({a.name: a.attr for a in d if a.name.startswith("tt.")})

    def _erase(self, op: Any) -> None:
        for r in op.results:
            for use in r.uses:
                user = use.owner
                raise fail(
                    user,
                    f"uses the result of '{op.name}' ({r.type}), which has no equivalent after "
                    "the conversion (pointers can only be loaded from, stored to, advanced or "
                    "carried by scf.for)",
                )
        op.erase()

    def visit_block(self, block: Any) -> None:
        for op in list(block.operations):
            self.visit(op.operation)

    def visit(self, op: Any) -> None:
        name = op.name
        handler = self.handlers.get(name)
        with ir.InsertionPoint(op), op.location:
            if handler is not None:
                handler(op)
            elif name in _DROPPED:
                self.dead.append(op)
            elif name.startswith("tt."):
                raise fail(op, "this Triton operation is not supported by hexopt's converter")
            else:
                self.registered(op)

    def registered(self, op: Any) -> None:
        """An arith/math/scf op: kept; integer and boolean tensors get their analysis states."""
        for v in op.operands:
            if is_ptr(v.type):
                raise fail(
                    op,
                    "operations on pointers other than tt.addptr (e.g. tl.where or comparisons "
                    "of pointers) are not supported",
                )
        for r in op.results:
            if is_ptr(r.type):
                raise fail(op, "this operation yields pointers; only scf.for may carry pointers")
        name = op.name
        if len(op.results) == 1 and isinstance(op.results[0].type, ir.RankedTensorType):
            res = op.results[0]
            shape = shape_of(res)
            if name in _INT_BINARY:
                a, b = self.affine_of(op.operands[0]), self.affine_of(op.operands[1])
                if a is not None and b is not None:
                    st = self._int_binary(name, a, b, shape)
                    if st is not None:
                        self.affine[res] = st
            elif name in _INT_CASTS:
                a = self.affine_of(op.operands[0])
                if a is not None:
                    self.affine[res] = a
            elif name == "arith.cmpi":
                a, b = self.affine_of(op.operands[0]), self.affine_of(op.operands[1])
                if a is not None and b is not None:
                    mk = compare(self.m, ir.IntegerAttr(op.attributes["predicate"]).value, a, b)
                    if mk is not None:
                        self.masks[res] = mk
            elif name == "arith.andi" and ir.IntegerType(element_type(res)).width == 1:
                a_mask, b_mask = self.masks.get(op.operands[0]), self.masks.get(op.operands[1])
                if a_mask is not None and b_mask is not None:
                    self.masks[res] = a_mask.intersect(self.m, b_mask)
        for region in op.regions:
            for block in region.blocks:
                self.visit_block(block)

    def _int_binary(self, name: str, a: Affine, b: Affine, shape: tuple[int, ...]) -> Affine | None:
        m = self.m
        if name == "arith.addi":
            return a.add(m, b)
        if name == "arith.subi":
            return a.sub(m, b)
        if name == "arith.muli":
            if b.is_uniform:
                return a.scale(m, b.const)
            if a.is_uniform:
                return b.scale(m, a.const)
            return None
        if name == "arith.shli" and b.is_uniform and isinstance(b.const, int):
            return a.scale(m, 1 << b.const)
        if a.is_uniform and b.is_uniform:
            c = m.binary(name, a.const, b.const)
            return None if c is None else Affine.uniform(shape, c)
        return None

    def affine_of(self, v: Any) -> Affine | None:
        st = self.affine.get(v)
        if st is not None:
            return st
        if isinstance(v.type, (ir.IntegerType, ir.IndexType)):
            return Affine.uniform((), self.m.const_of(v))
        return None

    # ------------------------------------------------------------------------------------------
    # value helpers
    # ------------------------------------------------------------------------------------------
    def replace(self, op: Any, value: Any) -> None:
        op.results[0].replace_all_uses_with(value)
        self.dead.append(op)

    @staticmethod
    def empty(shape: tuple[int, ...], elem: Any) -> Any:
        return tensor.EmptyOp(list(shape), elem).result

    def fill(self, scalar: Any, shape: tuple[int, ...]) -> Any:
        out = _value(linalg.fill(scalar, outs=[self.empty(shape, scalar.type)]))
        self.splat_of[out] = scalar
        return out

    @staticmethod
    def scalar_const(elem: Any, number: float | int) -> Any:
        if isinstance(elem, ir.IntegerType):
            return arith.ConstantOp(elem, ir.IntegerAttr.get(elem, int(number))).result
        return arith.ConstantOp(elem, ir.FloatAttr.get(elem, float(number))).result

    def broadcast_value(self, x: Any, shape: tuple[int, ...]) -> Any:
        src = shape_of(x)
        elem = element_type(x)
        rank = len(shape)
        exprs, dims = [], []
        for d in range(rank):
            if src[d] == 1 and shape[d] != 1:
                exprs.append(ir.AffineConstantExpr.get(0))
                dims.append(d)
            else:
                exprs.append(ir.AffineDimExpr.get(d))
        maps = [ir.AffineMap.get(rank, 0, exprs), ir.AffineMap.get_identity(rank)]
        out_type = ir.RankedTensorType.get(list(shape), elem)
        generic = linalg.GenericOp(
            [out_type],
            [x],
            [self.empty(shape, elem)],
            ir.ArrayAttr.get([ir.AffineMapAttr.get(a) for a in maps]),
            ir.ArrayAttr.get([ir.Attribute.parse("#linalg.iterator_type<parallel>")] * rank),
        )
        block = generic.regions[0].blocks.append(elem, elem)
        with ir.InsertionPoint(block):
            linalg.YieldOp([block.arguments[0]])
        generic.attributes["broadcastDims"] = ir.DenseI64ArrayAttr.get(dims)
        return generic.results[0]

    @staticmethod
    def expand_value(x: Any, axis: int) -> Any:
        src = list(shape_of(x))
        out = src[:axis] + [1] + src[axis:]
        groups: list[list[int]] = []
        for i in range(len(src)):
            o = i if i < axis else i + 1
            groups.append([o])
        if not groups:
            groups = [[0]]
        elif axis == 0:
            groups[0] = [0, 1]
        else:
            groups[axis - 1] = groups[axis - 1] + [axis]
        out_type = ir.RankedTensorType.get(out, element_type(x))
        return tensor.ExpandShapeOp(out_type, x, groups, [], out).result

    @staticmethod
    def reshape_value(x: Any, shape: tuple[int, ...]) -> Any:
        src = list(shape_of(x))
        elem = element_type(x)
        if src == list(shape):
            return x
        flat = x
        n = 1
        for s in src:
            n *= s
        if len(src) != 1:
            flat = tensor.CollapseShapeOp(ir.RankedTensorType.get([n], elem), x, [list(range(len(src)))]).result
        if len(shape) == 1:
            return flat
        out_type = ir.RankedTensorType.get(list(shape), elem)
        return tensor.ExpandShapeOp(out_type, flat, [list(range(len(shape)))], [], list(shape)).result

    def transpose_value(self, x: Any, order: list[int]) -> Any:
        src = shape_of(x)
        out = tuple(src[p] for p in order)
        return _value(linalg.transpose(x, outs=[self.empty(out, element_type(x))], permutation=order))

    def splat_scalar(self, v: Any) -> Any | None:
        """The scalar a tensor is filled with, if known."""
        return self.splat_of.get(v)

    # ------------------------------------------------------------------------------------------
    # tt ops without memory access
    # ------------------------------------------------------------------------------------------
    def program_id(self, op: Any) -> None:
        self.replace(op, self.grid[3 + int_attr(op, "axis", 0)])

    def num_programs(self, op: Any) -> None:
        self.replace(op, self.grid[int_attr(op, "axis", 0)])

    def make_range(self, op: Any) -> None:
        start, end = int_attr(op, "start", 0), int_attr(op, "end", 0)
        res = op.results[0]
        elem = element_type(res)
        n = end - start
        out_type = ir.RankedTensorType.get([n], elem)
        generic = linalg.GenericOp(
            [out_type],
            [],
            [self.empty((n,), elem)],
            ir.ArrayAttr.get([ir.AffineMapAttr.get(ir.AffineMap.get_identity(1))]),
            ir.ArrayAttr.get([ir.Attribute.parse("#linalg.iterator_type<parallel>")]),
        )
        block = generic.regions[0].blocks.append(elem)
        with ir.InsertionPoint(block):
            i = arith.IndexCastOp(elem, linalg.IndexOp(0).result).result
            if start:
                i = arith.AddIOp(i, self.scalar_const(elem, start)).result
            linalg.YieldOp([i])
        value = generic.results[0]
        self.affine[value] = Affine.arange(start, end)
        self.replace(op, value)

    def splat(self, op: Any) -> None:
        src, res = op.operands[0], op.results[0]
        shape = shape_of(res)
        if is_ptr(src.type):
            p = self._plain_ptr(op, src)
            if p.shape:
                raise fail(op, "only a scalar pointer can be splat")
            self.ptrs[res] = Ptr(p.base, p.elem, Affine.uniform(shape, p.offset.const))
            self.dead.append(op)
            return
        value = self.fill(src, shape)
        if isinstance(src.type, (ir.IntegerType, ir.IndexType)):
            if isinstance(src.type, ir.IntegerType) and src.type.width == 1:
                self.masks[value] = Mask.when(self.m, shape, src)
            else:
                self.affine[value] = Affine.uniform(shape, self.m.const_of(src))
        c = self.m.const_of(src) if isinstance(src.type, ir.IntegerType) else None
        if isinstance(c, int):
            self.number_of[value] = c
        self.replace(op, value)

    def constant(self, op: Any) -> None:
        res = op.results[0]
        if not isinstance(res.type, ir.RankedTensorType):
            return
        dense = ir.DenseElementsAttr(op.attributes["value"])
        if not dense.is_splat:
            return  # a non-splat constant stays (bufferization turns it into a global)
        elem = element_type(res)
        shape = shape_of(res)
        splat = dense.get_splat_value()
        if isinstance(elem, ir.IntegerType):
            number: float = ir.IntegerAttr(splat).value
        else:
            number = ir.FloatAttr(splat).value
        scalar = arith.ConstantOp(elem, splat).result
        value = self.fill(scalar, shape)
        self.number_of[value] = number
        if isinstance(elem, ir.IntegerType):
            if elem.width == 1:
                self.masks[value] = (
                    Mask.full(shape) if number else Mask(shape, tuple(0 for _ in shape), tuple(0 for _ in shape))
                )
            else:
                self.affine[value] = Affine.uniform(shape, int(number))
        self.replace(op, value)

    def broadcast(self, op: Any) -> None:
        src, res = op.operands[0], op.results[0]
        shape = shape_of(res)
        if is_ptr(src.type):
            p = self._plain_ptr(op, src)
            self.ptrs[res] = Ptr(p.base, p.elem, p.offset.broadcast(shape))
            self.dead.append(op)
            return
        value = self.broadcast_value(src, shape)
        self._carry(src, value, lambda a: a.broadcast(shape), lambda k: k.broadcast(self.m, shape))
        self.replace(op, value)

    def expand_dims(self, op: Any) -> None:
        src, res = op.operands[0], op.results[0]
        axis = int_attr(op, "axis", 0)
        if is_ptr(src.type):
            p = self._plain_ptr(op, src)
            self.ptrs[res] = Ptr(p.base, p.elem, p.offset.expand_dims(axis))
            self.dead.append(op)
            return
        value = self.expand_value(src, axis)
        self._carry(src, value, lambda a: a.expand_dims(axis), lambda k: k.expand_dims(axis))
        self.replace(op, value)

    def reshape(self, op: Any) -> None:
        src, res = op.operands[0], op.results[0]
        shape = shape_of(res)
        if is_ptr(src.type):
            p = self._plain_ptr(op, src)
            off = p.offset.reshape(shape)
            if off is None:
                raise fail(op, "reshaping a pointer tensor is supported only when it adds or drops unit dimensions")
            self.ptrs[res] = Ptr(p.base, p.elem, off)
            self.dead.append(op)
            return
        value = self.reshape_value(src, shape)
        a = self.affine.get(src)
        if a is not None:
            r = a.reshape(shape)
            if r is not None:
                self.affine[value] = r
        self.replace(op, value)

    def trans(self, op: Any) -> None:
        src = op.operands[0]
        order = i32_array(op, "order")
        if is_ptr(src.type):
            raise fail(op, "transposing a pointer tensor is not supported")
        value = self.transpose_value(src, order)
        a = self.affine.get(src)
        if a is not None:
            self.affine[value] = a.permute(order)
        self.replace(op, value)

    def _carry(
        self, src: Any, value: Any, on_affine: Callable[[Affine], Affine], on_mask: Callable[[Mask], Mask]
    ) -> None:
        a = self.affine.get(src)
        if a is not None:
            self.affine[value] = on_affine(a)
        k = self.masks.get(src)
        if k is not None:
            self.masks[value] = on_mask(k)
        s = self.splat_of.get(src)
        if s is not None:
            self.splat_of[value] = s
        n = self.number_of.get(src)
        if n is not None:
            self.number_of[value] = n

    def dot(self, op: Any) -> None:
        a, b, c = op.operands[0], op.operands[1], op.operands[2]
        res = op.results[0]
        elem = element_type(res)
        zero = self.scalar_const(elem, 0)
        init = _value(linalg.fill(zero, outs=[self.empty(shape_of(res), elem)]))
        # explicit maps: the Python builder leaves them out, the parser fills them in; passes read them
        d0, d1, d2 = (ir.AffineDimExpr.get(i) for i in range(3))
        maps = [ir.AffineMap.get(3, 0, [d0, d2]), ir.AffineMap.get(3, 0, [d2, d1]), ir.AffineMap.get(3, 0, [d0, d1])]
        product = _value(linalg.matmul(a, b, outs=[init], indexing_maps=maps))
        if self.number_of.get(c) == 0:
            self.replace(op, product)
            return
        add = arith.AddIOp if isinstance(elem, ir.IntegerType) else arith.AddFOp
        self.replace(op, add(c, product).result)

    def reduce(self, op: Any) -> None:
        if len(op.operands) != 1 or len(op.results) != 1:
            raise fail(op, "reductions of several tensors at once (e.g. argmax) are not supported")
        src = op.operands[0]
        axis = int_attr(op, "axis", 0)
        shape = shape_of(src)
        elem = element_type(src)
        rank = len(shape)
        if rank > 1 and axis != 0:
            order = [axis] + [d for d in range(rank) if d != axis]
            src = self.transpose_value(src, order)
            shape = tuple(shape[p] for p in order)
        body = op.regions[0].blocks[0]
        combine = [o for o in body.operations if o.operation.name != "tt.reduce.return"]
        out_shape = shape[1:]
        identity = None
        if len(combine) == 1 and combine[0].operation.name in _IDENTITY:
            c_op = combine[0].operation
            args = list(body.arguments)
            if set(c_op.operands) == set(args) and len(set(args)) == 2:
                identity = _IDENTITY[c_op.name](elem)
        if identity is not None:
            init = self.fill(self.scalar_const(elem, identity), out_shape)
        else:  # no known identity: start from the first slice and reduce the rest
            first = tensor.ExtractSliceOp(
                ir.RankedTensorType.get(list(out_shape), elem),
                src,
                [],
                [],
                [],
                [0] * len(shape),
                [1] + list(out_shape),
                [1] * len(shape),
            ).result
            init = first
            if shape[0] == 1:
                self._reduce_done(op, init, out_shape)
                return
            rest = (shape[0] - 1,) + tuple(out_shape)
            src = tensor.ExtractSliceOp(
                ir.RankedTensorType.get(list(rest), elem),
                src,
                [],
                [],
                [],
                [1] + [0] * (len(shape) - 1),
                list(rest),
                [1] * len(shape),
            ).result
        out_type = ir.RankedTensorType.get(list(out_shape), elem)
        red = linalg.ReduceOp([out_type], [src], [init], ir.DenseI64ArrayAttr.get([0]))
        block = red.regions[0].blocks.append(elem, elem)
        mapping = {body.arguments[0]: block.arguments[0], body.arguments[1]: block.arguments[1]}
        with ir.InsertionPoint(block):
            for o in body.operations:
                o = o.operation
                if o.name == "tt.reduce.return":
                    linalg.YieldOp([mapping.get(v, v) for v in o.operands])
                    continue
                if o.name.startswith("tt."):
                    raise fail(o, "Triton operations inside a reduction's combine function are not supported")
                clone = o.clone()
                for i, v in enumerate(o.operands):
                    if v in mapping:
                        clone.operands[i] = mapping[v]
                for old_r, new_r in zip(o.results, clone.results, strict=True):
                    mapping[old_r] = new_r
        self._reduce_done(op, red.results[0], out_shape)

    def _reduce_done(self, op: Any, value: Any, out_shape: tuple[int, ...]) -> None:
        if not out_shape:
            value = tensor.ExtractOp(value, []).result
        self.replace(op, value)

    def extern_elementwise(self, op: Any) -> None:
        symbol = str_attr(op, "symbol") or ""
        name = libdevice.op_for(symbol)
        if name is None:
            raise fail(op, f"libdevice function '{symbol}' has no equivalent in hexopt")
        res = op.results[0]
        new = ir.Operation.create(name, results=[res.type], operands=list(op.operands))
        self.replace(op, new.results[0])

    def fp_to_fp(self, op: Any) -> None:
        src, res = op.operands[0], op.results[0]
        a, b = element_type(src), element_type(res)
        if (
            not (isinstance(a, ir.FloatType) and isinstance(b, ir.FloatType))
            or ir.FloatType(a).width not in (16, 32, 64)
            or ir.FloatType(b).width not in (16, 32, 64)
        ):
            raise fail(op, f"conversion {a} -> {b} is not supported (fp8 types are not)")
        if ir.FloatType(a).width > ir.FloatType(b).width:
            value = arith.TruncFOp(res.type, src).result
        else:
            value = arith.ExtFOp(res.type, src).result
        self.replace(op, value)

    def clampf(self, op: Any) -> None:
        x, lo, hi = op.operands[0], op.operands[1], op.operands[2]
        nan = int_attr(op, "propagateNan", 0)
        mx, mn = (arith.MaximumFOp, arith.MinimumFOp) if nan else (arith.MaxNumFOp, arith.MinNumFOp)
        self.replace(op, mn(mx(x, lo).result, hi).result)

    def precise_sqrt(self, op: Any) -> None:
        self.replace(
            op, ir.Operation.create("math.sqrt", results=[op.results[0].type], operands=[op.operands[0]]).results[0]
        )

    def precise_divf(self, op: Any) -> None:
        self.replace(op, arith.DivFOp(op.operands[0], op.operands[1]).result)

    def bitcast(self, op: Any) -> None:
        if is_ptr(op.operands[0].type) or is_ptr(op.results[0].type):
            raise fail(op, "bitcasts of pointers are not supported")
        self.replace(op, arith.BitcastOp(op.results[0].type, op.operands[0]).result)

    def ret(self, op: Any) -> None:
        if len(op.operands):
            raise fail(op, "kernels return nothing")
        func.ReturnOp([])
        self.dead.append(op)

    # ------------------------------------------------------------------------------------------
    # pointers
    # ------------------------------------------------------------------------------------------
    def _plain_ptr(self, op: Any, v: Any) -> Ptr:
        st = self._ptr(op, v)
        if not isinstance(st, Ptr):
            raise fail(op, "this operation on a block pointer is not supported")
        return st

    def _ptr(self, op: Any, v: Any) -> Ptr | BlockPtr:
        st = self.ptrs.get(v)
        if st is None:
            raise fail(
                op,
                "the pointer does not come from a kernel argument through tt.addptr, tt.splat, "
                "tt.broadcast, tt.expand_dims or a loop",
            )
        return st

    def addptr(self, op: Any) -> None:
        p = self._ptr(op, op.operands[0])
        if not isinstance(p, Ptr):
            raise fail(op, "tt.addptr on a block pointer")
        off = self.affine_of(op.operands[1])
        if off is None:
            raise fail(
                op,
                "the offsets are not affine in tl.arange (e.g. they were loaded from memory or use "
                "% or // on tensors); only structured pointers (one strided block) are supported",
            )
        if not off.shape and p.shape:
            off = Affine.uniform(p.shape, off.const)
        offset = p.offset.add(self.m, off)
        if not offset.shape and not isinstance(offset.const, int):
            # a scalar pointer's offset is computed once, where the pointer is formed
            offset = Affine.uniform((), self.m.value(offset.const))
        self.ptrs[op.results[0]] = Ptr(p.base, p.elem, offset)
        self.dead.append(op)

    def make_tensor_ptr(self, op: Any) -> None:
        res = op.results[0]
        block_type = ir.RankedTensorType(pointee(res.type))
        n = len(block_type.shape)
        operands = list(op.operands)
        base = self._ptr(op, operands[0])
        if not isinstance(base, Ptr) or base.shape:
            raise fail(op, "the base of a block pointer must be a scalar pointer")
        bounds = tuple(self.m.const_of(v) for v in operands[1 : 1 + n])
        strides = tuple(self.m.const_of(v) for v in operands[1 + n : 1 + 2 * n])
        offsets = tuple(self.m.const_of(v) for v in operands[1 + 2 * n : 1 + 3 * n])
        bp = BlockPtr(base.base, base.elem, bounds, strides, offsets, tuple(block_type.shape), base.offset.const)
        self.ptrs[res] = bp
        self.dead.append(op)

    def advance(self, op: Any) -> None:
        bp = self._ptr(op, op.operands[0])
        if not isinstance(bp, BlockPtr):
            raise fail(op, "tt.advance needs a block pointer")
        deltas = [self.m.const_of(v) for v in list(op.operands)[1:]]
        self.ptrs[op.results[0]] = bp.advance(self.m, deltas)
        self.dead.append(op)

    def _as_ptr(self, st: Ptr | BlockPtr) -> Ptr:
        if isinstance(st, BlockPtr):
            return st.as_ptr(self.m)
        return st

    def reinterpret(self, p: Ptr) -> Any:
        """memref.reinterpret_cast of the base to the block `p` addresses."""
        dyn = ir.ShapedType.get_dynamic_stride_or_offset()
        shape = list(p.shape) or [1]
        coeffs = list(p.offset.coeffs) or [1]
        static_strides = [c if isinstance(c, int) else dyn for c in coeffs]
        const = p.offset.const
        static_offset = const if isinstance(const, int) else dyn
        layout = ir.StridedLayoutAttr.get(static_offset, static_strides)
        out_type = ir.MemRefType.get(shape, p.elem, layout)
        offsets = [] if isinstance(const, int) else [self.m.value(const)]
        strides = [self.m.value(c) for c in coeffs if not isinstance(c, int)]
        return memref.ReinterpretCastOp(
            out_type, p.base, offsets, [], strides, [static_offset], shape, static_strides
        ).result

    def subview(self, source: Any, offsets: list, sizes: list) -> Any:
        dyn = ir.ShapedType.get_dynamic_stride_or_offset()
        dyn_size = ir.ShapedType.get_dynamic_size()
        src_type = ir.MemRefType(source.type)
        strides, src_offset = src_type.get_strides_and_offset()
        offset = src_offset
        for o, st in zip(offsets, strides, strict=True):
            if offset == dyn or not isinstance(o, int) or st == dyn:
                offset = dyn
            else:
                offset += o * st
        layout = ir.StridedLayoutAttr.get(offset, list(strides))
        out_type = ir.MemRefType.get(
            [s if isinstance(s, int) else dyn_size for s in sizes], src_type.element_type, layout
        )
        return memref.SubViewOp(
            out_type,
            source,
            [self.m.value(o) for o in offsets if not isinstance(o, int)],
            [self.m.value(s) for s in sizes if not isinstance(s, int)],
            [],
            [o if isinstance(o, int) else dyn for o in offsets],
            [s if isinstance(s, int) else dyn_size for s in sizes],
            [1] * len(sizes),
        ).result

    def masked_view(self, p: Ptr, offsets: list, sizes: list) -> Any:
        """The memory of the valid box of a masked access: a subview of the block's reinterpret_cast, or,
        when the block starts before the base (a static negative offset, which memref layouts cannot
        hold: e.g. x_ptr + offs - 1 masked by offs - 1 >= 0), a reinterpret_cast of the box itself."""
        const = p.offset.const
        if not (isinstance(const, int) and const < 0):
            return self.subview(self.reinterpret(p), offsets, sizes)
        start: Any = const
        for o, c in zip(offsets, p.offset.coeffs, strict=True):
            start = self.m.add(start, self.m.mul(o, c))
        dyn = ir.ShapedType.get_dynamic_stride_or_offset()
        dyn_size = ir.ShapedType.get_dynamic_size()
        coeffs = list(p.offset.coeffs)
        static_strides = [c if isinstance(c, int) else dyn for c in coeffs]
        static_offset = start if isinstance(start, int) and start >= 0 else dyn
        layout = ir.StridedLayoutAttr.get(static_offset, static_strides)
        out_type = ir.MemRefType.get([s if isinstance(s, int) else dyn_size for s in sizes], p.elem, layout)
        return memref.ReinterpretCastOp(
            out_type,
            p.base,
            [] if static_offset != dyn else [self.m.value(start)],
            [self.m.value(s) for s in sizes if not isinstance(s, int)],
            [self.m.value(c) for c in coeffs if not isinstance(c, int)],
            [static_offset],
            [s if isinstance(s, int) else dyn_size for s in sizes],
            static_strides,
        ).result

    def _load_store_mask(self, op: Any, st: Ptr | BlockPtr, mask_value: Any | None) -> Mask | None:
        mask = None
        if mask_value is not None:
            if not isinstance(mask_value.type, ir.RankedTensorType):
                return None  # scalar masks are handled by the scalar paths
            mask = self.masks.get(mask_value)
            if mask is None:
                raise fail(
                    op,
                    "the mask is not a box: use comparisons of tl.arange-based offsets with "
                    "bounds (<, <=, >, >=), combined with &",
                )
        if isinstance(st, BlockPtr):
            dims = i32_array(op, "boundaryCheck")
            if dims:
                bound = st.boundary_mask(self.m, dims)
                mask = bound if mask is None else mask.intersect(self.m, bound)
        if mask is not None and mask.is_full():
            return None
        return mask

    def load(self, op: Any) -> None:
        operands = list(op.operands)
        seg = segment_sizes(op) or [1, len(operands) > 1, len(operands) > 2]
        mask_v = operands[1] if seg[1] else None
        other_v = operands[1 + seg[1]] if seg[2] else None
        st = self._ptr(op, operands[0])
        res = op.results[0]
        if not isinstance(res.type, ir.RankedTensorType):
            self.replace(op, self._scalar_load(op, self._as_ptr(st), mask_v, other_v))
            return
        mask = self._load_store_mask(op, st, mask_v)
        p = self._as_ptr(st)
        elem = p.elem
        tensor_type = ir.RankedTensorType.get(list(p.shape), elem)
        if mask is None:
            self.replace(op, bufferization.ToTensorOp(tensor_type, self.reinterpret(p), restrict=True).result)
            return
        buf = memref.AllocOp(ir.MemRefType.get(list(p.shape), elem), [], []).result
        fill_value = None
        if other_v is not None:
            fill_value = self.splat_scalar(other_v)
            if fill_value is None:
                raise fail(op, "the 'other' value of a masked load must be a scalar or a splat")
        elif isinstance(st, BlockPtr) and int_attr(op, "padding", 1) == 2:
            fill_value = self.scalar_const(elem, pymath.nan)
        elif isinstance(st, BlockPtr):
            fill_value = self.scalar_const(elem, 0)
        if fill_value is not None:
            linalg.fill(fill_value, outs=[buf])
        offsets, sizes = mask.box(self.m)
        # linalg.copy, not memref.copy: a strided memref.copy lowers to a call of the C runner utils'
        # memrefCopy, which the Hexagon runtime does not have; linalg.copy becomes loops.
        linalg.copy(self.masked_view(p, offsets, sizes), outs=[self.subview(buf, offsets, sizes)])
        self.replace(op, bufferization.ToTensorOp(tensor_type, buf, restrict=True, writable=True).result)

    def _scalar_load(self, op: Any, p: Ptr, mask_v: Any | None, other_v: Any | None) -> Any:
        view = self.reinterpret(p)
        zero = [self.m.value(0)]
        if mask_v is None:
            return memref.LoadOp(view, zero).result
        if other_v is None:
            other_v = self.scalar_const(p.elem, 0)
        branch = scf.IfOp(mask_v, [p.elem], has_else=True)
        with ir.InsertionPoint(branch.then_block):
            scf.YieldOp([memref.LoadOp(view, zero).result])
        with ir.InsertionPoint(branch.else_block):
            scf.YieldOp([other_v])
        return branch.results[0]

    def store(self, op: Any) -> None:
        operands = list(op.operands)
        st = self._ptr(op, operands[0])
        value = operands[1]
        mask_v = operands[2] if len(operands) > 2 else None
        p = self._as_ptr(st) if isinstance(st, BlockPtr) else st
        if not isinstance(value.type, ir.RankedTensorType):
            view = self.reinterpret(p)
            zero = [self.m.value(0)]
            if mask_v is None:
                memref.StoreOp(value, view, zero)
            else:
                branch = scf.IfOp(mask_v)
                with ir.InsertionPoint(branch.then_block):
                    memref.StoreOp(value, view, zero)
                    scf.YieldOp([])
            self.dead.append(op)
            return
        mask = self._load_store_mask(op, st, mask_v)
        p = self._as_ptr(st)
        if mask is None:
            bufferization.MaterializeInDestinationOp(None, value, self.reinterpret(p), writable=True)
        else:
            # The valid box is copied with linalg.copy (loops) from the value's buffer. A
            # materialize_in_destination of a tensor.extract_slice into the subview would bufferize to a
            # strided memref.copy, which lowers to a call of memrefCopy (MLIR's C runner utils): one
            # element at a time, and not in the Hexagon runtime.
            offsets, sizes = mask.box(self.m)
            shape = shape_of(value)
            buf = bufferization.ToBufferOp(
                ir.MemRefType.get(list(shape), element_type(value)), value, read_only=True
            ).result
            linalg.copy(self.subview(buf, offsets, sizes), outs=[self.masked_view(p, offsets, sizes)])
        self.dead.append(op)

    # ------------------------------------------------------------------------------------------
    # loops carrying pointers
    # ------------------------------------------------------------------------------------------
    def _slots(self, st: Ptr | BlockPtr) -> list:
        if isinstance(st, BlockPtr):
            return list(st.offsets)
        return [st.offset.const]

    @staticmethod
    def _with_slots(template: Ptr | BlockPtr, slots: list) -> Ptr | BlockPtr:
        if isinstance(template, BlockPtr):
            return replace(template, offsets=tuple(slots))
        return Ptr(template.base, template.elem, Affine(template.shape, slots[0], template.offset.coeffs))

    @staticmethod
    def _compatible(a: Ptr | BlockPtr, b: Ptr | BlockPtr) -> bool:
        if type(a) is not type(b) or a.base != b.base:
            return False
        if isinstance(a, BlockPtr) and isinstance(b, BlockPtr):
            return (
                a.block == b.block
                and same(a.base_offset, b.base_offset)
                and all(same(x, y) for x, y in zip(a.strides, b.strides, strict=True))
            )
        assert isinstance(a, Ptr) and isinstance(b, Ptr)
        return a.shape == b.shape and all(same(x, y) for x, y in zip(a.offset.coeffs, b.offset.coeffs, strict=True))

    def for_loop(self, op: Any) -> None:
        loop = op.opview
        inits = list(loop.initArgs)
        if not any(is_ptr(v.type) for v in inits):
            self.visit_block(loop.body)
            return
        templates: dict[int, Ptr | BlockPtr] = {}
        new_inits = []
        for i, v in enumerate(inits):
            if is_ptr(v.type):
                st = self._ptr(op, v)
                templates[i] = st
                new_inits += [self.m.value(s) for s in self._slots(st)]
            else:
                new_inits.append(v)
        new = scf.ForOp(loop.lowerBound, loop.upperBound, loop.step, new_inits)
        old_body, new_body = loop.body, new.body
        old_args = list(old_body.arguments)
        new_args = list(new_body.arguments)
        old_args[0].replace_all_uses_with(new_args[0])
        results = list(new.results)
        k = 0
        for i, old_arg in enumerate(old_args[1:]):
            if i in templates:
                n = len(self._slots(templates[i]))
                self.ptrs[old_arg] = self._with_slots(templates[i], new_args[1 + k : 1 + k + n])
                self.ptrs[loop.results[i]] = self._with_slots(templates[i], results[k : k + n])
                k += n
            else:
                old_arg.replace_all_uses_with(new_args[1 + k])
                loop.results[i].replace_all_uses_with(results[k])
                k += 1
        for o in list(old_body.operations):
            new_body.append(o)
        self.dead.append(op)
        self.visit_block(new_body)
        old_yield = list(new_body.operations)[-1].operation
        with ir.InsertionPoint(old_yield), old_yield.location:
            yielded = []
            for i, v in enumerate(old_yield.operands):
                if i in templates:
                    st = self._ptr(old_yield, v)
                    if not self._compatible(templates[i], st):
                        raise fail(
                            op,
                            "a pointer carried by the loop changes its base or strides between "
                            "iterations; only its offset may change",
                        )
                    yielded += [self.m.value(s) for s in self._slots(st)]
                else:
                    yielded.append(v)
            scf.YieldOp(yielded)
        old_yield.erase()
