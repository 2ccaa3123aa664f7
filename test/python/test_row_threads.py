"""Numerics of form-row-threads: row-parallel kernels (softmax, layer norm, rms norm, flash attention) run as
row blocks on threads give the oracle's answer, at the seed's tolerances (rtol 1e-5, atol 1e-8).

Each kernel is written here in triton-shared's style (a program reads its block of rows from a
memref<*xf32>, computes on tensors, stores with materialize_in_destination). Each test first checks
that form-row-threads accepts the kernel (strict=true fails otherwise), then JIT-runs the `host`
pipeline (row threads by default) and the single-threaded build against a float64 numpy oracle.
"""

from __future__ import annotations

import numpy as np
import pytest

import hexopt.kernels.flash_attention as fa
from hexopt import lower
from hexopt.runner.host import compile_host

RTOL, ATOL = 1e-5, 1e-8

_HEAD = """#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#bc = affine_map<(d0, d1) -> (d0, 0)>
"""


def _program(name: str, rows: int, cols: int, body: str, extra_args: str = "") -> str:
    """A kernel whose program `pid` reads rows [pid*rows, (pid+1)*rows) of x and writes the same rows of out."""
    t = f"tensor<{rows}x{cols}xf32>"
    m = f"memref<{rows}x{cols}xf32, strided<[{cols}, 1], offset: ?>>"
    return (
        _HEAD
        + f"""module {{
  func.func @{name}(%x: memref<*xf32>, %out: memref<*xf32>{extra_args}, %nx: i32, %ny: i32, %nz: i32, %pid: i32,
                    %py: i32, %pz: i32) {{
    %block = arith.constant {rows * cols} : i32
    %o32 = arith.muli %pid, %block : i32
    %off = arith.index_cast %o32 : i32 to index
    %xv = memref.reinterpret_cast %x to offset: [%off], sizes: [{rows}, {cols}], strides: [{cols}, 1]
        : memref<*xf32> to {m}
    %ov = memref.reinterpret_cast %out to offset: [%off], sizes: [{rows}, {cols}], strides: [{cols}, 1]
        : memref<*xf32> to {m}
    %xt = bufferization.to_tensor %xv restrict : {m} to {t}
{body}
    bufferization.materialize_in_destination %res in writable %ov : ({t}, {m}) -> ()
    return
  }}
}}
"""
    )


def _row_reduce(res: str, src: str, rows: int, cols: int, init: str, op: str) -> str:
    return f"""    %{res}_e = tensor.empty() : tensor<{rows}xf32>
    %{res}_i = linalg.fill ins({init} : f32) outs(%{res}_e : tensor<{rows}xf32>) -> tensor<{rows}xf32>
    %{res} = linalg.generic {{indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}}
        ins({src} : tensor<{rows}x{cols}xf32>) outs(%{res}_i : tensor<{rows}xf32>) {{
    ^bb0(%a: f32, %acc: f32):
      %r = {op} %a, %acc : f32
      linalg.yield %r : f32
    }} -> tensor<{rows}xf32>
"""


def _map2(res: str, ins: list[tuple[str, str]], rows: int, cols: int, body: str) -> str:
    """An elementwise generic over rows x cols; ins are (value, "full"|"row") and body uses %a0, %a1, ..."""
    maps = ", ".join("#id" if kind == "full" else "#bc" for _, kind in ins) + ", #id"
    vals = ", ".join(v for v, _ in ins)
    types = ", ".join(f"tensor<{rows}x{cols}xf32>" if kind == "full" else f"tensor<{rows}x1xf32>" for _, kind in ins)
    args = ", ".join(f"%a{i}: f32" for i in range(len(ins)))
    return f"""    %{res}_e = tensor.empty() : tensor<{rows}x{cols}xf32>
    %{res} = linalg.generic {{indexing_maps = [{maps}], iterator_types = ["parallel", "parallel"]}}
        ins({vals} : {types}) outs(%{res}_e : tensor<{rows}x{cols}xf32>) {{
    ^bb0({args}, %o: f32):
{body}
    }} -> tensor<{rows}x{cols}xf32>
"""


def _column(res: str, src: str, rows: int) -> str:
    return (
        f"    %{res} = tensor.expand_shape {src} [[0, 1]] output_shape [{rows}, 1]"
        f" : tensor<{rows}xf32> into tensor<{rows}x1xf32>\n"
    )


def softmax(rows: int, cols: int) -> str:
    body = (
        _row_reduce("mx", "%xt", rows, cols, "%ninf", "arith.maxnumf")
        + _column("mxc", "%mx", rows)
        + _map2(
            "ex",
            [("%xt", "full"), ("%mxc", "row")],
            rows,
            cols,
            "      %d = arith.subf %a0, %a1 : f32\n      %e = math.exp %d : f32\n      linalg.yield %e : f32",
        )
        + _row_reduce("sm", "%ex", rows, cols, "%zero", "arith.addf")
        + _column("smc", "%sm", rows)
        + _map2(
            "res",
            [("%ex", "full"), ("%smc", "row")],
            rows,
            cols,
            "      %q = arith.divf %a0, %a1 : f32\n      linalg.yield %q : f32",
        )
    )
    consts = "    %ninf = arith.constant 0xFF800000 : f32\n    %zero = arith.constant 0.0 : f32\n"
    return _program("softmax_kernel", rows, cols, consts + body)


