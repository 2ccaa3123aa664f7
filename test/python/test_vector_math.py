"""approximate-vector-math: JIT every expansion on the host and measure it against numpy in float64.

Each function runs as a small vector kernel (vector<32xf32>, or vector<64xf16> / vector<64xbf16>) over a
dense set of inputs with the edge values of its domain (0, -0, subnormals, large, negative, inf and NaN),
once with strict semantics and once with fastmath<fast>. The error is the distance in ulps to the
float64 reference rounded to the type (NaN must match NaN, inf must match inf exactly). With
fastmath<fast> (`nnan`), lanes whose input or expected result is NaN are not checked: the clamps then
use maximumf/minimumf with `nnan`, which on x86 return the bound for a NaN. BOUNDS holds the
largest error measured, which the test asserts; docs/vector-math.md has the table.

f16 and bf16: all 2^16 bit patterns are tested (exhaustive), except that the reference is computed
from the f16 input in float64 and rounded once to f16, so the bound covers the f32 computation plus
that rounding.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

from hexopt.ir import ir, run_upstream
from hexopt.passes.float_conversions import ExpandFloatConversions
from hexopt.passes.vector_math import ApproximateVectorMath
from hexopt.passes.vector_min_max import ExpandVectorMinMax
from hexopt.runner import host

N = 32 * 4096
LOWER = (
    "builtin.module(convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,"
    "convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,"
    "convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,"
    "reconcile-unrealized-casts)"
)

KERNEL = """
func.func @vmath(%in: memref<*xT>, %in2: memref<*xT>, %out: memref<*xT>,
                 %g0: i32, %g1: i32, %g2: i32, %p0: i32, %p1: i32, %p2: i32) {
  %c0 = arith.constant 0 : index
  %cw = arith.constant W : index
  %cn = arith.constant N : index
  %pad = arith.constant 0.0 : T
  %a = memref.reinterpret_cast %in to offset: [0], sizes: [N], strides: [1] : memref<*xT> to memref<NxT>
  %a2 = memref.reinterpret_cast %in2 to offset: [0], sizes: [N], strides: [1] : memref<*xT> to memref<NxT>
  %b = memref.reinterpret_cast %out to offset: [0], sizes: [N], strides: [1] : memref<*xT> to memref<NxT>
  scf.for %i = %c0 to %cn step %cw {
    %x = vector.transfer_read %a[%i], %pad {in_bounds = [true]} : memref<NxT>, vector<WxT>
    %x2 = vector.transfer_read %a2[%i], %pad {in_bounds = [true]} : memref<NxT>, vector<WxT>
BODY
    vector.transfer_write %y, %b[%i] {in_bounds = [true]} : vector<WxT>, memref<NxT>
  }
  return
}
"""

WIDTH = {"f32": 32, "f16": 64, "bf16": 64}


def unary(op: str) -> str:
    return f"    %y = {op} %x FLAGS : V"


SIGMOID = """    %one = arith.constant dense<1.0> : V
    %zero = arith.constant dense<0.0> : V
    %neg = arith.subf %zero, %x FLAGS : V
    %e = math.exp %neg FLAGS : V
    %d = arith.addf %one, %e FLAGS : V
    %y = arith.divf %one, %d FLAGS : V"""
DIVIDE = "    %y = arith.divf %x, %x2 FLAGS : V"
SELECT_GT = "    %c = arith.cmpf ogt, %x, %x2 FLAGS : V\n    %y = arith.select %c, %x, %x2 : vector<Wxi1>, V"


def binary(op: str) -> str:
    return f"    %y = {op} %x, %x2 FLAGS : V"


def fpowi(n: int) -> str:
    return f"    %n = arith.constant dense<{n}> : vector<Wxi32>\n    %y = math.fpowi %x, %n FLAGS : V, vector<Wxi32>"


def powf(n: float) -> str:
    return f"    %n = arith.constant dense<{n}> : V\n    %y = math.powf %x, %n FLAGS : V"


def compile_kernel(body: str, dtype: str, fast: bool, flags: str | None = None):
    width = WIDTH[dtype]
    fm = flags if flags is not None else ("fastmath<fast>" if fast else "")
    text = (
        KERNEL.replace("BODY", body)
        .replace("FLAGS", fm)
        .replace("V", f"vector<{width}x{dtype}>")
        .replace("N", str(N))
        .replace("W", str(width))
        .replace("T", dtype)
    )
    with ir.Context():
        m = ir.Module.parse(text)
        ApproximateVectorMath().apply(m)
        ExpandVectorMinMax().apply(m)
        ExpandFloatConversions().apply(m)  # bf16 <-> f32 (the x86 JIT has no f32 -> bf16 conversion)
        assert m.operation.verify()
        left = [op for op in ("math.", "arith.divf", "arith.maxnumf", "arith.minnumf") if op in str(m)]
        assert not left, f"{left} not expanded:\n{m}"
        run_upstream(m, LOWER)
        llvm_text = str(m)
    return host.compile_host(llvm_text, "vmath")


# ----------------------------------------------------------------------------------------------- inputs
RNG = np.random.default_rng(7)
F32 = np.float32
TINY = np.finfo(np.float32).tiny
SPECIAL = np.array(
    [
        0.0,
        -0.0,
        np.inf,
        -np.inf,
        np.nan,
        1e-45,
        -1e-45,
        1e-40,
        -1e-40,
        TINY,
        -TINY,
        1e-30,
        -1e-30,
        1e-8,
        -1e-8,
        0.5,
        -0.5,
        1.0,
        -1.0,
        2.0,
        -2.0,
        1e30,
        -1e30,
        3.4e38,
        -3.4e38,
    ],
    dtype=np.float32,
)


def log_uniform(lo: float, hi: float, n: int, signed: bool = True) -> np.ndarray:
    mag = np.exp(RNG.uniform(np.log(lo), np.log(hi), n))
    return mag * (RNG.choice([-1.0, 1.0], n) if signed else 1.0)


def fill(*parts: np.ndarray) -> np.ndarray:
    """SPECIAL + the parts, topped up with the last part's distribution... cut to N, as f32."""
    x = np.concatenate([SPECIAL, *[np.asarray(p, dtype=np.float32) for p in parts]])
    if x.size < N:
        x = np.concatenate([x, RNG.choice(x[SPECIAL.size :], N - x.size)])
    return np.ascontiguousarray(x[:N].astype(np.float32))


