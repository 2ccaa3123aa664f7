"""Triton kernels hexopt's converter rejects, for the tests of its diagnostics (they compile for a GPU)."""

import triton
import triton.language as tl


@triton.jit
def gather_kernel(x_ptr, idx_ptr, out_ptr, BLOCK: tl.constexpr):
    """Offsets loaded from memory: not one strided block."""
    i = tl.arange(0, BLOCK)
    rows = tl.load(idx_ptr + i)
    tl.store(out_ptr + i, tl.load(x_ptr + rows))
