"""approximate-vector-math: JIT the expanded exp2/exp on the host and measure it against numpy.

Bound: the polynomial alone is within 0.3 ulp (see hexopt/passes/vector_math.py); the f32 Horner
evaluation and the final scaling add rounding of about 1 ulp, so a correct expansion stays within 2 ulp
of the correctly rounded result everywhere, including subnormal results, 0 below -150 and inf from 128.
"""

from __future__ import annotations

import numpy as np
import pytest

from hexopt.ir import ir, run_upstream
from hexopt.passes.vector_math import ApproximateVectorMath
from hexopt.runner import host

N = 32 * 8192
LOWER = ("builtin.module(convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,"
         "convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,"
         "convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,"
         "reconcile-unrealized-casts)")

KERNEL = """
func.func @vmath(%in: memref<*xf32>, %out: memref<*xf32>,
                 %g0: i32, %g1: i32, %g2: i32, %p0: i32, %p1: i32, %p2: i32) {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %cn = arith.constant N : index
  %pad = arith.constant 0.0 : f32
  %a = memref.reinterpret_cast %in to offset: [0], sizes: [N], strides: [1] : memref<*xf32> to memref<Nxf32>
  %b = memref.reinterpret_cast %out to offset: [0], sizes: [N], strides: [1] : memref<*xf32> to memref<Nxf32>
  scf.for %i = %c0 to %cn step %c32 {
    %x = vector.transfer_read %a[%i], %pad {in_bounds = [true]} : memref<Nxf32>, vector<32xf32>
    %y = OP %x FLAGS : vector<32xf32>
    vector.transfer_write %y, %b[%i] {in_bounds = [true]} : vector<32xf32>, memref<Nxf32>
  }
  return
}
"""


def compile_kernel(op: str, fast: bool):
    text = KERNEL.replace("N", str(N)).replace("OP", op).replace("FLAGS", "fastmath<fast>" if fast else "")
    with ir.Context():
        m = ir.Module.parse(text)
        ApproximateVectorMath().apply(m)
        assert m.operation.verify()
        left = [n for n in ("math.exp2", "math.exp ") if n in str(m)]
        assert not left, f"{left} not expanded"
        run_upstream(m, LOWER)
        llvm_text = str(m)
    return host.compile_host(llvm_text, "vmath")


def inputs() -> np.ndarray:
    rng = np.random.default_rng(1)
    special = np.array([-1e14, -np.inf, np.inf, -1e30, 1e30, -200.0, -151.0, -150.5, -150.0, -149.0,
                        -126.0, -125.5, 0.0, -0.0, 1e-8, -1e-8, 0.5, -0.5, 127.0, 127.5, 127.99, 128.0,
                        128.5, 500.0], dtype=np.float32)
    ints = np.arange(-160, 140, dtype=np.float32)
    halves = ints + np.float32(0.5)
    dense = rng.uniform(-126.0, 127.0, N // 2).astype(np.float32)
    small = rng.uniform(-1.0, 1.0, N // 8).astype(np.float32)
    subnormal = rng.uniform(-151.0, -126.0, N // 8).astype(np.float32)
    x = np.concatenate([special, ints, halves, dense, small, subnormal])
    rest = rng.uniform(-140.0, 130.0, N - x.size).astype(np.float32)
    return np.ascontiguousarray(np.concatenate([x, rest]).astype(np.float32))


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in units in the last place between f32 arrays (same-sign ordering of the bits)."""
    def key(v):
        i = v.view(np.int32).astype(np.int64)
        return np.where(i < 0, -(i & 0x7FFFFFFF), i)
    return np.abs(key(a) - key(b))


@pytest.mark.parametrize("fast", [False, True], ids=["strict", "fastmath"])
@pytest.mark.parametrize("op,ref", [("math.exp2", np.exp2), ("math.exp", np.exp)], ids=["exp2", "exp"])
def test_accuracy(op, ref, fast):
    kernel = compile_kernel(op, fast)
    x = inputs()
    out = np.zeros_like(x)
    kernel.run([x, out], (1,))
    with np.errstate(over="ignore", under="ignore"):
        exact = ref(x.astype(np.float64))
        want = exact.astype(np.float32)  # correctly rounded (double rounding is off by < 1 ulp at worst)
    assert not np.isnan(out).any(), f"NaN for inputs {x[np.isnan(out)][:5]}"
    ulps = ulp_distance(out, want)
    normal = (want > np.finfo(np.float32).tiny) & np.isfinite(want)
    rel = np.abs(out[normal].astype(np.float64) / exact[normal] - 1.0)
    worst = int(np.argmax(ulps))
    print(f"{op} fast={fast}: max {ulps.max()} ulp (at x={x[worst]!r}), max relative error {rel.max():.3g}"
          f" over {normal.sum()} normal results")
    # the seed's -1e14 "minus infinity" and everything below -150 (exp2) must give exactly 0
    assert out[x == np.float32(-1e14)][0] == 0.0
    assert (out[want == 0.0] == 0.0).all()
    assert np.isinf(out[np.isinf(want)]).all()
    assert ulps.max() <= 2
    assert rel.max() <= 2 * 2.0 ** -23