def layer_norm(rows: int, cols: int) -> str:
    body = (
        _row_reduce("sm", "%xt", rows, cols, "%zero", "arith.addf")
        + _column("smc", "%sm", rows)
        + _map2(
            "xc",
            [("%xt", "full"), ("%smc", "row")],
            rows,
            cols,
            "      %mean = arith.divf %a1, %n : f32\n      %c = arith.subf %a0, %mean : f32\n"
            "      linalg.yield %c : f32",
        )
        + _map2(
            "sq", [("%xc", "full")], rows, cols, "      %s = arith.mulf %a0, %a0 : f32\n      linalg.yield %s : f32"
        )
        + _row_reduce("var", "%sq", rows, cols, "%zero", "arith.addf")
        + _column("varc", "%var", rows)
        + _map2(
            "res",
            [("%xc", "full"), ("%varc", "row")],
            rows,
            cols,
            "      %v = arith.divf %a1, %n : f32\n      %ve = arith.addf %v, %eps : f32\n"
            "      %sd = math.sqrt %ve : f32\n      %y = arith.divf %a0, %sd : f32\n      linalg.yield %y : f32",
        )
    )
    consts = (
        f"    %zero = arith.constant 0.0 : f32\n    %n = arith.constant {float(cols)} : f32\n"
        "    %eps = arith.constant 1.0e-05 : f32\n"
    )
    return _program("layer_norm_kernel", rows, cols, consts + body)


def rms_norm(rows: int, cols: int) -> str:
    body = (
        _map2("sq", [("%xt", "full")], rows, cols, "      %s = arith.mulf %a0, %a0 : f32\n      linalg.yield %s : f32")
        + _row_reduce("ms", "%sq", rows, cols, "%zero", "arith.addf")
        + _column("msc", "%ms", rows)
        + _map2(
            "res",
            [("%xt", "full"), ("%msc", "row")],
            rows,
            cols,
            "      %m = arith.divf %a1, %n : f32\n      %me = arith.addf %m, %eps : f32\n"
            "      %r = math.sqrt %me : f32\n      %y = arith.divf %a0, %r : f32\n      linalg.yield %y : f32",
        )
    )
    consts = (
        f"    %zero = arith.constant 0.0 : f32\n    %n = arith.constant {float(cols)} : f32\n"
        "    %eps = arith.constant 1.0e-05 : f32\n"
    )
    return _program("rms_norm_kernel", rows, cols, consts + body)


def _softmax_ref(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _layer_norm_ref(x: np.ndarray) -> np.ndarray:
    c = x - x.mean(axis=-1, keepdims=True)
    return c / np.sqrt((c * c).mean(axis=-1, keepdims=True) + 1e-5)


def _rms_norm_ref(x: np.ndarray) -> np.ndarray:
    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + 1e-5)


ROWS, COLS, GRID = 128, 512, 2
KERNELS = {
    "softmax": (softmax, _softmax_ref),
    "layer_norm": (layer_norm, _layer_norm_ref),
    "rms_norm": (rms_norm, _rms_norm_ref),
}


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_row_parallel_kernel(name):
    make, ref = KERNELS[name]
    text = make(ROWS, COLS)
    # strict: fails unless every op is row-parallel and the function is split into row blocks
    threaded = lower(text, "builtin.module(form-row-threads{num-threads=4 strict=true})")
    assert "scf.forall" in threaded and f"tensor<{ROWS // 4}x{COLS}xf32>" in threaded
    x = np.random.default_rng(1).standard_normal((GRID * ROWS, COLS)).astype(np.float32)
    want = ref(x.astype(np.float64))
    for sets in ({}, {"num-threads": "3"}, {"multi-threading": "false"}):
        lowered = lower(text, "host", sets)
        assert ("mlirAsyncRuntimeExecute" in lowered) == (sets.get("multi-threading") != "false")
        out = np.zeros_like(x)
        compile_host(lowered).run([x, out], (GRID,))
        err = float(np.abs(out - want).max())
        assert np.allclose(out, want, rtol=RTOL, atol=ATOL), f"{name} {sets}: max abs error {err:.3g}"


@pytest.mark.parametrize("threads", [2, 3, 8])
def test_flash_attention_row_blocks(threads):
    """The seed's shape with 2, 3 (the largest divisor of 256 not above 3: 2 blocks) and 8 row blocks."""
    shape = fa.FlashAttentionShape()
    text = fa.generate(shape)
    lowered = lower(text, "host", {"num-threads": str(threads)})
    rng = np.random.default_rng(threads)
    q, k, v = (rng.random((1, 1, shape.n_ctx, shape.d_head), dtype=np.float32) for _ in range(3))
    out = np.zeros_like(q)
    compile_host(lowered).run([0, q, k, v, out], (shape.threads,))
    want = fa.attention_reference(q, k, v, shape.scale)
    assert np.allclose(out, want, rtol=RTOL, atol=ATOL), float(np.abs(out - want).max())


def test_threads_for_takes_a_divisor():
    from hexopt.passes.row_threads import FormRowThreads

    assert FormRowThreads(num_threads=4).threads_for(256) == 4
    assert FormRowThreads(num_threads=3).threads_for(256) == 2
    assert FormRowThreads(num_threads=8, min_rows=64).threads_for(256) == 4
    assert FormRowThreads(num_threads=4).threads_for(1) == 1
    # max-rows: more blocks than threads (a multiple of them) once a block would exceed it
    assert FormRowThreads(num_threads=4, max_rows=64).blocks_for(256) == 4
    assert FormRowThreads(num_threads=4, max_rows=64).blocks_for(1024) == 16
    assert FormRowThreads(num_threads=1, max_rows=64).blocks_for(256) == 4
    assert FormRowThreads(num_threads=1, max_rows=64).blocks_for(64) == 1
