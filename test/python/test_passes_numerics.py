"""Numerics of pass fixes on the host JIT: linalg.index in fused producers, and i1 masks stored as i8.

Each kernel has the triton-shared ABI the runner knows (unranked f32 memrefs, then six grid i32).
Fusion is checked as test_fusion_numerics does: the fused IR and the unfused IR, both lowered with
the naive `baseline` pipeline (no fast-math), must give bit-identical outputs; the full `host`
pipeline (fusion on and off) is checked against numpy.
"""

from __future__ import annotations

import numpy as np
import pytest

from hexopt import lower
from hexopt.runner.host import compile_host

ROWS, COLS = 64, 128

_HEAD = """
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
#col = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>
#row0 = affine_map<(d0, d1) -> (0, d1)>
module {
  func.func @{name}(%xp: memref<*xf32>, %fp: memref<*xf32>, %op: memref<*xf32>,
                    %g0: i32, %g1: i32, %g2: i32, %g3: i32, %g4: i32, %g5: i32) {
    %c0 = arith.constant 0 : index
    %xm = memref.reinterpret_cast %xp to offset: [%c0], sizes: [64, 128], strides: [128, 1]
        : memref<*xf32> to memref<64x128xf32, strided<[128, 1], offset: ?>>
    %x = bufferization.to_tensor %xm restrict : memref<64x128xf32, strided<[128, 1], offset: ?>> to tensor<64x128xf32>
    %fm = memref.reinterpret_cast %fp to offset: [%c0], sizes: [128], strides: [1]
        : memref<*xf32> to memref<128xf32, strided<[1], offset: ?>>
    %f = bufferization.to_tensor %fm restrict : memref<128xf32, strided<[1], offset: ?>> to tensor<128xf32>
    %om = memref.reinterpret_cast %op to offset: [%c0], sizes: [64, 128], strides: [128, 1]
        : memref<*xf32> to memref<64x128xf32, strided<[128, 1], offset: ?>>
"""

_TAIL = """
    bufferization.materialize_in_destination %r in writable %om
        : (tensor<64x128xf32>, memref<64x128xf32, strided<[128, 1], offset: ?>>) -> ()
    return
  }
}
"""

# A rope-like kernel: the angle producer reads its row number with linalg.index and is laid out
# transposed (128x64); the consumer reads it through (d1, d0), so the fused op's linalg.index must
# name the consumer's loop d1, not d0. The angle has a second user (sin), so multi-use fusion keeps it.
ROPE = (
    _HEAD.replace("{name}", "rope")
    + """
    %e = tensor.empty() : tensor<128x64xf32>
    %ang = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
        ins(%f : tensor<128xf32>) outs(%e : tensor<128x64xf32>) {
    ^bb0(%fr: f32, %o: f32):
      %i = linalg.index 1 : index
      %ii = arith.index_cast %i : index to i32
      %fi = arith.sitofp %ii : i32 to f32
      %a = arith.mulf %fi, %fr : f32
      linalg.yield %a : f32
    } -> tensor<128x64xf32>
    %e2 = tensor.empty() : tensor<64x128xf32>
    %c = linalg.generic {indexing_maps = [#id, #tr, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x, %ang : tensor<64x128xf32>, tensor<128x64xf32>) outs(%e2 : tensor<64x128xf32>) {
    ^bb0(%xv: f32, %av: f32, %o: f32):
      %cs = math.cos %av : f32
      %m = arith.mulf %xv, %cs : f32
      linalg.yield %m : f32
    } -> tensor<64x128xf32>
    %r = linalg.generic {indexing_maps = [#id, #tr, #id], iterator_types = ["parallel", "parallel"]}
        ins(%c, %ang : tensor<64x128xf32>, tensor<128x64xf32>) outs(%e2 : tensor<64x128xf32>) {
    ^bb0(%cv: f32, %av: f32, %o: f32):
      %sn = math.sin %av : f32
      %s = arith.addf %cv, %sn : f32
      linalg.yield %s : f32
    } -> tensor<64x128xf32>
"""
    + _TAIL
)

