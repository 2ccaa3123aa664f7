"""Every kernel kind of kernels.py compiled from its Python source and run through
HexagonDriver(target="host"), checked against torch at the tolerances a Triton test uses:
torch.allclose defaults for f32, atol 1e-3 for f16.
"""

from __future__ import annotations

import math

import kernels as K
import pytest
import torch
import torch.nn.functional as F
import triton

torch.manual_seed(0)
F16 = dict(atol=1e-3)


def check(out: torch.Tensor, ref: torch.Tensor, dtype: torch.dtype = torch.float32, **tolerance) -> None:
    ref = ref.to(out.dtype)
    ok = torch.allclose(out, ref, **(tolerance or (F16 if dtype == torch.float16 else {})))
    err = (out.float() - ref.float()).abs().max().item()
    assert ok, f"max abs error {err:.3g}"


def test_vadd(host):
    a, b, c = torch.rand(1024), torch.rand(1024), torch.empty(1024)
    K.vadd_kernel[(1,)](a, b, c, BLOCK=1024)
    check(c, a + b)


def test_vadd_2d_block_ptr(host):
    a, b = torch.rand(64, 128), torch.rand(64, 128)
    c = torch.empty_like(a)
    K.vadd_2d_block_ptr_kernel[(2, 2)](a, b, c, ROWS=64, COLS=128, BLOCK_R=32, BLOCK_C=64)
    check(c, a + b)


def test_block_ptr_boundary_check(host):
    rows, cols = 50, 70
    a = torch.rand(rows, cols)
    c = torch.zeros(rows, cols)
    K.vadd_block_ptr_boundary_kernel[(2, 2)](a, c, rows, cols, BLOCK_R=32, BLOCK_C=64)
    check(c, a + 1)


@pytest.mark.parametrize("grid", [1, 2, 4])
def test_vadd_masked_multi_program(host, grid):
    n = 1000
    block = triton.next_power_of_2(triton.cdiv(n, grid))
    a, b, c = torch.rand(n), torch.rand(n), torch.zeros(n)
    K.vadd_masked_kernel[(grid,)](a, b, c, n, BLOCK=block)
    check(c, a + b)


def test_vadd_runtime_scalar(host):
    n = 1000
    a, c = torch.rand(n), torch.zeros(n)
    K.vadd_scalar_kernel[(triton.cdiv(n, 256),)](a, c, 2.5, n, BLOCK=256)
    check(c, a + 2.5)


