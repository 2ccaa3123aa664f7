"""Hexagon runs under qemu-hexagon: static executables of harness + kernel object + hexopt's async runtime.

qemu 7.2 cannot execute HVX float, so the kernels are translated with HVX float off (scalar float
code for v73); the HVX build is checked statically by the lit tests in test/lit/translate/.
Skipped (with the reason) when qemu-hexagon or zig is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hexopt.backend.translate import TargetOptions, translate
from hexopt.kernels.flash_attention import attention_reference
from hexopt.runner import abi, hexagon
from hexopt.toolchain import zig_available

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "test" / "lit" / "translate" / "Inputs"
SEED = ROOT / "test" / "mlir" / "flash_attention.mlir"

needs_qemu = pytest.mark.skipif(
    shutil.which("qemu-hexagon") is None, reason="qemu-hexagon not installed (apt-get install qemu-user)"
)
needs_zig = pytest.mark.skipif(not zig_available(), reason="ziglang not installed (pip install ziglang==0.17.1)")


def _build(tmp_path: Path, mlir: Path | str, name: str | None = None) -> tuple[Path, abi.KernelSignature]:
    text = Path(mlir).read_text()
    sig = abi.parse_signature(text, name)
    obj = tmp_path / f"{sig.name}.o"
    obj.write_bytes(translate(text, TargetOptions(arch="v73", hvx_float=False), "obj"))
    return hexagon.build_executable(obj, sig, tmp_path / f"{sig.name}.elf", arch="v73"), sig


@needs_qemu
@needs_zig
def test_vector_kernel_under_qemu(tmp_path):
    exe, _ = _build(tmp_path, INPUTS / "vector_kernel.mlir")
    rng = np.random.default_rng(1)
    a, b = rng.random(1024, dtype=np.float32), rng.random(1024, dtype=np.float32)
    c = np.zeros(1024, np.float32)
    res = hexagon.run_qemu(exe, [a, b, c], grid=(1,), outputs=[2])
    want = np.maximum(a * b + a, b)
    assert np.allclose(res.outputs[2], want, rtol=1e-6, atol=0), np.abs(res.outputs[2] - want).max()
    assert "Result:Pass" in res.test_info


@needs_qemu
@needs_zig
def test_async_kernel_runs_on_four_worker_threads(tmp_path):
    """The kernel's 4 async.execute chunks go through hexopt's runtime: 4 workers, no leaked objects."""
    exe, sig = _build(tmp_path, INPUTS / "async_kernel.mlir")
    assert [p.kind for p in sig.params] == ["memref", "memref", "memref", "scalar"]
    assert sig.index_bitwidth == 32
    rng = np.random.default_rng(2)
    a = rng.random((256, 64), dtype=np.float32)
    b = rng.random(64, dtype=np.float32)
    out = np.zeros(256, np.float32)
    want = (a.astype(np.float64) @ b + 3).astype(np.float32)
    res = hexagon.run_qemu(
        exe, [a, b, out, 3], grid=(2,), iterations=3, outputs=[2], expect={2: want}, rtol=1e-5, atol=1e-5, threads=4
    )
    assert res.passed, res.stdout
    assert np.allclose(res.outputs[2], want, rtol=1e-5, atol=1e-5)
    info = res.info
    # 3 iterations x 2 programs x 4 chunks: every chunk is one task on the pool
    assert int(info["async_tasks"]) == 24, res.stdout
    assert int(info["threads_used"]) >= 2, res.stdout  # really parallel workers, not one thread
    assert int(info["live_async_objects"]) == 0, res.stdout  # reference counting frees everything
    assert int(info["programs"]) == 2


def _lower_seed(tmp_path: Path) -> Path:
    out = tmp_path / "flash_attention.llvm.mlir"
    proc = subprocess.run(
        [sys.executable, "-m", "hexopt", "run", "hexagon", str(SEED), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return out


@needs_qemu
@needs_zig
def test_flash_attention_under_qemu(tmp_path):
    """The seed kernel from Linalg (hexopt run hexagon) to a v73 object, run under qemu, vs numpy."""
    lowered = _lower_seed(tmp_path)
    exe, sig = _build(tmp_path, lowered, "attention_fwd_kernel")
    rng = np.random.default_rng(0)
    q, k, v = (rng.random((1, 1, 1024, 64), dtype=np.float32) for _ in range(3))
    out = np.zeros_like(q)
    want = attention_reference(q, k, v, 0.5).astype(np.float32)
    res = hexagon.run_qemu(
        exe,
        [0, q, k, v, out],
        grid=(4,),
        iterations=1,
        name=sig.name,
        outputs=[4],
        expect={4: want},
        timeout=int(os.environ.get("HEXOPT_QEMU_TIMEOUT", "300")),
    )
    err = float(np.abs(res.outputs[4] - want).max())
    print(f"flash attention under qemu: {res.seconds:.1f} s, max abs error {err:.3g}; {res.stdout.splitlines()[0]}")
    assert np.allclose(res.outputs[4], want, rtol=1e-5, atol=1e-8), err
    assert res.passed