# A broadcast producer with linalg.index: a 1x128 row of column numbers times f, read by every row
# through (0, d1) (the producer's loop 0 is the constant 0 in the consumer's loops).
BROADCAST_INDEX = (
    _HEAD.replace("{name}", "broadcast_index")
    + """
    %e = tensor.empty() : tensor<1x128xf32>
    %w = linalg.generic {indexing_maps = [#col, #id], iterator_types = ["parallel", "parallel"]}
        ins(%f : tensor<128xf32>) outs(%e : tensor<1x128xf32>) {
    ^bb0(%fr: f32, %o: f32):
      %i = linalg.index 0 : index
      %j = linalg.index 1 : index
      %k = arith.addi %i, %j : index
      %ki = arith.index_cast %k : index to i32
      %kf = arith.sitofp %ki : i32 to f32
      %a = arith.mulf %kf, %fr : f32
      linalg.yield %a : f32
    } -> tensor<1x128xf32>
    %e2 = tensor.empty() : tensor<64x128xf32>
    %r = linalg.generic {indexing_maps = [#id, #row0, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x, %w : tensor<64x128xf32>, tensor<1x128xf32>) outs(%e2 : tensor<64x128xf32>) {
    ^bb0(%xv: f32, %wv: f32, %o: f32):
      %m = arith.mulf %xv, %wv : f32
      linalg.yield %m : f32
    } -> tensor<64x128xf32>
"""
    + _TAIL
)

# tl.where: a mask (i1 tensor) computed by one generic and read by another. Unfused, the mask is a
# buffer: stored as i8 by widen-bool-tensors (finalize-memref-to-llvm aborted on the i1 store).
WHERE = (
    _HEAD.replace("{name}", "where")
    + """
    %fb = tensor.empty() : tensor<64x128xf32>
    %fbc = linalg.generic {indexing_maps = [#col, #id], iterator_types = ["parallel", "parallel"]}
        ins(%f : tensor<128xf32>) outs(%fb : tensor<64x128xf32>) {
    ^bb0(%fr: f32, %o: f32):
      linalg.yield %fr : f32
    } -> tensor<64x128xf32>
    %em = tensor.empty() : tensor<64x128xi1>
    %mask = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x, %fbc : tensor<64x128xf32>, tensor<64x128xf32>) outs(%em : tensor<64x128xi1>) {
    ^bb0(%a: f32, %b: f32, %o: i1):
      %lt = arith.cmpf olt, %a, %b : f32
      linalg.yield %lt : i1
    } -> tensor<64x128xi1>
    %e2 = tensor.empty() : tensor<64x128xf32>
    %r = linalg.generic {indexing_maps = [#id, #id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%mask, %x, %fbc : tensor<64x128xi1>, tensor<64x128xf32>, tensor<64x128xf32>)
        outs(%e2 : tensor<64x128xf32>) {
    ^bb0(%m: i1, %a: f32, %b: f32, %o: f32):
      %s = arith.select %m, %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<64x128xf32>
"""
    + _TAIL
)


def _inputs():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((ROWS, COLS)).astype(np.float32)
    f = (rng.random(COLS) * 0.1).astype(np.float32)
    return x, f


def _run(lowered: str) -> np.ndarray:
    x, f = _inputs()
    out = np.zeros_like(x)
    compile_host(lowered).run([x, f, out], (1,))
    return out


def _reference(kernel: str) -> np.ndarray:
    x, f = (a.astype(np.float64) for a in _inputs())
    cols = np.arange(COLS, dtype=np.float64)
    rows = np.arange(ROWS, dtype=np.float64)
    if kernel == "rope":
        ang = rows[:, None] * f[None, :]  # ang^T[i, j] = i * f[j]
        return x * np.cos(ang) + np.sin(ang)
    if kernel == "broadcast_index":
        return x * (cols * f)[None, :]
    return np.where(x < f[None, :], x, f[None, :])


def _fused(text: str) -> str:
    return lower(text, "builtin.module(hexagon-fusion,canonicalize,cse)")


KERNELS = {"rope": ROPE, "broadcast_index": BROADCAST_INDEX, "where": WHERE}


@pytest.mark.parametrize("kernel", ["rope", "broadcast_index"])
def test_fusion_with_linalg_index_matches_unfused(kernel):
    text = KERNELS[kernel]
    fused = _fused(text)
    assert fused.count("linalg.generic") == 1, fused  # the index producer was fused
    assert "linalg.index" in fused
    expected = _run(lower(text, "baseline"))
    got = _run(lower(fused, "baseline"))
    diff = float(np.abs(got.astype(np.float64) - expected).max())
    assert np.array_equal(got, expected), f"{kernel}: fused differs from unfused by up to {diff:.3e}"


@pytest.mark.parametrize("fusion", ["true", "false"])
@pytest.mark.parametrize("kernel", sorted(KERNELS))
def test_host_pipeline_matches_numpy(kernel, fusion):
    got = _run(lower(KERNELS[kernel], "host", {"fusion": fusion}))
    np.testing.assert_allclose(got, _reference(kernel), rtol=1e-5, atol=1e-5)
