"""The kernel ABI on Hexagon: the reference's (64-bit rank, sizes and strides; the default), the compact
32-bit one (`--set abi=compact`) and the reference's own all-64-bit lowering (`--set index-bitwidth=64`).

Each is lowered from the same Linalg kernel (test/mlir/abi_scale_add.mlir: memrefs, an f32 scalar, a
grid of 4 programs, async threads), translated with HVX float off, linked with the harness (whose
descriptors follow the signature) and run under qemu-hexagon against numpy. Skipped (with the reason)
when qemu-hexagon or zig is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from hexopt import lower
from hexopt.backend.translate import TargetOptions, translate
from hexopt.errors import RunError
from hexopt.runner import abi, hexagon
from hexopt.runner.host import compile_host
from hexopt.toolchain import zig_available

ROOT = Path(__file__).resolve().parents[2]
KERNEL = ROOT / "test" / "mlir" / "abi_scale_add.mlir"

needs_qemu = pytest.mark.skipif(
    shutil.which("qemu-hexagon") is None, reason="qemu-hexagon not installed (apt-get install qemu-user)"
)
needs_zig = pytest.mark.skipif(not zig_available(), reason="ziglang not installed (pip install ziglang==0.17.1)")

#: --set of each ABI -> the width of the ranks in the signature
ABIS = {"reference": ({}, 64), "compact": ({"abi": "compact"}, 32), "wide": ({"index-bitwidth": "64"}, 64)}


@pytest.mark.parametrize("name", list(ABIS))
def test_signature(name):
    sets, bits = ABIS[name]
    sig = abi.parse_signature(lower(KERNEL.read_text(), "hexagon", sets), "scale_add")
    assert sig.index_bitwidth == bits
    assert [p.kind for p in sig.params] == ["memref", "memref", "memref", "scalar"]
    assert sig.params[3].type == "f32"


def test_host_jit_refuses_a_32_bit_body_behind_the_reference_abi():
    text = lower(KERNEL.read_text(), "hexagon", {"multi-threading": "false"})
    assert abi.parse_signature(text).index_bitwidth == 64  # the interface alone would pass
    with pytest.raises(RunError, match="32-bit index"):
        compile_host(text)


def test_call_stub_passes_each_scalar_type_from_its_field():
    sig = abi.classify("k", ["i64", "ptr", "f32", "i64", "i32", *["i32"] * abi.GRID_ARGS])
    stub = hexagon.call_stub(sig)
    assert "extern void k(int64_t, void *, float, int64_t, int32_t, int32_t" in stub
    assert "(int64_t)args[0].rank, args[0].desc, (float)args[1].f32, (int64_t)args[2].i64, (int32_t)args[3].i32" in stub


@needs_qemu
@needs_zig
@pytest.mark.parametrize("name", list(ABIS))
def test_numerics_under_qemu(tmp_path, name):
    sets, bits = ABIS[name]
    text = lower(KERNEL.read_text(), "hexagon", sets)
    sig = abi.parse_signature(text, "scale_add")
    obj = tmp_path / "k.o"
    obj.write_bytes(translate(text, TargetOptions(arch="v73", hvx_float=False), "obj"))
    exe = hexagon.build_executable(obj, sig, tmp_path / "k.elf", arch="v73")
    rng = np.random.default_rng(3)
    x, y = rng.random((2048, 128), dtype=np.float32), rng.random((2048, 128), dtype=np.float32)
    out = np.zeros_like(x)
    want = x * np.float32(2.5) + y
    res = hexagon.run_qemu(
        exe, [x, y, out, 2.5], grid=(4,), outputs=[2], expect={2: want}, rtol=1e-6, atol=0, threads=4
    )
    assert res.passed, res.stdout
    assert np.allclose(res.outputs[2], want, rtol=1e-6, atol=0)
    assert int(res.info["async_tasks"]) > 0, res.stdout  # the threaded path ran with these descriptors
    assert int(res.info["live_async_objects"]) == 0, res.stdout
