"""approximate-vector-math: expand vector math ops (and vector division) into arith code that stays on HVX.

LLVM 22's Hexagon backend has no vector routine for any math intrinsic: `llvm.exp.v32f32`, `tanh`, `log`,
`sin`, ... become 32 scalar libm calls per vector, `llvm.sqrt` 32 `sqrtf` calls, a vector `fdiv` one
scalar reciprocal sequence per lane, and on f16 vectors every lane is also extended and truncated through
`__extendhfsf2` / `__truncsfhf2` calls. Upstream MLIR 22 has no pass that fits: `math-expand-ops`
rewrites exp2 as `math.exp`, tanh through `math.exp` plus a division and powf through exp/log, and the
polynomial approximations (`populateMathPolynomialApproximationPatterns`) are reachable only through the
`test-math-polynomial-approximation` test pass, which the Python bindings do not register (and they use
`math.fma`, `arith.fptosi` and `arith.divf`, all scalarized or slow on HVX).

So each function is expanded here into f32 add/sub/mul, compare + select and integer bit operations on the
op's own vector shape (see emitter.py for what is allowed and why). One module per function family holds
the algorithms, their range reductions and their coefficients:

- exponential.py: exp, exp2, expm1
- logarithm.py: log, log2, log10, log1p
- hyperbolic.py: tanh, and sigmoid (the `1 / (1 + exp(-x))` Triton emits, recognized as a whole)
- erf.py: erf
- roots.py: sqrt, rsqrt
- trigonometric.py: sin, cos, atan
- rounding.py: floor, ceil, round, roundeven, trunc
- division.py: arith.divf (with `arcp` or `fast`): reciprocal + Newton
- power.py: math.fpowi / math.powf by a constant integer (|n| <= 64): square-and-multiply

f16 and bf16 ops are computed in f32 (the operands extended, the result truncated once with the op's
flags), so they are at most one f16/bf16 rounding away from the f32 result. bf16 vector arithmetic
(add, sub, mul, div, neg, max/min, compares), which HVX lacks and LLVM scalarizes, is computed in f32
the same way (exact: f32 has more than 2 * 8 + 2 significand bits, so rounding twice is harmless).
The measured errors are in docs/vector-math.md and asserted by test/python/test_vector_math.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from hexopt.ir import arith, ir, walk_ops

from ..base import Pass, option
from . import division, erf, exponential, hyperbolic, logarithm, power, roots, rounding, trigonometric
from .emitter import Emitter

#: Unary math ops -> their expansion on f32.
UNARY: dict[str, Callable[[Emitter, Any], Any]] = {
    "math.exp": exponential.exp,
    "math.exp2": exponential.exp2,
    "math.expm1": exponential.expm1,
    "math.log": logarithm.log,
    "math.log2": logarithm.log2,
    "math.log10": logarithm.log10,
    "math.log1p": logarithm.log1p,
    "math.tanh": hyperbolic.tanh,
    "math.erf": erf.erf,
    "math.sqrt": roots.sqrt,
    "math.rsqrt": roots.rsqrt,
    "math.sin": trigonometric.sin,
    "math.cos": trigonometric.cos,
    "math.atan": trigonometric.atan,
    "math.floor": rounding.floor,
    "math.ceil": rounding.ceil,
    "math.round": rounding.round_half_away,
    "math.roundeven": rounding.roundeven,
    "math.trunc": rounding.trunc,
}
NARROW_FLOATS = ("f16", "bf16")
#: Math ops convert-math-to-llvm cannot lower at all: expanded on scalars too, whatever `scalars` says.
NO_LLVM_LOWERING = ("math.erf",)
#: bf16 vector arithmetic LLVM scalarizes on Hexagon (no bf16 HVX arithmetic): computed in f32 and rounded
#: once, which gives the correctly rounded bf16 result (f32 has more than 2 * 8 + 2 significand bits).
BF16_ARITHMETIC = (
    "arith.addf",
    "arith.subf",
    "arith.mulf",
    "arith.divf",
    "arith.negf",
    "arith.maxnumf",
    "arith.minnumf",
    "arith.maximumf",
    "arith.minimumf",
    "arith.cmpf",
)


def promoted(op: Any, e: Emitter, args: list) -> Any:
    """`op` re-created on the f32 operands `args` (same name and attributes; cmpf keeps its i1 result)."""
    result = op.results[0].type
    if str(result.element_type) == "bf16":
        result = e.ftype
    attrs = {name: op.attributes[name] for name in op.attributes}
    return ir.Operation.create(op.name, results=[result], operands=args, attributes=attrs).result


def fastmath_flags(op: Any) -> set[str]:
    """The op's fast-math flags as a set of names ('fast' expanded)."""
    if "fastmath" not in op.attributes:
        return set()
    text = str(op.attributes["fastmath"])
    flags = set(text[text.find("<") + 1 : text.rfind(">")].replace(" ", "").split(","))
    if "fast" in flags:
        flags |= {"reassoc", "nnan", "ninf", "nsz", "arcp", "contract", "afn"}
    return flags - {"", "none"}


