"""tools/bench_zoo_vs_torch.py on two small zoo kernels: both sides timed, torch's result checked against hexopt's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="torch (CPU) is not installed: pip install -e '.[bench]'")

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "bench_zoo_vs_torch.py"
VARIANTS = {"hexopt 1 thread", "hexopt shipped", "torch 1 thread", "torch default threads"}


def test_two_kernels_timed_and_checked(tmp_path):
    out = tmp_path / "run.json"
    argv = [sys.executable, str(TOOL), "vadd_masked", "softmax_f32", "grid_3d", "--runs", "1", "--warmup", "0"]
    argv += ["--sample-us", "50", "--json", str(out)]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    report = json.loads(out.read_text())
    for name in ("vadd_masked", "softmax_f32"):
        row = report["kernels"][name]
        assert set(row["variants"]) == VARIANTS
        assert all(v["median_us"] > 0 for v in row["variants"].values())
        # each hexopt build's every output was compared with torch's, at the zoo's tolerance, and passed
        assert set(row["check"]) == {"hexopt 1 thread", "hexopt shipped"}
        for outputs in row["check"].values():
            assert outputs and all(o["ok"] and o["max_abs_err"] < 1e-5 for o in outputs.values())
        assert row["check_ok"] is True
        assert row["ratio_1_thread"] > 0 and row["ratio_shipped"] > 0
    # a kind without a torch equivalent is listed with its reason, its hexopt builds still timed
    grid_3d = report["kernels"]["grid_3d"]
    assert "computes nothing" in grid_3d["skipped"]
    assert set(grid_3d["variants"]) == {"hexopt 1 thread", "hexopt shipped"}
    assert set(report["launch_overhead"]) == {"hexopt: one program of grid_3d", "torch: x + y, 1 element"}
    assert "| vadd_masked | 1 |" in proc.stdout and "| softmax_f32 | 8 |" in proc.stdout


def test_a_wrong_torch_result_fails_the_check():
    """The check can fail: hexopt's outputs against a torch result that is off by a relative 1e-4."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import bench_zoo_vs_torch as tool
    finally:
        sys.path.remove(str(ROOT / "tools"))
    import numpy as np
    import torch

    from hexopt.kernels import F32_TOLERANCE
    from hexopt.runner.bench import BenchSetup

    setup = BenchSetup(None, "k", (1,), [], [1], {1: F32_TOLERANCE})
    x = torch.linspace(1, 2, 64)
    tc = tool.TorchCase((1,), lambda: (x,), {})
    good = tool.check_outputs(tc, (x,), [None, x.numpy().copy()], setup)
    bad = tool.check_outputs(tc, (x,), [None, x.numpy() * np.float32(1 + 1e-4)], setup)
    assert good["1"]["ok"] and not bad["1"]["ok"]
    assert bad["1"]["max_abs_err"] > 1e-4
