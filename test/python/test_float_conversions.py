"""expand-float-conversions and keep-explicit-roundings on the host JIT.

- The integer f16 <-> f32 and bf16 <-> f32 expansions are bit-exact against IEEE conversions (numpy's
  for f16; an independent float64 rounding for bf16) on every 16-bit pattern and on f32 inputs around
  every rounding boundary (ties, overflow to inf, subnormals, NaN).
- An f16 kernel (silu, computed in f32 between f16 loads and stores) runs through the `host` pipeline as
  vector<64xf16> code and matches numpy.
- explicit roundings: `extf(truncf(x))` in a kernel keeps its f16 rounding under fast-math by default,
  and is folded away (upstream's behaviour) with `explicit-roundings=false`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_vector_math import LOWER, bf16_to_f32, f32_to_bf16

from hexopt import lower
from hexopt.ir import ir, run_upstream
from hexopt.passes.float_conversions import ExpandFloatConversions
from hexopt.runner import host

N = 64 * 8192

CONVERT = """
func.func @conv(%in: memref<*xSRC>, %out: memref<*xDST>,
                %g0: i32, %g1: i32, %g2: i32, %p0: i32, %p1: i32, %p2: i32) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %cn = arith.constant N : index
  %pad = arith.constant 0.0 : SRC
  %a = memref.reinterpret_cast %in to offset: [0], sizes: [N], strides: [1] : memref<*xSRC> to memref<NxSRC>
  %b = memref.reinterpret_cast %out to offset: [0], sizes: [N], strides: [1] : memref<*xDST> to memref<NxDST>
  scf.for %i = %c0 to %cn step %c64 {
    %x = vector.transfer_read %a[%i], %pad {in_bounds = [true]} : memref<NxSRC>, vector<64xSRC>
    %y = arith.OP %x : vector<64xSRC> to vector<64xDST>
    vector.transfer_write %y, %b[%i] {in_bounds = [true]} : vector<64xDST>, memref<NxDST>
  }
  return
}
"""


# The same conversions on scalars (expanded whatever the f16 mode: LLVM would call a libcall per element).
CONVERT_SCALAR = """
func.func @conv(%in: memref<*xSRC>, %out: memref<*xDST>,
                %g0: i32, %g1: i32, %g2: i32, %p0: i32, %p1: i32, %p2: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant N : index
  %a = memref.reinterpret_cast %in to offset: [0], sizes: [N], strides: [1] : memref<*xSRC> to memref<NxSRC>
  %b = memref.reinterpret_cast %out to offset: [0], sizes: [N], strides: [1] : memref<*xDST> to memref<NxDST>
  scf.for %i = %c0 to %cn step %c1 {
    %x = memref.load %a[%i] : memref<NxSRC>
    %y = arith.OP %x : SRC to DST
    memref.store %y, %b[%i] : memref<NxDST>
  }
  return
}
"""


def convert(values: np.ndarray, src: str, dst: str, out_dtype, scalar: bool = False) -> np.ndarray:
    op = "extf" if src in ("f16", "bf16") else "truncf"
    template = CONVERT_SCALAR if scalar else CONVERT
    text = template.replace("SRC", src).replace("DST", dst).replace("OP", op).replace("N", str(N))
    with ir.Context():
        m = ir.Module.parse(text)
        ExpandFloatConversions(f16="native" if scalar else "integer").apply(m)
        assert f"arith.{op}" not in str(m)
        run_upstream(m, LOWER)
        kernel = host.compile_host(str(m), "conv")
    x = np.ascontiguousarray(np.resize(values, N))
    out = np.zeros(N, dtype=out_dtype)
    kernel.run([x, out], (1,))
    return out


def all_16_bit_patterns() -> np.ndarray:
    return np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)


def boundary_f32() -> np.ndarray:
    """f32 values at and around every f16 rounding boundary, plus a spread over the whole f32 range."""
    h = all_16_bit_patterns().view(np.float16)
    h = h[np.isfinite(h)].astype(np.float32)
    hs = np.sort(h)
    mids = ((hs[:-1].astype(np.float64) + hs[1:]) / 2).astype(np.float32)  # ties (exact in f32)
    near = np.concatenate([np.nextafter(mids, np.float32(np.inf)), np.nextafter(mids, np.float32(-np.inf))])
    rng = np.random.default_rng(3)
    spread = (rng.standard_normal(N // 4) * np.exp(rng.uniform(-110, 85, N // 4))).astype(np.float32)
    special = np.array(
        [
            0.0,
            -0.0,
            np.inf,
            -np.inf,
            np.nan,
            -np.nan,
            65504.0,
            65519.996,
            65520.0,
            65536.0,
            1e-45,
            2.0**-24,
            2.0**-25,
            3 * 2.0**-26,
            2.0**-14,
            3.4e38,
        ],
        dtype=np.float32,
    )
    nan_payload = np.array([0x7F800001, 0xFFC00123, 0x7FBFFFFF], dtype=np.uint32).view(np.float32)
    return np.concatenate([special, nan_payload, h, mids, near, spread]).astype(np.float32)


def same_bits_or_nan(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    ibits = np.uint32 if got.dtype == np.float32 else np.uint16
    return (got.view(ibits) == want.view(ibits)) | (np.isnan(got) & np.isnan(want))


@pytest.mark.parametrize("scalar", [False, True], ids=["vector", "scalar"])
def test_f16_to_f32_every_pattern(scalar):
    h = all_16_bit_patterns().view(np.float16)
    got = convert(h, "f16", "f32", np.float32, scalar)
    want = np.resize(h, N).astype(np.float32)
    ok = same_bits_or_nan(got, want)
    assert ok.all(), f"{(~ok).sum()} wrong, first at f16 {np.resize(h, N)[~ok][:4]}"
    # NaN payloads survive (quiet bit and the top 10 mantissa bits)
    nans = np.isnan(want)
    assert (got[nans].view(np.uint32) == want[nans].view(np.uint32)).all()


@pytest.mark.parametrize("scalar", [False, True], ids=["vector", "scalar"])
def test_f32_to_f16_round_to_nearest_even(scalar):
    x = boundary_f32()
    assert x.size <= N
    got = convert(x, "f32", "f16", np.float16, scalar)
    with np.errstate(over="ignore"):
        want = np.resize(x, N).astype(np.float16)
    ok = same_bits_or_nan(got, want)
    assert ok.all(), f"{(~ok).sum()} wrong, first at f32 {np.resize(x, N)[~ok][:4]}"


@pytest.mark.parametrize("scalar", [False, True], ids=["vector", "scalar"])
def test_bf16_to_f32_every_pattern(scalar):
    bits = all_16_bit_patterns()
    got = convert(bits, "bf16", "f32", np.float32, scalar)
    ok = same_bits_or_nan(got, np.resize(bf16_to_f32(bits), N))
    assert ok.all()


@pytest.mark.parametrize("scalar", [False, True], ids=["vector", "scalar"])
def test_f32_to_bf16_round_to_nearest_even(scalar):
    bf = bf16_to_f32(all_16_bit_patterns())
    finite = np.sort(bf[np.isfinite(bf)]).astype(np.float64)
    ties = ((finite[:-1] + finite[1:]) / 2).astype(np.float32)
    x = np.concatenate(
        [
            boundary_f32(),
            ties,
            np.nextafter(ties, np.float32(np.inf)),
            np.nextafter(ties, np.float32(-np.inf)),
            np.array([3.3961776e38, 3.4e38], np.float32),
        ]
    )
    x = x[:N]
    got = convert(x, "f32", "bf16", np.uint16, scalar)
    want = f32_to_bf16(np.resize(x, N))
    g, w = bf16_to_f32(got), bf16_to_f32(want)
    ok = (got == want) | (np.isnan(g) & np.isnan(w))
    assert ok.all(), f"{(~ok).sum()} wrong, first at f32 {np.resize(x, N)[~ok][:4]}"


# ------------------------------------------------------------------------------------ through a pipeline
MATMUL_F16 = (Path(__file__).resolve().parents[1] / "lit" / "translate" / "Inputs" / "f16_matmul.mlir").read_text()
SILU_F16 = (Path(__file__).resolve().parents[1] / "lit" / "translate" / "Inputs" / "silu_f16.mlir").read_text()

# y = f32(f16(x * 3)) + 0: the kernel rounds x * 3 to f16 on purpose.
ROUND_TRIP = """
#map = affine_map<(d0) -> (d0)>
module {
  func.func @round_trip(%arg0: memref<*xf32>, %arg1: memref<*xf32>, %arg2: i32, %arg3: i32, %arg4: i32,
                        %arg5: i32, %arg6: i32, %arg7: i32) {
    %three = arith.constant 3.000000e+00 : f32
    %in = memref.reinterpret_cast %arg0 to offset: [0], sizes: [1024], strides: [1]
        : memref<*xf32> to memref<1024xf32, strided<[1]>>
    %x = bufferization.to_tensor %in restrict : memref<1024xf32, strided<[1]>> to tensor<1024xf32>
    %e = tensor.empty() : tensor<1024xf32>
    %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
        ins(%x : tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
    ^bb0(%v: f32, %o: f32):
      %m = arith.mulf %v, %three : f32
      %h = arith.truncf %m : f32 to f16
      %w = arith.extf %h : f16 to f32
      linalg.yield %w : f32
    } -> tensor<1024xf32>
    %out = memref.reinterpret_cast %arg1 to offset: [0], sizes: [1024], strides: [1]
        : memref<*xf32> to memref<1024xf32, strided<[1]>>
    bufferization.materialize_in_destination %r in writable %out
        : (tensor<1024xf32>, memref<1024xf32, strided<[1]>>) -> ()
    return
  }
}
"""


@pytest.mark.parametrize("f16_conversions", ["native", "integer"])
def test_silu_f16_kernel(f16_conversions):
    lowered = lower(SILU_F16, "host", {"f16-conversions": f16_conversions, "multi-threading": "false"})
    kernel = host.compile_host(lowered, "silu_kernel")
    rng = np.random.default_rng(5)
    x = (rng.standard_normal(4096) * 4).astype(np.float16)
    x[:6] = [0.0, -0.0, 65504.0, -65504.0, 6e-8, -30.0]
    out = np.zeros_like(x)
    kernel.run([x, out], (4,))
    x64 = x.astype(np.float64)
    with np.errstate(over="ignore"):
        want = (x64 / (1.0 + np.exp(-x64))).astype(np.float16)
    diff = np.abs(out.view(np.int16).astype(np.int32) - want.view(np.int16).astype(np.int32))
    assert diff.max() <= 1, f"max {diff.max()} f16 ulp"


def test_silu_f16_runs_as_f16_vectors():
    """The kernel is vectorized as vector<64xf16> loads/stores with whole-vector conversions."""
    from hexopt import lower

    text = lower(SILU_F16, "hexagon", {"multi-threading": "false"})
    assert "vector<64xf16>" in text and "llvm.fpext" in text and "vector<64xf32>" in text
    assert "llvm.fdiv" not in text and "math." not in text


@pytest.mark.parametrize("explicit", [True, False])
def test_explicit_f16_rounding(explicit):
    lowered = lower(ROUND_TRIP, "host", {"explicit-roundings": str(explicit).lower(), "multi-threading": "false"})
    kernel = host.compile_host(lowered, "round_trip")
    x = np.random.default_rng(9).uniform(-100, 100, 1024).astype(np.float32)
    out = np.zeros_like(x)
    kernel.run([x, out], (1,))
    exact = x * np.float32(3)
    if explicit:
        np.testing.assert_array_equal(out, exact.astype(np.float16).astype(np.float32))
    else:  # upstream folds extf(truncf(m)) under fast-math: the f16 rounding is gone
        np.testing.assert_array_equal(out, exact)


def test_f16_matmul_kernel():
    """f16 inputs, f32 accumulation: the broadcast A[i, k] is converted as a scalar by integer ops."""
    kernel = host.compile_host(lower(MATMUL_F16, "host"), "matmul_f16")
    rng = np.random.default_rng(4)
    a = rng.standard_normal((64, 64)).astype(np.float16)
    b = rng.standard_normal((64, 64)).astype(np.float16)
    out = np.zeros((64, 64), np.float16)
    kernel.run([a, b, out], (1,))
    want = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float16)
    diff = np.abs(out.astype(np.float64) - want.astype(np.float64))
    assert (diff <= 2 * np.spacing(np.abs(want)).astype(np.float64)).all(), diff.max()