@dataclass(frozen=True)
class ApproximateVectorMath(Pass):
    """Replace math ops on f32/f16/bf16 vectors (and vector divf with arcp) by arith code HVX runs as vectors."""

    name: ClassVar[str] = "approximate-vector-math"
    scope: ClassVar[str] = "builtin.module"

    scalars: bool = option(
        False,
        "also expand scalar f32 math ops (a scalar libm call is fine on Hexagon; scalar "
        "math.erf, which has no LLVM lowering, is always expanded)",
    )
    division: bool = option(
        True,
        "expand vector arith.divf whose flags allow a reciprocal (arcp or fast) into "
        "reciprocal + Newton steps (LLVM divides lane by lane)",
    )
    narrow: bool = option(
        True,
        "expand f16/bf16 vector ops by computing them in f32 (LLVM scalarizes them with per-lane conversion calls)",
    )

    def element_type(self, op) -> Any:
        """The float element type the op computes on (its first operand's) if the pass handles it, else None."""
        if not op.operands or not op.results:
            return None
        t = op.operands[0].type
        if isinstance(t, ir.VectorType):
            elem = t.element_type
        elif (self.scalars and isinstance(t, ir.F32Type) and op.name != "arith.divf") or op.name in NO_LLVM_LOWERING:
            elem = t
        else:
            return None
        if isinstance(elem, ir.F32Type) or (self.narrow and str(elem) in NARROW_FLOATS):
            return elem
        return None

    def expansion(self, op) -> Callable[[Emitter, list], Any] | None:
        name = op.name
        if name in UNARY:
            fn = UNARY[name]
            return lambda e, args: fn(e, args[0])
        if name == "arith.divf" and self.division and "arcp" in fastmath_flags(op):
            if hyperbolic.sigmoid_argument(op) is not None:
                return lambda e, args: hyperbolic.sigmoid(e, args[0])
            return lambda e, args: division.divide(e, args[0], args[1])
        if name in ("math.fpowi", "math.powf"):
            n = power.constant_exponent(op.operands[1])
            if n is not None:
                return lambda e, args: power.powi(e, args[0], n)
        if name in BF16_ARITHMETIC and str(self.element_type(op)) == "bf16":
            return lambda e, args: promoted(op, e, args)
        return None

    def apply(self, module) -> None:
        # Sigmoids first: expanding their math.exp on its own would break the pattern. Then the rest, found
        # by a second walk (the first one erased the sigmoids' exp/add/neg ops).
        for sigmoids in (True, False):

            def wanted(op, sigmoids=sigmoids):
                return (
                    bool(op.results)
                    and self.element_type(op) is not None
                    and self.expansion(op) is not None
                    and sigmoids == (op.name == "arith.divf" and hyperbolic.sigmoid_argument(op) is not None)
                )

            for op in walk_ops(module, wanted):
                self.expand(op)

    def expand(self, op) -> None:
        elem = self.element_type(op)
        expand = self.expansion(op)
        assert elem is not None and expand is not None
        result_type = op.results[0].type
        fastmath = op.attributes.get("fastmath")
        operand_type = op.operands[0].type
        shape = list(operand_type.shape) if isinstance(operand_type, ir.VectorType) else None
        with op.location, ir.InsertionPoint(op):
            e = Emitter(shape, fastmath)
            args = self.arguments(op)
            if not isinstance(elem, ir.F32Type):
                args = [arith.ExtFOp(e.ftype, a, fastmath=fastmath).result for a in args]
            result = expand(e, args)
            if not isinstance(elem, ir.F32Type) and result.type != result_type:
                result = arith.TruncFOp(result_type, result, fastmath=fastmath).result
        dead = hyperbolic.sigmoid_chain(op) if op.name == "arith.divf" else []
        op.results[0].replace_all_uses_with(result)
        op.erase()
        for d in dead:
            if all(not list(r.uses) for r in d.results):
                d.erase()

    def arguments(self, op) -> list:
        """The f32/f16 operands the expansion takes (sigmoid: its x; power: the base only)."""
        if op.name == "arith.divf":
            x = hyperbolic.sigmoid_argument(op)
            return [x] if x is not None else list(op.operands)
        if op.name in ("math.fpowi", "math.powf"):
            return [op.operands[0]]
        if op.name in BF16_ARITHMETIC:
            return list(op.operands)
        return [op.operands[0]]