def wide(lo: float, hi: float) -> Callable[[], np.ndarray]:
    """Uniform on [lo, hi], log-uniform magnitudes over all of f32, and subnormals."""
    return lambda: fill(
        RNG.uniform(lo, hi, N // 2), log_uniform(1e-45, 3e38, N // 4), log_uniform(1e-45, 1e-37, N // 16)
    )


def positive() -> np.ndarray:
    return fill(
        np.abs(log_uniform(1e-45, 3e38, N // 2)),
        RNG.uniform(0.5, 2.0, N // 4),
        RNG.uniform(0, 10, N // 8),
        -np.abs(log_uniform(1e-30, 1e30, 64)),
    )


def around_minus_one() -> np.ndarray:
    return fill(
        RNG.uniform(-1.0, 1.0, N // 4),
        log_uniform(1e-45, 1.0, N // 4),
        RNG.uniform(-1.0, 10, N // 8),
        np.abs(log_uniform(1e-30, 3e38, N // 8)),
        np.nextafter(np.float32(-1), np.float32(0)) + np.zeros(1),
        -1.0 - np.abs(log_uniform(1e-7, 1e3, 64)),
    )


def trig() -> np.ndarray:
    """Also the f32 values nearest to k * pi/2 (and their neighbours), where sin or cos is tiny and the
    range reduction must keep the most bits."""
    k = np.concatenate([np.arange(1, 8000), RNG.integers(8000, 65536, 4000)]).astype(np.float64)
    near = (k * (np.pi / 2)).astype(np.float32)
    near = np.concatenate([near, np.nextafter(near, np.float32(np.inf)), np.nextafter(near, np.float32(0))])
    return fill(
        near,
        -near[::7],
        RNG.uniform(-10, 10, N // 8),
        RNG.uniform(-1e5, 1e5, N // 8),
        RNG.uniform(-1000, 1000, N // 8),
        log_uniform(1e-45, 3e38, N // 16),
    )


def integers_and_halves() -> np.ndarray:
    k = RNG.integers(-(2**24), 2**24, N // 8).astype(np.float64)
    return fill(
        k,
        k / 2,
        k / 4 + 0.5,
        RNG.uniform(-10, 10, N // 4),
        log_uniform(1e-45, 3e38, N // 4),
        np.array([0.49999997, -0.49999997, 0.5, 1.5, 2.5, -2.5, 8388607.5, -8388607.5, 4194303.5]),
    )


# --------------------------------------------------------------------------------------------- reference
def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _round_half_away(x: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(x), np.sign(x) * np.floor(np.abs(x) + 0.5), x)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class Case:
    body: str
    ref: Callable[..., np.ndarray]
    inputs: Callable[[], np.ndarray]
    bound: int  # max ulp (f32)
    bound16: int = 1  # max ulp in f16 (and in bf16)
    odd: bool = False  # f(-0) = -0 (checked in strict mode)
    binary: bool = False
    strict_flags: str = ""  # the "strict" run's flags (division needs arcp to be expanded at all)
    domain: tuple[float, float] | None = None  # the bound holds for |x| within (sin, cos)
    notes: str = ""
    ids: list = field(default_factory=list)


CASES: dict[str, Case] = {
    "exp": Case(unary("math.exp"), np.exp, wide(-110, 90), 1),
    "exp2": Case(unary("math.exp2"), np.exp2, wide(-155, 130), 1),
    "expm1": Case(unary("math.expm1"), np.expm1, wide(-20, 90), 1, odd=True),
    "log": Case(unary("math.log"), np.log, positive, 1),
    "log2": Case(unary("math.log2"), np.log2, positive, 2),
    "log10": Case(unary("math.log10"), np.log10, positive, 2),
    "log1p": Case(unary("math.log1p"), np.log1p, around_minus_one, 1, odd=True),
    "tanh": Case(unary("math.tanh"), np.tanh, wide(-12, 12), 1, odd=True),
    "sigmoid": Case(SIGMOID, _sigmoid, wide(-110, 110), 2, strict_flags="fastmath<arcp>"),
    "erf": Case(unary("math.erf"), _erf, wide(-5, 5), 1, odd=True),
    "sqrt": Case(unary("math.sqrt"), np.sqrt, positive, 1, odd=True),
    "rsqrt": Case(unary("math.rsqrt"), lambda x: 1.0 / np.sqrt(x), positive, 2),
    "sin": Case(unary("math.sin"), np.sin, trig, 3, odd=True, domain=(0, 102943.0)),
    "cos": Case(unary("math.cos"), np.cos, trig, 3, domain=(0, 102943.0)),
    "atan": Case(unary("math.atan"), np.arctan, wide(-10, 10), 2, odd=True),
    "floor": Case(unary("math.floor"), np.floor, integers_and_halves, 0, 0, odd=True),
    "ceil": Case(unary("math.ceil"), np.ceil, integers_and_halves, 0, 0, odd=True),
    "round": Case(unary("math.round"), _round_half_away, integers_and_halves, 0, 0, odd=True),
    "roundeven": Case(unary("math.roundeven"), np.rint, integers_and_halves, 0, 0, odd=True),
    "trunc": Case(unary("math.trunc"), np.trunc, integers_and_halves, 0, 0, odd=True),
    "divide": Case(DIVIDE, np.divide, wide(-100, 100), 1, binary=True, strict_flags="fastmath<arcp>"),
    "maxnumf": Case(binary("arith.maxnumf"), np.fmax, wide(-100, 100), 0, 0, binary=True),
    "minnumf": Case(binary("arith.minnumf"), np.fmin, wide(-100, 100), 0, 0, binary=True),
    "maximumf": Case(binary("arith.maximumf"), np.maximum, wide(-100, 100), 0, 0, binary=True),
    "minimumf": Case(binary("arith.minimumf"), np.minimum, wide(-100, 100), 0, 0, binary=True),
    "add": Case(binary("arith.addf"), np.add, wide(-100, 100), 0, 0, binary=True),
    "mul": Case(binary("arith.mulf"), np.multiply, wide(-100, 100), 0, 0, binary=True),
    "select-gt": Case(SELECT_GT, lambda a, b: np.where(a > b, a, b), wide(-100, 100), 0, 0, binary=True),
    "fpowi3": Case(fpowi(3), lambda x: x**3, wide(-100, 100), 1, odd=True),
    "fpowi-2": Case(fpowi(-2), lambda x: x**-2.0, wide(-100, 100), 2),
    "powf5": Case(powf(5.0), lambda x: x**5, wide(-100, 100), 3, odd=True),
}


# ------------------------------------------------------------------------------------------------ errors
def ulp_distance(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Ulps between same-typed float arrays (f32: int32 bits; f16: int16); NaN only matches NaN."""
    ibits = np.int32 if got.dtype == np.float32 else np.int16

    def key(v: np.ndarray) -> np.ndarray:
        i = v.view(ibits).astype(np.int64)
        mask = (1 << (8 * v.dtype.itemsize - 1)) - 1
        return np.where(i < 0, -(i & mask), i)

    d = np.abs(key(got) - key(want))
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    d = np.where(nan_g & nan_w, 0, d)
    return np.where(nan_g != nan_w, np.iinfo(np.int64).max, d)


def reference(case: Case, *xs: np.ndarray, dtype=np.float32) -> np.ndarray:
    with np.errstate(all="ignore"):
        return case.ref(*[x.astype(np.float64) for x in xs]).astype(dtype)


def run(case: Case, dtype: str, fast: bool, xs: list[np.ndarray], flags: str | None = None) -> np.ndarray:
    kernel = compile_kernel(case.body, dtype, fast, flags)
    second = xs[1] if len(xs) > 1 else np.ones_like(xs[0])
    out = np.zeros_like(xs[0])
    kernel.run([xs[0], second, out], (1,))
    return out


def report(name: str, x: np.ndarray, ulps: np.ndarray) -> int:
    worst = int(np.argmax(ulps))
    print(f"{name}: max {int(ulps.max())} ulp at x={x[worst]!r}")
    return int(ulps.max())


@pytest.mark.parametrize("fast", [False, True], ids=["strict", "fast"])
@pytest.mark.parametrize("name", list(CASES))
def test_f32(name: str, fast: bool):
    case = CASES[name]
    xs = [case.inputs()]
    if case.binary:
        xs.append(np.ascontiguousarray(RNG.permutation(case.inputs())))
    got = run(case, "f32", fast, xs, None if fast else case.strict_flags)
    want = reference(case, *xs)
    ulps = ulp_distance(got, want)
    if case.domain is not None:
        ulps = np.where(np.abs(xs[0]) <= case.domain[1], ulps, 0)
    if fast:
        ulps = np.where(nan_free(xs, want), ulps, 0)
    report(f"{name} f32 {'fast' if fast else 'strict'}", xs[0], ulps)
    assert ulps.max() <= case.bound
    if case.domain is not None:  # sin, cos: any finite x gives a value in [-1, 1]
        assert (np.abs(got[np.isfinite(xs[0])]) <= 1.0).all()
    if case.odd and not fast:
        assert np.signbit(got[(xs[0] == 0) & np.signbit(xs[0])]).all(), f"{name}(-0) is not -0"


def nan_free(xs: list[np.ndarray], want: np.ndarray) -> np.ndarray:
    """Where fastmath<fast> makes a promise: no NaN among the inputs or in the result (`nnan`)."""
    ok = ~np.isnan(want)
    for x in xs:
        ok &= ~np.isnan(x)
    return ok


def test_signed_zeros_of_min_max():
    """Strict maximumf/minimumf order -0 < +0 (expand-vector-min-max merges the bits of equal zeros)."""
    x = np.resize(np.array([0.0, -0.0, -0.0, 0.0], dtype=np.float32), N)
    x2 = np.resize(np.array([-0.0, 0.0, -0.0, 0.0], dtype=np.float32), N)
    hi = run(CASES["maximumf"], "f32", False, [x, x2])
    lo = run(CASES["minimumf"], "f32", False, [x, x2])
    np.testing.assert_array_equal(np.signbit(hi[:4]), [False, False, True, False])
    np.testing.assert_array_equal(np.signbit(lo[:4]), [True, True, True, False])


def all_f16() -> np.ndarray:
    return np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)


@pytest.mark.parametrize("fast", [False, True], ids=["strict", "fast"])
@pytest.mark.parametrize("name", list(CASES))
def test_f16(name: str, fast: bool):
    case = CASES[name]
    x = np.resize(all_f16(), N).astype(np.float16)
    xs = [x] + ([np.ascontiguousarray(RNG.permutation(x))] if case.binary else [])
    got = run(case, "f16", fast, xs, None if fast else case.strict_flags)
    want = reference(case, *xs, dtype=np.float16)
    ulps = ulp_distance(got, want)
    if case.domain is not None:
        ulps = np.where(np.abs(x.astype(np.float32)) <= case.domain[1], ulps, 0)
    if fast:
        ulps = np.where(nan_free(xs, want), ulps, 0)
    report(f"{name} f16 {'fast' if fast else 'strict'}", x, ulps)
    assert ulps.max() <= case.bound16


# ------------------------------------------------------------------------------------------------- bf16
def round_to_bits(x: np.ndarray, mantissa: int, min_exp: int) -> np.ndarray:
    """float64 -> the nearest value with `mantissa` significand bits (ties to even) and subnormals below
    2^min_exp, as float64 (inf on overflow). An independent reference for the bit tricks under test."""
    with np.errstate(all="ignore"):
        ax = np.abs(x)
        _, ex = np.frexp(ax)
        quantum = np.ldexp(1.0, np.maximum(ex - mantissa, min_exp - mantissa + 1))
        r = np.rint(ax / quantum) * quantum
        r = np.where(r >= 2.0**128, np.inf, r)
        r = np.where(np.isfinite(ax), r, ax)
        return np.copysign(r, x)


def bf16_to_f32(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << 16).view(np.float32)


def f32_to_bf16(x: np.ndarray) -> np.ndarray:
    """Correctly rounded (from float64) bf16 bits; NaN -> 0x7FC0."""
    with np.errstate(invalid="ignore"):
        r = round_to_bits(x.astype(np.float64), 8, -126).astype(np.float32)
    bits = (r.view(np.uint32) >> 16).astype(np.uint16)
    return np.where(np.isnan(r), np.uint16(0x7FC0), bits)


def bf16_ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    g, w = bf16_to_f32(got), bf16_to_f32(want)
    d = np.abs(got.view(np.int16).astype(np.int64) - want.view(np.int16).astype(np.int64))
    key = lambda b: np.where(b.view(np.int16) < 0, -(b.astype(np.int64) & 0x7FFF), b.astype(np.int64))  # noqa: E731
    d = np.abs(key(got) - key(want))
    d = np.where(np.isnan(g) & np.isnan(w), 0, d)
    return np.where(np.isnan(g) != np.isnan(w), np.iinfo(np.int64).max, d)


@pytest.mark.parametrize("name", list(CASES))
def test_bf16(name: str):
    """Every bf16 bit pattern, strict semantics: the f32 result rounded once to bf16 (round to nearest even
    by integer ops, expand-float-conversions) is within 1 bf16 ulp of the correctly rounded one; bf16
    arithmetic (computed in f32) is correctly rounded."""
    case = CASES[name]
    bits = np.resize(np.arange(1 << 16, dtype=np.uint32).astype(np.uint16), N)
    xs = [bits] + ([np.ascontiguousarray(RNG.permutation(bits))] if case.binary else [])
    got = run(case, "bf16", False, xs, case.strict_flags)
    with np.errstate(all="ignore"):
        want = f32_to_bf16(case.ref(*[bf16_to_f32(b).astype(np.float64) for b in xs]))
    ulps = bf16_ulps(got, want)
    if case.domain is not None:
        ulps = np.where(np.abs(bf16_to_f32(bits)) <= case.domain[1], ulps, 0)
    report(f"{name} bf16", bf16_to_f32(bits), ulps)
    assert ulps.max() <= case.bound16


SCALAR_ERF = """
func.func @vmath(%in: memref<*xf32>, %in2: memref<*xf32>, %out: memref<*xf32>,
                 %g0: i32, %g1: i32, %g2: i32, %p0: i32, %p1: i32, %p2: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant 4096 : index
  %a = memref.reinterpret_cast %in to offset: [0], sizes: [4096], strides: [1] : memref<*xf32> to memref<4096xf32>
  %b = memref.reinterpret_cast %out to offset: [0], sizes: [4096], strides: [1] : memref<*xf32> to memref<4096xf32>
  scf.for %i = %c0 to %cn step %c1 {
    %x = memref.load %a[%i] : memref<4096xf32>
    %y = math.erf %x : f32
    memref.store %y, %b[%i] : memref<4096xf32>
  }
  return
}
"""


def test_scalar_erf():
    """Scalar math.erf has no LLVM lowering: approximate-vector-math expands it even without `scalars`."""
    with ir.Context():
        m = ir.Module.parse(SCALAR_ERF)
        ApproximateVectorMath().apply(m)
        assert "math.erf" not in str(m)
        run_upstream(m, LOWER)
        kernel = host.compile_host(str(m), "vmath")
    x = np.concatenate([SPECIAL, RNG.uniform(-5, 5, 4096 - SPECIAL.size)]).astype(np.float32)
    out = np.zeros_like(x)
    kernel.run([x, np.zeros_like(x), out], (1,))
    assert ulp_distance(out, reference(CASES["erf"], x)).max() <= CASES["erf"].bound
