"""The kernel zoo's numerics through the generic bench: every zoo kernel (test/mlir/zoo/, one per kernel kind
of the Triton front end) runs with `hexopt bench` on the host JIT and under qemu-hexagon, its buffers sized
by bench's extent analysis, its outputs checked against the baseline pipeline (an independent lowering)
or, for flash attention, the seed's float64 reference. The static side (LLVM-only IR, HVX code, no
per-lane libm or conversion call) is test/lit/zoo/.

This is what a user of the reference does with a kernel: its Linalg, a grid, its scalar arguments, and
`bench` must find the rest.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hexopt.toolchain import zig_available

ROOT = Path(__file__).resolve().parents[2]
ZOO_DIR = ROOT / "test" / "mlir" / "zoo"
ZOO: dict[str, dict] = json.loads((ZOO_DIR / "zoo.json").read_text())

needs_qemu = pytest.mark.skipif(
    shutil.which("qemu-hexagon") is None or not zig_available(),
    reason="qemu-hexagon (apt-get install qemu-user) or ziglang (pip install ziglang==0.17.1) missing",
)


def bench(name: str, target: str) -> subprocess.CompletedProcess[str]:
    spec = ZOO[name]
    argv = [sys.executable, "-m", "hexopt", "bench", str(ZOO_DIR / f"{name}.mlir"), "--target", target]
    argv += ["--iterations", "1", "--grid", ",".join(map(str, spec["grid"]))]
    for index, value in spec["args"].items():
        argv += ["--arg", f"{index}={value}"]
    if "tolerance" in spec:
        argv += ["--tolerance", spec["tolerance"]]
    return subprocess.run(argv, capture_output=True, text=True, timeout=900)


def check(proc: subprocess.CompletedProcess[str]) -> None:
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert "Result:Pass" in proc.stdout, out[-3000:]
    # bench names each checked output with its error: a run that checked nothing is not a pass
    assert "max_abs_err=" in proc.stderr, out[-3000:]


def test_the_zoo_has_every_kernel_kind():
    kinds = {spec["kind"] for spec in ZOO.values()}
    assert len(ZOO) >= 32 and len(kinds) >= 27
    for name in ZOO:
        assert (ZOO_DIR / f"{name}.mlir").is_file(), name
        assert (ROOT / "test" / "lit" / "zoo" / f"{name}.test").is_file(), f"{name}: no lit test of its assembly"


@pytest.mark.parametrize("name", sorted(ZOO))
def test_zoo_kernel_on_the_host(name):
    check(bench(name, "host"))


@needs_qemu
@pytest.mark.parametrize("name", sorted(ZOO))
def test_zoo_kernel_under_qemu(name):
    check(bench(name, "hexagon"))