@pytest.mark.parametrize("grid", [(1,), (2,), (4,)])
def test_static_allocator_vadd(host, grid, capfd):
    """The reference's static-allocator test: an output per program instance, `scratch=` accepted."""
    n = 131072
    x, y, out = torch.rand(n), torch.rand(n), torch.empty(n)
    K.vadd_masked_kernel[grid](x, y, out, n, BLOCK=n // grid[0], scratch=1 << 20, enableHexagonmemCopyToDMA=False)
    check(out, x + y)


def test_vdiv_2d(host):
    rows, cols = 50, 70
    a = torch.rand(rows, cols) + 0.5
    b = torch.rand(rows, cols) + 0.5
    c = torch.zeros(rows, cols)
    K.vdiv_2d_kernel[(2, 2)](a, b, c, rows, cols, cols, BLOCK_R=32, BLOCK_C=64)
    check(c, a / b)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_gelu(host, dtype):
    x = torch.randn(4096, dtype=dtype)
    y = torch.empty_like(x)
    K.gelu_kernel[(4,)](x, y, BLOCK=1024)
    check(y, F.gelu(x.float(), approximate="tanh"), dtype)


def test_gelu_4d_block_ptr_f16(host):
    x = torch.randn(4, 8, 16, 32, dtype=torch.float16)
    y = torch.empty_like(x)
    K.gelu_4d_block_ptr_kernel[(2,)](x, y, D0=4, D1=8, D2=16, D3=32, B0=2)
    check(y, F.gelu(x.float(), approximate="tanh"), torch.float16)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_silu(host, dtype):
    n = 1000
    x = torch.randn(n, dtype=dtype)
    y = torch.zeros_like(x)
    K.silu_kernel[(triton.cdiv(n, 512),)](x, y, n, BLOCK=512)
    check(y, F.silu(x.float()), dtype)


def test_gelu_double_buffer(host):
    x = torch.rand(2 * 4096)
    y = torch.empty_like(x)
    K.gelu_double_buffer_kernel[(2,)](
        x,
        y,
        BLOCK=4096,
        CHUNK=1024,
        enableVectorization=True,
        enableVTCMTiling=True,
        enableMultiThreading=True,
        enableDoubleBuffering=True,
        enableConvertToHexagonmem=True,
        enableHexagonmemCopyToDMA=True,
    )
    check(y, F.gelu(x, approximate="tanh"))


def test_layer_norm(host):
    """atol 1e-5: the reference's own layer-norm test uses it ("default absolute tolerance fails"): outputs
    near zero differ by float32 summation order (measured here: max abs error 4.8e-7)."""
    rows, cols, eps = 37, 100, 1e-5
    x = torch.randn(rows, cols)
    w, b = torch.rand(cols), torch.rand(cols)
    y = torch.zeros_like(x)
    mean, rstd = torch.zeros(rows), torch.zeros(rows)
    K.layer_norm_kernel[(4,)](x, y, w, b, mean, rstd, rows, cols, eps, BLOCK=128)
    check(y, F.layer_norm(x, (cols,), w, b, eps), atol=1e-5)
    check(mean, x.mean(dim=1), atol=1e-5)
    check(rstd, 1 / torch.sqrt(x.var(dim=1, unbiased=False) + eps), atol=1e-5)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_rms_norm(host, dtype):
    rows, cols, eps = 16, 100, 1e-6
    x = torch.randn(rows, cols, dtype=dtype)
    w = torch.rand(cols, dtype=dtype)
    y = torch.zeros_like(x)
    K.rms_norm_kernel[(rows,)](x, y, w, cols, eps, BLOCK=128)
    xf = x.float()
    ref = xf * torch.rsqrt(xf.pow(2).mean(dim=1, keepdim=True) + eps) * w.float()
    check(y, ref, dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_softmax(host, dtype):
    rows, cols = 8, 100
    x = torch.randn(rows, cols, dtype=dtype)
    y = torch.zeros_like(x)
    K.softmax_kernel[(rows,)](x, y, cols, BLOCK=128)
    check(y, torch.softmax(x.float(), dim=1), dtype)


def test_softmax_rows_split_across_programs(host):
    x = torch.randn(64, 128)
    y = torch.empty_like(x)
    K.softmax_rows_kernel[(4,)](x, y, ROWS_PER_PROGRAM=16, N_COLS=128, enableMultiThreading=True)
    check(y, torch.softmax(x, dim=1))


def test_online_softmax(host):
    x = torch.randn(4, 512)
    y = torch.empty_like(x)
    K.online_softmax_kernel[(4,)](x, y, N_COLS=512, BLOCK=128)
    check(y, torch.softmax(x, dim=1))


def test_matmul_f16(host):
    m = n = k = 64
    a = (torch.rand(m, k) * 0.1).half()
    b = (torch.rand(k, n) * 0.1).half()
    c = torch.empty(m, n, dtype=torch.float16)
    K.matmul_kernel[(2, 2)](a, b, c, M=m, N=n, K=k, BLOCK_M=32, BLOCK_N=32, BLOCK_K=32)
    check(c, (a.float() @ b.float()), torch.float16)


@pytest.mark.parametrize("options", [{}, {"enableVectorization": False}], ids=["default", "no-vectorization"])
def test_norm_custom_combine(host, options):
    x = torch.rand(256)
    out = torch.zeros(1)
    K.norm_kernel[(1,)](x, out, BLOCK=256, **options)
    check(out, torch.linalg.vector_norm(x).reshape(1))


def test_sum(host):
    n = 1000
    x = torch.rand(n)
    out = torch.zeros(1)
    K.sum_kernel[(1,)](x, out, n, BLOCK=1024)
    check(out, x.sum().reshape(1))


def test_grid_3d(host):
    out = torch.full((24,), -1, dtype=torch.int32)
    K.grid_3d_kernel[(4, 3, 2)](out)
    assert torch.equal(out, torch.arange(24, dtype=torch.int32))


def test_cos_sin(host):
    x = torch.rand(2048) * 2 * math.pi
    c, s = torch.empty_like(x), torch.empty_like(x)
    K.cos_sin_kernel[(2,)](x, c, s, BLOCK=1024)
    check(c, torch.cos(x))
    check(s, torch.sin(x))


def test_libdevice(host):
    x = torch.rand(1024) + 0.1
    r, t, s = torch.empty_like(x), torch.empty_like(x), torch.empty_like(x)
    K.libdevice_kernel[(1,)](x, r, t, s, BLOCK=1024)
    check(r, torch.rsqrt(x))
    check(t, torch.tanh(x))
    check(s, torch.sigmoid(x))


def _rope_reference(x: torch.Tensor, base: float) -> torch.Tensor:
    seq, dim = x.shape
    x = x.float()
    pair = torch.arange(dim) // 2 * 2
    freq = torch.exp(-math.log(base) * pair.float() / dim)
    angle = torch.arange(seq).float()[:, None] * freq
    partner = torch.empty_like(x)
    partner[:, 0::2] = -x[:, 1::2]
    partner[:, 1::2] = x[:, 0::2]
    return x * torch.cos(angle) + partner * torch.sin(angle)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_rope(host, dtype):
    seq, dim = 8, 32
    x = torch.rand(seq, dim, dtype=dtype)
    y = torch.empty_like(x)
    K.rope_kernel[(1,)](x, y, 10000.0, SEQ=seq, DIM=dim)
    check(y, _rope_reference(x, 10000.0), dtype)
