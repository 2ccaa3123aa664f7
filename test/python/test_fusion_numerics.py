"""schedule-matmul-for-hvx + hexagon-fusion keep the flash-attention kernel's numerics.

The seed IR and its fused form are both lowered with the naive `baseline` pipeline (no fusion,
tiling, vectorization or threads), JIT-compiled on the host and run on the same random inputs.
Fusion only moves each element's arithmetic into fewer loops; it neither reorders nor
reassociates any float operation (the reductions still run over the same index in the same
order), and baseline uses no fast-math, so the outputs must be bit-identical. The measured max
abs difference is printed (`pytest -s`) and recorded as a junit property.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hexopt import lower
from hexopt.runner.host import compile_host

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "test" / "mlir" / "flash_attention.mlir"
N_CTX, D_HEAD, GRID = 1024, 64, (4,)


def fused_ir(fusion_options: str) -> str:
    return lower(
        SEED.read_text(), f"builtin.module(schedule-matmul-for-hvx,hexagon-fusion{fusion_options},canonicalize,cse)"
    )


def run_attention(kernel, q, k, v, grid) -> np.ndarray:
    out = np.zeros_like(q)
    kernel.run([0, q, k, v, out], grid)
    return out


@pytest.fixture(scope="module")
def unfused_kernel():
    return compile_host(lower(SEED.read_text(), "baseline"))


def inputs(distribution: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    shape = (1, 1, N_CTX, D_HEAD)
    if distribution == "uniform":  # the seed test's torch.rand inputs
        return [rng.random(shape, dtype=np.float32) for _ in range(3)]
    # wider logits: row maxima change from block to block, so the rescaling by alpha matters
    return [(rng.standard_normal(shape) * 3).astype(np.float32) for _ in range(3)]


@pytest.mark.parametrize("fusion_options, generics", [("", 9), ("{allow-recompute=true}", None)])
@pytest.mark.parametrize("distribution", ["uniform", "normal"])
def test_fused_matches_unfused(unfused_kernel, fusion_options, generics, distribution, record_property):
    text = fused_ir(fusion_options)
    if generics is not None:
        assert text.count("linalg.generic") == generics
    for named in ("linalg.matmul", "linalg.transpose", "linalg.reduce"):
        assert named not in text
    fused_kernel = compile_host(lower(text, "baseline"))
    q, k, v = inputs(distribution)
    expected = run_attention(unfused_kernel, q, k, v, GRID)
    got = run_attention(fused_kernel, q, k, v, GRID)
    assert np.isfinite(expected).all()
    diff = float(np.abs(got.astype(np.float64) - expected).max())
    print(f"\nhexagon-fusion{fusion_options} ({distribution}): max abs difference fused vs unfused {diff:.3e}")
    record_property("max_abs_diff", diff)
    assert np.array_equal(got, expected), f"fused output differs from unfused by up to {diff:.3e}"
