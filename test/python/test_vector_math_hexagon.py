"""Every expanded function (f32, f16, bf16) on Hexagon under qemu-hexagon, against the same kernel on the
host JIT.

This checks LLVM's Hexagon lowering of the expansions' integer tricks (bit casts, shifts, integer compares
and selects on HVX), which the host JIT cannot. qemu 7.2 cannot execute HVX float, so the object is built
with HVX float off (the float vector ops become scalar IEEE ops; the integer ones stay HVX); the HVX-float
build is checked statically by test/lit/translate/vector_math_hvx.test. One kernel per element type applies
each function to its own 1024-element slice, in its own loop (a single loop body with every function in
it, scalarized, takes LLVM's Hexagon codegen more than half an hour). Skipped when qemu-hexagon or zig is
missing.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from hexopt import lower
from hexopt.backend.translate import TargetOptions, translate
from hexopt.runner import abi, hexagon, host
from hexopt.toolchain import zig_available

pytestmark = [
    pytest.mark.skipif(
        shutil.which("qemu-hexagon") is None, reason="qemu-hexagon not installed (apt-get install qemu-user)"
    ),
    pytest.mark.skipif(not zig_available(), reason="ziglang not installed (pip install ziglang==0.17.1)"),
]

UNARY = [
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "tanh",
    "erf",
    "sqrt",
    "rsqrt",
    "sin",
    "cos",
    "atan",
    "floor",
    "ceil",
    "round",
    "roundeven",
    "trunc",
]
OTHER = {
    "sigmoid": [
        "%n = arith.subf %zero, %x : T",
        "%e = math.exp %n : T",
        "%d = arith.addf %one, %e : T",
        "%y = arith.divf %one, %d : T",
    ],
    "fpowi3": ["%y = math.fpowi %x, %c3 : T, i32"],
    "powf-2": ["%y = math.powf %x, %mtwo : T"],
    "divide": ["%y = arith.divf %x, %z : T"],
    "maxnumf": ["%y = arith.maxnumf %x, %z : T"],
    "minimumf": ["%y = arith.minimumf %x, %z : T"],
}
FUNCTIONS = {**{name: [f"%y = math.{name} %x : T"] for name in UNARY}, **OTHER}
SIZE = 1024


def kernel(dtype: str) -> str:
    """@vmath(x, z, out): out[k*1024 + i] = f_k(x[k*1024 + i], z[k*1024 + i]) for the k-th function."""
    n = SIZE * len(FUNCTIONS)
    lines = [
        "#map = affine_map<(d0) -> (d0)>",
        "module {",
        "  func.func @vmath(%ax: memref<*xT>, %az: memref<*xT>, %aout: memref<*xT>, %g0: i32, %g1: i32, %g2: i32,"
        " %p0: i32, %p1: i32, %p2: i32) {",
        "    %zero = arith.constant 0.000000e+00 : T",
        "    %one = arith.constant 1.000000e+00 : T",
        "    %mtwo = arith.constant -2.000000e+00 : T",
        "    %c3 = arith.constant 3 : i32",
    ]
    for k, body in enumerate(FUNCTIONS.values()):
        slc = f"memref<{SIZE}xT, strided<[1], offset: {k * SIZE}>>"
        lines += [
            f"    %x{k}m = memref.reinterpret_cast %ax to offset: [{k * SIZE}], sizes: [{SIZE}], strides: [1]"
            f" : memref<*xT> to {slc}",
            f"    %z{k}m = memref.reinterpret_cast %az to offset: [{k * SIZE}], sizes: [{SIZE}], strides: [1]"
            f" : memref<*xT> to {slc}",
            f"    %x{k} = bufferization.to_tensor %x{k}m restrict : {slc} to tensor<{SIZE}xT>",
            f"    %z{k} = bufferization.to_tensor %z{k}m restrict : {slc} to tensor<{SIZE}xT>",
            f"    %e{k} = tensor.empty() : tensor<{SIZE}xT>",
            f'    %r{k} = linalg.generic {{indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}}'
            f" ins(%x{k}, %z{k} : tensor<{SIZE}xT>, tensor<{SIZE}xT>) outs(%e{k} : tensor<{SIZE}xT>) {{",
            "    ^bb0(%x: T, %z: T, %o: T):",
            *[f"      {line}" for line in body],
            "      linalg.yield %y : T",
            f"    }} -> tensor<{SIZE}xT>",
            f"    %o{k}m = memref.reinterpret_cast %aout to offset: [{k * SIZE}], sizes: [{SIZE}], strides: [1]"
            f" : memref<*xT> to {slc}",
            f"    bufferization.materialize_in_destination %r{k} in writable %o{k}m : (tensor<{SIZE}xT>, {slc}) -> ()",
        ]
    lines += ["    return", "  }", "}"]
    assert n == SIZE * len(FUNCTIONS)
    return "\n".join(lines).replace("T", dtype).replace("tensor<1024xT>", f"tensor<{SIZE}x{dtype}>")


def inputs(dtype: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    n = SIZE * len(FUNCTIONS)
    x = np.concatenate(
        [rng.uniform(-6, 6, n // 2), rng.uniform(0.01, 4, n // 4), rng.standard_normal(n - n // 2 - n // 4) * 100]
    ).astype(np.float32)
    x[:8] = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.5, -2.5]
    z = rng.uniform(-3, 3, n).astype(np.float32)
    if dtype == "f16":
        return x.astype(np.float16), z.astype(np.float16)
    if dtype == "bf16":  # bit patterns (the harness and the JIT only move the bytes)
        return tuple((v.view(np.uint32) >> 16).astype(np.uint16).view(np.int16) for v in (x, z))  # type: ignore
    return x, z


def as_f32(a: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == "bf16":
        return (a.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
    return a.astype(np.float32)


@pytest.mark.parametrize("dtype,conversions", [("f32", "native"), ("f16", "integer"), ("bf16", "native")])
def test_hexagon_matches_host(tmp_path, dtype, conversions):
    text = kernel(dtype)
    # f16 with integer conversions: with HVX float off LLVM would convert lane by lane (correct, but
    # that is not what runs on a device); the integer expansion stays on (integer) HVX.
    sets = {"f16-conversions": conversions, "multi-threading": "false"}
    x, z = inputs(dtype)

    jit = host.compile_host(lower(text, "host", sets), "vmath")
    want = np.zeros_like(x)
    jit.run([x, z, want], (1,))

    lowered = lower(text, "hexagon", sets)
    obj = tmp_path / "vmath.o"
    obj.write_bytes(translate(lowered, TargetOptions(arch="v73", hvx_float=False), "obj"))
    exe = hexagon.build_executable(obj, abi.parse_signature(lowered, "vmath"), tmp_path / "vmath.elf", arch="v73")
    got = hexagon.run_qemu(exe, [x, z, np.zeros_like(x)], grid=(1,), outputs=[2], name="vmath").outputs[2]

    g, w = as_f32(got, dtype), as_f32(want, dtype)
    same = (g == w) | (np.isnan(g) & np.isnan(w))
    # a few units in the last place (the host JIT may contract mul + add into fma under fast-math)
    ulp = {"f32": 2.0**-23, "f16": 2.0**-10, "bf16": 2.0**-7}[dtype]
    with np.errstate(invalid="ignore"):  # inf - inf
        close = np.abs(g - w) <= 4 * ulp * np.maximum(np.abs(w), np.finfo(np.float32).tiny)
    ok = same | close
    bad = {name: int((~ok[k * SIZE : (k + 1) * SIZE]).sum()) for k, name in enumerate(FUNCTIONS)}
    assert ok.all(), f"lanes that differ, per function: { {k: v for k, v in bad.items() if v} }"
