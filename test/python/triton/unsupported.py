"""Triton kernels hexopt's converter rejects, for the tests of its diagnostics (they compile for a GPU)."""

import triton
import triton.language as tl


@triton.jit
def gather_kernel(x_ptr, idx_ptr, out_ptr, BLOCK: tl.constexpr):
    """Offsets loaded from memory: not one strided block."""
    i = tl.arange(0, BLOCK)
    rows = tl.load(idx_ptr + i)
    tl.store(out_ptr + i, tl.load(x_ptr + rows))


@triton.jit
def atomic_kernel(x_ptr, out_ptr, BLOCK: tl.constexpr):
    """Atomics have no equivalent in the converter."""
    i = tl.arange(0, BLOCK)
    tl.atomic_add(out_ptr + i, tl.load(x_ptr + i))


@triton.jit
def even_mask_kernel(x_ptr, out_ptr, BLOCK: tl.constexpr):
    """A mask that is not a box (every other element)."""
    i = tl.arange(0, BLOCK)
    tl.store(out_ptr + i, tl.load(x_ptr + i, mask=i % 2 == 0, other=0.0))


@triton.jit
def select_pointer_kernel(x_ptr, y_ptr, out_ptr, flag, BLOCK: tl.constexpr):
    """tl.where on pointers."""
    i = tl.arange(0, BLOCK)
    src = tl.where(flag > 0, x_ptr + i, y_ptr + i)
    tl.store(out_ptr + i, tl.load(src))
