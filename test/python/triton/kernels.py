"""Triton kernels of every kind the reference's device tests cover, written for hexopt's tests.

Each kernel is plain Triton: it compiles for a GPU too. The tests in this directory launch them through
`hexopt.triton.HexagonDriver` and compare with torch. Kernel names are unique so that the TTIR files
stored for the lit tests (test/lit/triton/Inputs) can be regenerated from here.
"""

import triton
import triton.language as tl
from triton.language.extra import libdevice


# ---------------------------------------------------------------------------------------------
# vector add: 1-D, 2-D through block pointers, runtime size with masks, several programs
# ---------------------------------------------------------------------------------------------
@triton.jit
def vadd_kernel(a_ptr, b_ptr, c_ptr, BLOCK: tl.constexpr):
    idx = tl.arange(0, BLOCK)
    tl.store(c_ptr + idx, tl.load(a_ptr + idx) + tl.load(b_ptr + idx))


@triton.jit
def vadd_2d_block_ptr_kernel(a_ptr, b_ptr, c_ptr, ROWS: tl.constexpr, COLS: tl.constexpr,
                             BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    row0 = tl.program_id(0) * BLOCK_R
    col0 = tl.program_id(1) * BLOCK_C
    a_blk = tl.make_block_ptr(a_ptr, shape=(ROWS, COLS), strides=(COLS, 1), offsets=(row0, col0),
                              block_shape=(BLOCK_R, BLOCK_C), order=(1, 0))
    b_blk = tl.make_block_ptr(b_ptr, shape=(ROWS, COLS), strides=(COLS, 1), offsets=(row0, col0),
                              block_shape=(BLOCK_R, BLOCK_C), order=(1, 0))
    c_blk = tl.make_block_ptr(c_ptr, shape=(ROWS, COLS), strides=(COLS, 1), offsets=(row0, col0),
                              block_shape=(BLOCK_R, BLOCK_C), order=(1, 0))
    tl.store(c_blk, tl.load(a_blk) + tl.load(b_blk))


@triton.jit
def vadd_block_ptr_boundary_kernel(a_ptr, c_ptr, rows, cols, BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    """c = a + 1 on a rows x cols matrix, in blocks that overhang its edges (boundary_check, zero padding)."""
    offsets = (tl.program_id(0) * BLOCK_R, tl.program_id(1) * BLOCK_C)
    a_blk = tl.make_block_ptr(a_ptr, shape=(rows, cols), strides=(cols, 1), offsets=offsets,
                              block_shape=(BLOCK_R, BLOCK_C), order=(1, 0))
    c_blk = tl.make_block_ptr(c_ptr, shape=(rows, cols), strides=(cols, 1), offsets=offsets,
                              block_shape=(BLOCK_R, BLOCK_C), order=(1, 0))
    a = tl.load(a_blk, boundary_check=(0, 1), padding_option="zero")
    tl.store(c_blk, a + 1.0, boundary_check=(0, 1))


@triton.jit
def vadd_masked_kernel(a_ptr, b_ptr, c_ptr, n, BLOCK: tl.constexpr):
    first = tl.program_id(0) * BLOCK
    idx = first + tl.arange(0, BLOCK)
    inside = idx < n
    a = tl.load(a_ptr + idx, mask=inside, other=0.0)
    b = tl.load(b_ptr + idx, mask=inside, other=0.0)
    tl.store(c_ptr + idx, a + b, mask=inside)


@triton.jit
def vadd_scalar_kernel(a_ptr, c_ptr, alpha, n, BLOCK: tl.constexpr):
    """c = a + alpha for a runtime scalar alpha."""
    idx = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    inside = idx < n
    tl.store(c_ptr + idx, tl.load(a_ptr + idx, mask=inside) + alpha, mask=inside)


# ---------------------------------------------------------------------------------------------
# 2-D divide with row/column strides and masks on both axes
# ---------------------------------------------------------------------------------------------
@triton.jit
def vdiv_2d_kernel(a_ptr, b_ptr, c_ptr, rows, cols, stride_row, BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    r = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    c = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    offsets = r[:, None] * stride_row + c[None, :]
    valid = (r[:, None] < rows) & (c[None, :] < cols)
    a = tl.load(a_ptr + offsets, mask=valid, other=1.0)
    b = tl.load(b_ptr + offsets, mask=valid, other=1.0)
    tl.store(c_ptr + offsets, a / b, mask=valid)


# ---------------------------------------------------------------------------------------------
# activations: gelu (tanh form), gelu over 4-D block pointers, silu, double-buffered gelu
# ---------------------------------------------------------------------------------------------
@triton.jit
def _tanh_f32(z):
    e = tl.exp(-2.0 * z)
    return (1.0 - e) / (1.0 + e)


@triton.jit
def _gelu_tanh(x):
    # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    inner = 0.7978845608028654 * (x + 0.044715 * x * x * x)
    return 0.5 * x * (1.0 + _tanh_f32(inner))


@triton.jit
def gelu_kernel(x_ptr, y_ptr, BLOCK: tl.constexpr):
    idx = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + idx)
    y = _gelu_tanh(x.to(tl.float32))
    tl.store(y_ptr + idx, y.to(y_ptr.dtype.element_ty))


@triton.jit
def gelu_4d_block_ptr_kernel(x_ptr, y_ptr, D0: tl.constexpr, D1: tl.constexpr, D2: tl.constexpr,
                             D3: tl.constexpr, B0: tl.constexpr):
    start = tl.program_id(0) * B0
    x_blk = tl.make_block_ptr(x_ptr, shape=(D0, D1, D2, D3), strides=(D1 * D2 * D3, D2 * D3, D3, 1),
                              offsets=(start, 0, 0, 0), block_shape=(B0, D1, D2, D3), order=(3, 2, 1, 0))
    y_blk = tl.make_block_ptr(y_ptr, shape=(D0, D1, D2, D3), strides=(D1 * D2 * D3, D2 * D3, D3, 1),
                              offsets=(start, 0, 0, 0), block_shape=(B0, D1, D2, D3), order=(3, 2, 1, 0))
    x = tl.load(x_blk).to(tl.float32)
    tl.store(y_blk, _gelu_tanh(x).to(tl.float16))


@triton.jit
def silu_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    idx = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    inside = idx < n
    x = tl.load(x_ptr + idx, mask=inside, other=0.0).to(tl.float32)
    y = x * tl.sigmoid(x)
    tl.store(y_ptr + idx, y.to(y_ptr.dtype.element_ty), mask=inside)


@triton.jit
def gelu_double_buffer_kernel(x_ptr, y_ptr, BLOCK: tl.constexpr, CHUNK: tl.constexpr):
    """gelu over BLOCK elements in CHUNK-sized steps (the loop a double-buffering compiler pipelines)."""
    base = tl.program_id(0) * BLOCK
    for start in range(0, BLOCK, CHUNK):
        idx = base + start + tl.arange(0, CHUNK)
        tl.store(y_ptr + idx, _gelu_tanh(tl.load(x_ptr + idx)))


# ---------------------------------------------------------------------------------------------
# normalizations
# ---------------------------------------------------------------------------------------------
@triton.jit
def layer_norm_kernel(x_ptr, y_ptr, w_ptr, b_ptr, mean_ptr, rstd_ptr, n_rows, n_cols, eps,
                      BLOCK: tl.constexpr):
    """Each program normalizes rows pid, pid + num_programs, ... (the loop over rows is in the kernel)."""
    cols = tl.arange(0, BLOCK)
    valid = cols < n_cols
    w = tl.load(w_ptr + cols, mask=valid, other=0.0)
    b = tl.load(b_ptr + cols, mask=valid, other=0.0)
    for row in range(tl.program_id(0), n_rows, tl.num_programs(0)):
        x = tl.load(x_ptr + row * n_cols + cols, mask=valid, other=0.0)
        mean = tl.sum(x, axis=0) / n_cols
        centered = tl.where(valid, x - mean, 0.0)
        var = tl.sum(centered * centered, axis=0) / n_cols
        rstd = 1.0 / tl.sqrt(var + eps)
        tl.store(mean_ptr + row, mean)
        tl.store(rstd_ptr + row, rstd)
        tl.store(y_ptr + row * n_cols + cols, centered * rstd * w + b, mask=valid)


@triton.jit
def rms_norm_kernel(x_ptr, y_ptr, w_ptr, n_cols, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    valid = cols < n_cols
    x = tl.load(x_ptr + row * n_cols + cols, mask=valid, other=0.0).to(tl.float32)
    w = tl.load(w_ptr + cols, mask=valid, other=0.0).to(tl.float32)
    inv_rms = libdevice.rsqrt(tl.sum(x * x, axis=0) / n_cols + eps)
    tl.store(y_ptr + row * n_cols + cols, (x * inv_rms * w).to(y_ptr.dtype.element_ty), mask=valid)


# ---------------------------------------------------------------------------------------------
# softmax: a custom combine function, rows split across programs, online (two loops)
# ---------------------------------------------------------------------------------------------
@triton.jit
def _larger(a, b):
    return tl.maximum(a, b)


@triton.jit
def softmax_kernel(x_ptr, y_ptr, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    valid = cols < n_cols
    x = tl.load(x_ptr + row * n_cols + cols, mask=valid, other=-float("inf")).to(tl.float32)
    shifted = x - tl.reduce(x, 0, _larger)
    e = tl.exp(shifted)
    y = e / tl.sum(e, axis=0)
    tl.store(y_ptr + row * n_cols + cols, y.to(y_ptr.dtype.element_ty), mask=valid)


@triton.jit
def softmax_rows_kernel(x_ptr, y_ptr, ROWS_PER_PROGRAM: tl.constexpr, N_COLS: tl.constexpr):
    """A block of rows per program: a 2-D tile reduced along its rows."""
    rows = tl.program_id(0) * ROWS_PER_PROGRAM + tl.arange(0, ROWS_PER_PROGRAM)
    cols = tl.arange(0, N_COLS)
    offsets = rows[:, None] * N_COLS + cols[None, :]
    x = tl.load(x_ptr + offsets)
    e = tl.exp(x - tl.max(x, axis=1)[:, None])
    tl.store(y_ptr + offsets, e / tl.sum(e, axis=1)[:, None])


@triton.jit
def _hypot(a, b):
    return tl.sqrt(a * a + b * b)


@triton.jit
def norm_kernel(x_ptr, out_ptr, BLOCK: tl.constexpr):
    """The L2 norm through a combine function with no identity element hexopt knows."""
    tl.store(out_ptr, tl.reduce(tl.load(x_ptr + tl.arange(0, BLOCK)), 0, _hypot))


@triton.jit
def online_softmax_kernel(x_ptr, y_ptr, N_COLS: tl.constexpr, BLOCK: tl.constexpr):
    """Pass 1 keeps a running max and sum over column blocks; pass 2 writes exp(x - max) / sum."""
    row = tl.program_id(0)
    in_blk = tl.make_block_ptr(x_ptr, shape=(N_COLS * tl.num_programs(0),), strides=(1,),
                               offsets=(row * N_COLS,), block_shape=(BLOCK,), order=(0,))
    running_max = tl.full([BLOCK], -float("inf"), tl.float32)
    running_sum = tl.zeros([BLOCK], tl.float32)
    for _ in range(0, N_COLS, BLOCK):
        x = tl.load(in_blk)
        new_max = tl.maximum(running_max, x)
        running_sum = running_sum * tl.exp(running_max - new_max) + tl.exp(x - new_max)
        running_max = new_max
        in_blk = tl.advance(in_blk, (BLOCK,))
    row_max = tl.max(running_max, axis=0)
    row_sum = tl.sum(running_sum * tl.exp(running_max - row_max), axis=0)
    in_blk = tl.make_block_ptr(x_ptr, shape=(N_COLS * tl.num_programs(0),), strides=(1,),
                               offsets=(row * N_COLS,), block_shape=(BLOCK,), order=(0,))
    out_blk = tl.make_block_ptr(y_ptr, shape=(N_COLS * tl.num_programs(0),), strides=(1,),
                                offsets=(row * N_COLS,), block_shape=(BLOCK,), order=(0,))
    for _ in range(0, N_COLS, BLOCK):
        tl.store(out_blk, tl.exp(tl.load(in_blk) - row_max) / row_sum)
        in_blk = tl.advance(in_blk, (BLOCK,))
        out_blk = tl.advance(out_blk, (BLOCK,))


# ---------------------------------------------------------------------------------------------
# matmul, sum, 3-D grid
# ---------------------------------------------------------------------------------------------
@triton.jit
def matmul_kernel(a_ptr, b_ptr, c_ptr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr,
                  BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    rm = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    a_ptrs = a_ptr + rm[:, None] * K + rk[None, :]
    b_ptrs = b_ptr + rk[:, None] * N + rn[None, :]
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for _ in range(0, K, BLOCK_K):
        acc = tl.dot(tl.load(a_ptrs), tl.load(b_ptrs), acc)
        a_ptrs += BLOCK_K
        b_ptrs += BLOCK_K * N
    tl.store(c_ptr + rm[:, None] * N + rn[None, :], acc.to(tl.float16))


@triton.jit
def sum_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    idx = tl.arange(0, BLOCK)
    total = tl.sum(tl.load(x_ptr + idx, mask=idx < n, other=0.0), axis=0)
    tl.store(out_ptr, total)


@triton.jit
def grid_3d_kernel(out_ptr):
    x = tl.program_id(0)
    y = tl.program_id(1)
    z = tl.program_id(2)
    flat = (z * tl.num_programs(1) + y) * tl.num_programs(0) + x
    tl.store(out_ptr + flat, flat)


# ---------------------------------------------------------------------------------------------
# math: cos/sin, libdevice calls, rope
# ---------------------------------------------------------------------------------------------
@triton.jit
def cos_sin_kernel(x_ptr, cos_ptr, sin_ptr, BLOCK: tl.constexpr):
    idx = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + idx)
    tl.store(cos_ptr + idx, tl.cos(x))
    tl.store(sin_ptr + idx, tl.sin(x))


@triton.jit
def libdevice_kernel(x_ptr, rsqrt_ptr, tanh_ptr, sigmoid_ptr, BLOCK: tl.constexpr):
    idx = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + idx)
    tl.store(rsqrt_ptr + idx, libdevice.rsqrt(x))
    tl.store(tanh_ptr + idx, libdevice.tanh(x))
    tl.store(sigmoid_ptr + idx, 1.0 / (1.0 + libdevice.exp(-x)))


@triton.jit
def rope_kernel(x_ptr, y_ptr, base, SEQ: tl.constexpr, DIM: tl.constexpr):
    """Rotary embedding of interleaved pairs for one sequence (SEQ x DIM), one program.

    y[s, 2i] = x[s, 2i] cos(s w_i) - x[s, 2i+1] sin(s w_i);  y[s, 2i+1] = x[s, 2i+1] cos + x[s, 2i] sin,
    with w_i = base^(-2i/DIM) computed as exp(-log(base) 2i/DIM).
    """
    pos = tl.arange(0, SEQ)
    lane = tl.arange(0, SEQ * DIM).reshape(SEQ, DIM) % DIM
    even = lane % 2 == 0
    pair = tl.where(even, lane, lane - 1).to(tl.float32)
    freq = tl.exp(-tl.log(base) * pair / DIM)
    angle = pos[:, None].to(tl.float32) * freq
    offs = pos[:, None] * DIM + tl.arange(0, DIM)[None, :]
    col = tl.arange(0, DIM)[None, :]
    x = tl.load(x_ptr + offs)
    nxt = tl.load(x_ptr + offs + 1, mask=col + 1 < DIM, other=0.0)
    prv = tl.load(x_ptr + offs - 1, mask=col - 1 >= 0, other=0.0)
    partner = tl.where(even, -nxt, prv)
    y = x * tl.cos(angle) + partner * tl.sin(angle)
    tl.store(y_ptr + offs, y.to(y_ptr.dtype.element_ty))
