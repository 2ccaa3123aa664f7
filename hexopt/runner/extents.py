"""Which elements of each tensor argument a triton-shared kernel touches, for a given grid and scalars.

A runner must never let a kernel read or write memory it was not given (`hexopt bench --grid 8` on a
kernel built for 4 programs wrote past its output buffer and corrupted the heap). In triton-shared IR
every access to a pointer argument goes through `memref.reinterpret_cast %arg to offset: [o], sizes:
[...], strides: [...]` (then maybe `memref.subview`), whose offsets are scalar functions of the grid
ints, the scalar arguments and loop counters. This module executes that scalar skeleton concretely,
once per program of the grid (loops run for real, tensor values are not computed), and records the
element range [lo, hi) of every read and write of each argument. When an offset depends on something
it cannot know (data loaded from a tensor, an unsupported op), the argument is reported `unknown`
with the reason, and the runner falls back to its guard pages.

It runs in the worker (task `extents`), on the Linalg input, before lowering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hexopt.errors import InputError, RunError

#: Executed-op budget of one analysis (all programs together); beyond it the extents are `unknown`.
MAX_STEPS = 3_000_000


class _Unknown(Exception):
    """An access whose range cannot be computed."""


class _OutOfBudget(Exception):
    pass


@dataclass
class View:
    """A strided window of pointer argument `arg`: element offset, sizes and strides (ints or None)."""

    arg: int
    offset: int | None
    sizes: list[int | None]
    strides: list[int | None]

    def span(self) -> tuple[int, int] | None:
        """[lo, hi) in elements, or None when it is empty; _Unknown when a value is unknown."""
        if self.offset is None or None in self.sizes or None in self.strides:
            raise _Unknown("an offset, size or stride depends on values the analysis cannot compute")
        sizes: list[int] = self.sizes  # type: ignore[assignment]
        strides: list[int] = self.strides  # type: ignore[assignment]
        if any(s <= 0 for s in sizes):
            return None
        lo = hi = self.offset
        for size, stride in zip(sizes, strides, strict=False):
            reach = (size - 1) * stride
            lo, hi = lo + min(0, reach), hi + max(0, reach)
        return lo, hi + 1


@dataclass
class ArgAccess:
    """What a kernel does with one pointer argument, over the whole grid."""

    index: int
    dtype: str
    lo: int | None = None
    hi: int | None = None
    read: bool = False
    written: bool = False
    unknown: str | None = None

    def add(self, span: tuple[int, int] | None, write: bool) -> None:
        if write:
            self.written = True
        else:
            self.read = True
        if span is None:
            return
        self.lo = span[0] if self.lo is None else min(self.lo, span[0])
        self.hi = span[1] if self.hi is None else max(self.hi, span[1])

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Machine:
    accesses: dict[int, ArgAccess]
    args: dict[Any, int] = field(default_factory=dict)  # pointer block argument -> its index
    steps: int = 0


def _wrap(value: int, t: Any) -> int:
    """`value` as a signed integer of type `t` (index and i64 are left wide)."""
    from hexopt.ir import ir

    if isinstance(t, ir.IntegerType) and t.width < 64:
        bits = t.width
        value &= (1 << bits) - 1
        if bits > 1 and value >= 1 << (bits - 1):
            value -= 1 << bits
    return value


def _affine(expr: Any, dims: list[Any], syms: list[Any]) -> int | None:
    from hexopt.ir import ir

    if isinstance(expr, ir.AffineConstantExpr):
        return int(expr.value)
    if isinstance(expr, ir.AffineDimExpr):
        return dims[expr.position]
    if isinstance(expr, ir.AffineSymbolExpr):
        return syms[expr.position]
    for kind, fn in (
        (ir.AffineAddExpr, lambda a, b: a + b),
        (ir.AffineMulExpr, lambda a, b: a * b),
        (ir.AffineModExpr, lambda a, b: a % b),
        (ir.AffineFloorDivExpr, lambda a, b: a // b),
        (ir.AffineCeilDivExpr, lambda a, b: -((-a) // b)),
    ):
        if isinstance(expr, kind):
            a, b = _affine(expr.lhs, dims, syms), _affine(expr.rhs, dims, syms)
            return None if a is None or b is None else fn(a, b)
    return None


_BINARY: dict[str, Callable[[int, int], int | None]] = {
    "arith.addi": lambda a, b: a + b,
    "arith.subi": lambda a, b: a - b,
    "arith.muli": lambda a, b: a * b,
    "arith.divsi": lambda a, b: int(a / b) if b else None,
    "arith.divui": lambda a, b: a // b if b else None,
    "arith.remsi": lambda a, b: a - b * int(a / b) if b else None,
    "arith.remui": lambda a, b: a % b if b else None,
    "arith.ceildivsi": lambda a, b: -((-a) // b) if b else None,
    "arith.floordivsi": lambda a, b: a // b if b else None,
    "arith.maxsi": max,
    "arith.minsi": min,
    "arith.maxui": max,
    "arith.minui": min,
    "arith.andi": lambda a, b: a & b,
    "arith.ori": lambda a, b: a | b,
    "arith.xori": lambda a, b: a ^ b,
    "arith.shli": lambda a, b: a << b,
    "arith.shrsi": lambda a, b: a >> b,
    "arith.shrui": lambda a, b: a >> b,
}
_CMP = {
    0: lambda a, b: a == b,
    1: lambda a, b: a != b,
    2: lambda a, b: a < b,
    3: lambda a, b: a <= b,
    4: lambda a, b: a > b,
    5: lambda a, b: a >= b,
    6: lambda a, b: a < b,
    7: lambda a, b: a <= b,
    8: lambda a, b: a > b,
    9: lambda a, b: a >= b,
}
_CASTS = ("arith.index_cast", "arith.index_castui", "arith.extsi", "arith.extui", "arith.trunci")


def _static_or_dynamic(op: Any, static_name: str, dynamic: list[Any], env: dict[Any, Any]) -> list[int | None]:
    from hexopt.ir import ir

    dyn = iter(dynamic)
    out: list[int | None] = []
    for s in ir.DenseI64ArrayAttr(op.attributes[static_name]):
        out.append(env.get(next(dyn)) if s == ir.ShapedType.get_dynamic_size() else int(s))
    return out


def _record(m: _Machine, value: Any, write: bool) -> None:
    if not isinstance(value, View):
        return
    access = m.accesses[value.arg]
    if access.unknown:
        access.written = access.written or write
        access.read = access.read or not write
        return
    try:
        access.add(value.span(), write)
    except _Unknown as e:
        access.add(None, write)
        access.unknown = str(e)


def _run_block(m: _Machine, block: Any, env: dict[Any, Any]) -> list[Any] | None:
    """Execute `block`; the values its terminator yields (None for func.return)."""
    from hexopt.ir import ir

    for op in block.operations:
        m.steps += 1
        if m.steps > MAX_STEPS:
            raise _OutOfBudget()
        name = op.operation.name
        operands = [env.get(v) for v in op.operands]
        if name in ("scf.yield", "affine.yield"):
            return operands
        if name == "func.return":
            return None
        results: list[Any] = [None] * len(op.results)
        if name == "arith.constant":
            attr = op.attributes["value"]
            if isinstance(attr, ir.IntegerAttr):
                results[0] = int(attr.value)
        elif name in _BINARY:
            lhs, rhs = operands
            if lhs is not None and rhs is not None:
                value = _BINARY[name](lhs, rhs)
                if value is not None:
                    results[0] = _wrap(value, op.results[0].type)
        elif name in _CASTS:
            if operands[0] is not None:
                results[0] = _wrap(operands[0], op.results[0].type)
        elif name == "arith.cmpi":
            if None not in operands:
                results[0] = int(_CMP[int(ir.IntegerAttr(op.attributes["predicate"]).value)](*operands))
        elif name == "arith.select":
            if operands[0] is not None:
                results[0] = operands[1] if operands[0] else operands[2]
        elif name in ("affine.apply", "affine.min", "affine.max"):
            amap = ir.AffineMapAttr(op.attributes["map"]).value
            values = [_affine(e, operands[: amap.n_dims], operands[amap.n_dims :]) for e in amap.results]
            known = [v for v in values if v is not None]
            if len(known) == len(values) and known:
                results[0] = (
                    known[0] if name == "affine.apply" else (min(known) if name == "affine.min" else max(known))
                )
        elif name == "memref.reinterpret_cast":
            source = op.operands[0]
            arg = (
                m.args.get(source) if source in m.args else (operands[0].arg if isinstance(operands[0], View) else None)
            )
            if arg is not None:
                view = op.opview
                results[0] = View(
                    arg,
                    _static_or_dynamic(op, "static_offsets", list(view.offsets), env)[0],
                    _static_or_dynamic(op, "static_sizes", list(view.sizes), env),
                    _static_or_dynamic(op, "static_strides", list(view.strides), env),
                )
        elif name == "memref.subview" and isinstance(operands[0], View):
            base, view = operands[0], op.opview
            offs = _static_or_dynamic(op, "static_offsets", list(view.offsets), env)
            sizes = _static_or_dynamic(op, "static_sizes", list(view.sizes), env)
            steps = _static_or_dynamic(op, "static_strides", list(view.strides), env)
            offset = base.offset
            for o, s in zip(offs, base.strides, strict=False):
                offset = None if offset is None or o is None or s is None else offset + o * s
            strides = [None if a is None or b is None else a * b for a, b in zip(base.strides, steps, strict=False)]
            if len(sizes) == len(base.strides):
                results[0] = View(base.arg, offset, sizes, strides)
            else:  # a rank-reducing subview: keep the whole window
                results[0] = View(base.arg, offset, sizes, [s for s in strides][: len(sizes)])
        elif name in ("memref.cast", "memref.collapse_shape", "memref.expand_shape") and isinstance(operands[0], View):
            results[0] = operands[0]  # the same elements, seen with another shape
        elif name == "bufferization.to_tensor":
            _record(m, operands[0], write=False)
        elif name == "memref.copy":
            _record(m, operands[0], write=False)
            _record(m, operands[1], write=True)
        elif name == "bufferization.materialize_in_destination":
            _record(m, operands[1], write=True)
        elif name in ("memref.load", "memref.store", "affine.load", "affine.store"):
            target = operands[0] if name.endswith("load") else operands[1]
            if isinstance(target, View):
                idx = operands[1:] if name.endswith("load") else operands[2:]
                point = View(target.arg, target.offset, [1] * len(idx), target.strides)
                if None not in idx and point.offset is not None and None not in target.strides:
                    point.offset = target.offset + sum(i * s for i, s in zip(idx, target.strides, strict=False))  # type: ignore
                else:
                    point.offset = None
                _record(m, point, write=name.endswith("store"))
        elif name == "scf.for":
            results = _run_for(m, op, operands, env)
        elif name == "scf.if":
            results = _run_if(m, op, operands, env)
        else:
            for value in operands:  # a view used by anything else: it may be read and written
                if isinstance(value, View):
                    _record(m, value, write=False)
                    _record(m, value, write=True)
            for region in op.regions:  # e.g. a while loop: run its regions once, values unknown
                for b in region.blocks:
                    env.update((a, None) for a in b.arguments)
                    _run_block(m, b, env)
        for r, v in zip(op.results, results, strict=False):
            env[r] = v
    return None


def _run_for(m: _Machine, op: Any, operands: list[Any], env: dict[Any, Any]) -> list[Any]:
    """Run the loop for real (the block arguments of its body are rebound each trip in the shared `env`)."""
    lb, ub, step, *inits = operands
    body = op.regions[0].blocks[0]
    args = list(body.arguments)
    carried = list(inits)
    if None in (lb, ub, step) or step <= 0:
        env.update((a, None) for a in args)
        _run_block(m, body, env)
        return [None] * len(op.results)
    iv = lb
    while iv < ub:
        env.update(zip(args, [iv, *carried], strict=False))
        yielded = _run_block(m, body, env)
        carried = list(yielded) if yielded is not None else [None] * len(carried)
        iv += step
    return carried


def _run_if(m: _Machine, op: Any, operands: list[Any], env: dict[Any, Any]) -> list[Any]:
    cond = operands[0]
    branches = [r for r in op.regions if len(r.blocks)]
    if cond is not None:
        region = op.regions[0] if cond else op.regions[1]
        if not len(region.blocks):
            return [None] * len(op.results)
        yielded = _run_block(m, region.blocks[0], env)
        return list(yielded) if yielded is not None else [None] * len(op.results)
    for region in branches:
        _run_block(m, region.blocks[0], env)
    return [None] * len(op.results)


def kernel_function(module: Any, entry: str | None = None) -> Any:
    """The kernel's func.func: `entry`, or the only public function with a body."""
    funcs = [
        op
        for op in module.body.operations
        if op.operation.name == "func.func" and "sym_visibility" not in op.attributes and len(op.regions[0].blocks)
    ]
    if entry is not None:
        funcs = [f for f in funcs if f.attributes["sym_name"].value == entry]
    if len(funcs) != 1:
        raise InputError(
            f"cannot find the kernel function{f' @{entry}' if entry else ''} in the input "
            f"({len(funcs)} public func.func found)"
        )
    return funcs[0]


