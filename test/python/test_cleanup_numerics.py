"""Numerics of the cleanups (split-reduce-generic's start value, broadcast-div-to-mul, hoist-scalar-ops,
erase-unused-linalg-operands, expand-bool-vec, punt-buffer, rvo) on the host JIT: each kernel through the
`host` pipeline (every cleanup on) and with the cleanup switched off, against numpy. The kernels are
triton-shared shaped (unranked memrefs, then the six grid i32) and live in test/lit/passes/Inputs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hexopt import lower
from hexopt.runner.host import compile_host

INPUTS = Path(__file__).resolve().parents[1] / "lit" / "passes" / "Inputs"
SCALE_ADD = Path(__file__).resolve().parents[1] / "mlir" / "abi_scale_add.mlir"


def run(path: Path, args: list, grid: tuple[int, ...] = (1,), sets: dict[str, str] | None = None) -> list:
    kernel = compile_host(lower(path.read_text(), "host", sets or {}))
    kernel.run(args, grid)
    return args


@pytest.mark.parametrize("sets", [{}, {"split-reduction": "false"}, {"fast-math": "false"}])
def test_max_of_negative_numbers(sets):
    """The split partial maxima start at -inf: with NaN (upstream's start) and fast-math this gave -inf."""
    x = -1 - np.random.default_rng(0).random(2048, dtype=np.float32)
    (_, out) = run(INPUTS / "row-max.mlir", [x, np.zeros(1, np.float32)], sets=sets)
    assert out[0] == x.max()


@pytest.mark.parametrize("sets", [{}, {"reciprocal-division": "false"}])
def test_column_divide(sets):
    x = 0.5 + np.random.default_rng(1).random((64, 128), dtype=np.float32)
    (_, out) = run(INPUTS / "column-divide.mlir", [x, np.zeros_like(x)], sets=sets)
    want = x / x.sum(axis=0, dtype=np.float64)[None, :]
    # x * (1/s): two roundings instead of one (fast-math's arcp), and the sums are f32
    np.testing.assert_allclose(out, want, rtol=2e-6, atol=0)


@pytest.mark.parametrize("sets", [{}, {"hoist-scalar-ops": "false"}, {"erase-unused-operands": "false"}])
def test_row_rms(sets):
    rng = np.random.default_rng(2)
    x, w = rng.random((4, 1024), dtype=np.float32), rng.random(1024, dtype=np.float32)
    (_, _, out) = run(INPUTS / "row-rms.mlir", [x, w, np.zeros_like(x)], grid=(4,), sets=sets)
    x64 = x.astype(np.float64)
    want = x64 / np.sqrt((x64 * x64).mean(axis=1, keepdims=True) + 1e-5) * w
    np.testing.assert_allclose(out, want, rtol=2e-6, atol=0)


@pytest.mark.parametrize("sets", [{}, {"expand-bool-vec": "false"}])
def test_mask_to_float(sets):
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((64, 128), dtype=np.float32), rng.random((64, 128), dtype=np.float32)
    (_, _, out) = run(INPUTS / "mask-to-float.mlir", [x, y, np.zeros_like(x)], sets=sets)
    np.testing.assert_array_equal(out, (x > 0).astype(np.float32) + y)


@pytest.mark.parametrize("sets", [{}, {"punt-buffer": "false", "rvo": "false"}])
def test_blocks_read_and_written_in_place(sets):
    """punt-buffer + rvo: every program reads its blocks from the arguments and writes its own block of out."""
    rng = np.random.default_rng(4)
    x, y = rng.random((2048, 128), dtype=np.float32), rng.random((2048, 128), dtype=np.float32)
    (_, _, out, _) = run(SCALE_ADD, [x, y, np.zeros_like(x), 2.5], grid=(4,), sets=sets)
    np.testing.assert_allclose(out, x * np.float32(2.5) + y, rtol=2.5e-7, atol=0)  # fast-math may fuse into an fma
