"""The stored Triton IR of test/lit/triton/Inputs, run on the host JIT (no Triton needed): the converter's
output computes the right numbers for both block-pointer forms (Triton 3.8's pointer arithmetic and
3.5-3.7's tt.make_tensor_ptr / tt.advance, the *.tt37 inputs), checked against numpy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hexopt.kernels.flash_attention import attention_reference
from hexopt.triton import toolchain

INPUTS = Path(__file__).resolve().parents[1] / "lit" / "triton" / "Inputs"
RNG = np.random.default_rng(7)


def kernel(name: str, sets: dict | None = None):
    text = (INPUTS / f"{name}.ttir").read_text()
    return toolchain.host_kernel(toolchain.lower(text, "host", sets or {}, f"{name}.ttir"))


@pytest.mark.parametrize("form", ["", ".tt37"])
def test_attention(form):
    q, k, v = (RNG.random((1, 1, 1024, 64), dtype=np.float32) for _ in range(3))
    out = np.zeros_like(q)
    kernel(f"attention_fwd_kernel{form}").run([0, q, k, v, out], (4,))
    np.testing.assert_allclose(out, attention_reference(q, k, v, 0.5), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("form", ["", ".tt37"])
def test_vadd_2d_block_ptr(form):
    a, b = RNG.random((64, 128), dtype=np.float32), RNG.random((64, 128), dtype=np.float32)
    c = np.zeros_like(a)
    kernel(f"vadd_2d_block_ptr{form}").run([a, b, c], (2, 2))
    np.testing.assert_array_equal(c, a + b)


def test_block_pointer_boundary_check():
    rows, cols = 50, 70
    a = RNG.random((rows, cols), dtype=np.float32)
    c = np.full((rows, cols), -7.0, dtype=np.float32)
    kernel("block_ptr_boundary.tt37").run([a, c, rows, cols], (2, 2))
    np.testing.assert_array_equal(c, a + 1)


@pytest.mark.parametrize("form", ["", ".tt37"])
def test_online_softmax(form):
    x = RNG.standard_normal((4, 512), dtype=np.float32)
    y = np.zeros_like(x)
    kernel(f"online_softmax{form}").run([x, y], (4,))
    e = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(y, e / e.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("n", [1, 200, 256])
def test_vadd_masked_tail(n):
    """BLOCK=256 with fewer elements: nothing past n is read or written."""
    a, b = RNG.random(256, dtype=np.float32), RNG.random(256, dtype=np.float32)
    c = np.full(256, -1.0, dtype=np.float32)
    kernel("vadd_masked").run([a, b, c, n], (1,))
    np.testing.assert_array_equal(c[:n], (a + b)[:n])
    np.testing.assert_array_equal(c[n:], -1.0)


def test_matmul_f16():
    a = (RNG.random((64, 64)) * 0.1).astype(np.float16)
    b = (RNG.random((64, 64)) * 0.1).astype(np.float16)
    c = np.zeros((64, 64), dtype=np.float16)
    kernel("matmul").run([a, b, c], (2, 2))
    np.testing.assert_allclose(c.astype(np.float32), a.astype(np.float32) @ b.astype(np.float32), atol=1e-3)