def parameters(func: Any) -> list[dict[str, str]]:
    """The kernel's parameters before the six grid ints: {"kind": "memref"|"scalar", "type": element/scalar type}."""
    from hexopt.ir import ir

    out = []
    for a in list(func.regions[0].blocks[0].arguments)[:-6]:
        if isinstance(a.type, (ir.UnrankedMemRefType, ir.MemRefType)):
            out.append({"kind": "memref", "type": str(a.type.element_type)})
        else:
            out.append({"kind": "scalar", "type": str(a.type)})
    return out


def analyze(
    module: Any, scalars: dict[int, int | float], grid: tuple[int, int, int], entry: str | None = None
) -> dict[int, ArgAccess]:
    """The accesses of every pointer argument of the kernel `entry` (default: the only public function) over
    all programs of `grid`, given the values of its scalar arguments (by argument index)."""
    from hexopt.ir import ir

    func = kernel_function(module, entry)
    block = func.regions[0].blocks[0]
    arguments = list(block.arguments)
    if len(arguments) < 6:
        raise RunError(f"@{func.attributes['sym_name'].value} does not take the six grid ints of the triton-shared ABI")
    accesses: dict[int, ArgAccess] = {}
    m = _Machine(accesses)
    for i, a in enumerate(arguments[:-6]):
        if isinstance(a.type, (ir.UnrankedMemRefType, ir.MemRefType)):
            accesses[i] = ArgAccess(i, str(a.type.element_type))
            m.args[a] = i
    nx, ny, nz = grid
    try:
        for pz in range(nz):
            for py in range(ny):
                for px in range(nx):
                    env: dict[Any, Any] = {a: scalars.get(i) for i, a in enumerate(arguments[:-6]) if a not in m.args}
                    env.update(zip(arguments[-6:], (nx, ny, nz, px, py, pz), strict=False))
                    _run_block(m, block, env)
    except _OutOfBudget:
        for a in accesses.values():
            a.unknown = a.unknown or f"the kernel is too large to check statically (over {MAX_STEPS} scalar steps)"
    return accesses


def extents_task(request: dict[str, Any], emit: Any) -> tuple[dict[str, Any], None]:
    """The worker task `extents`: {text, grid, scalars, entry} -> {"entry", "params", "args": [ArgAccess]};
    without a grid only the entry and its parameters."""
    from hexopt.driver import parse_module
    from hexopt.ir import ir

    with ir.Context() as ctx:
        ctx.allow_unregistered_dialects = True
        module = parse_module(request["text"], request.get("source_name", "-"))
        func = kernel_function(module, request.get("entry"))
        out: dict[str, Any] = {"entry": func.attributes["sym_name"].value, "params": parameters(func), "args": []}
        if request.get("grid"):
            accesses = analyze(
                module,
                {int(k): v for k, v in request.get("scalars", {}).items()},
                tuple(request["grid"]),
                out["entry"],
            )  # type: ignore[arg-type]
            out["args"] = [a.to_json() for a in accesses.values()]
    return out, None
