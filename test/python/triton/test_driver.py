"""HexagonDriver's behaviour around the kernels: caching, launch options, argument kinds, errors, qemu runs."""

from __future__ import annotations

import re
import time
from pathlib import Path

import kernels as K
import numpy as np
import pytest
import torch

from hexopt.triton import HexagonDriver


def test_target_from_environment(monkeypatch):
    monkeypatch.setenv("HEXOPT_TRITON_TARGET", "host")
    assert HexagonDriver().target == "host"
    monkeypatch.delenv("HEXOPT_TRITON_TARGET")
    assert HexagonDriver().target == "hexagon"
    with pytest.raises(ValueError, match="host, hexagon"):
        HexagonDriver(target="gpu")


def test_second_launch_does_not_recompile(host, tmp_path, monkeypatch):
    """In memory: the JITFunction keeps the compiled kernel. On disk: a new process (here: a fresh
    JITFunction cache) finds every stage in Triton's cache and compiles nothing."""
    from triton import knobs

    monkeypatch.setattr(knobs.cache, "dir", str(tmp_path))
    events = []
    monkeypatch.setattr(knobs.compilation, "listener", lambda **kw: events.append(kw["cache_hit"]))
    a, b, c = torch.rand(1024), torch.rand(1024), torch.empty(1024)
    K.vadd_kernel.device_caches.clear()
    t0 = time.perf_counter()
    K.vadd_kernel[(1,)](a, b, c, BLOCK=1024)
    first = time.perf_counter() - t0
    assert events == [False]
    t0 = time.perf_counter()
    K.vadd_kernel[(1,)](a, b, c, BLOCK=1024)
    second = time.perf_counter() - t0
    assert events == [False], "the second launch compiled again"
    assert second < first / 10
    K.vadd_kernel.device_caches.clear()  # as a new process would start
    K.vadd_kernel[(1,)](a, b, c, BLOCK=1024)
    assert events == [False, True]
    assert torch.allclose(c, a + b)


def test_pipeline_and_sets_reach_the_lowering(host, tmp_path, monkeypatch):
    from triton import knobs

    monkeypatch.setattr(knobs.cache, "dir", str(tmp_path))
    x = torch.randn(64, 128)
    y = torch.empty_like(x)
    K.softmax_rows_kernel.device_caches.clear()
    threaded = K.softmax_rows_kernel[(4,)](x, y, ROWS_PER_PROGRAM=16, N_COLS=128, enableMultiThreading=True)
    single = K.softmax_rows_kernel[(4,)](x, y, ROWS_PER_PROGRAM=16, N_COLS=128, sets={"multi-threading": False})
    baseline = K.softmax_rows_kernel[(4,)](x, y, ROWS_PER_PROGRAM=16, N_COLS=128, pipeline="baseline")
    lowered = {
        k: v.asm["llmlir"].decode() for k, v in [("threaded", threaded), ("single", single), ("baseline", baseline)]
    }
    assert "mlirAsyncRuntime" in lowered["threaded"]
    assert "mlirAsyncRuntime" not in lowered["single"]
    assert "vector<32xf32>" in lowered["threaded"] and "vector<32xf32>" not in lowered["baseline"]
    assert torch.allclose(y, torch.softmax(x, dim=1))


def test_report_of_each_compile_from_the_environment(host, tmp_path, monkeypatch):
    """HEXOPT_REPORT asks the driver for the pipeline report of every kernel it compiles; `{name}` becomes
    the kernel's name. A kernel found in Triton's cache is not compiled, so it writes none."""
    from triton import knobs

    monkeypatch.setattr(knobs.cache, "dir", str(tmp_path / "cache"))
    monkeypatch.setenv("HEXOPT_REPORT", str(tmp_path / "{name}.html"))
    a, b, c = torch.rand(1024), torch.rand(1024), torch.empty(1024)
    K.vadd_kernel.device_caches.clear()
    K.vadd_kernel[(1,)](a, b, c, BLOCK=1024)
    assert torch.allclose(c, a + b)
    report = (tmp_path / "vadd_kernel.html").read_text()
    assert '"input":"vadd_kernel.linalg.mlir"' in report and "convert-triton-to-linalg" in report
    assert '"failure":null' in report


def test_unimplemented_options_are_reported_once(host, capfd):
    from hexopt.triton import options

    options._REPORTED.discard("enableHexKL")
    x = torch.rand(1024)
    y = torch.empty_like(x)
    K.gelu_kernel[(1,)](x, y, BLOCK=1024, enableHexKL=True)
    K.gelu_kernel[(1,)](x, y, BLOCK=1024, enableHexKL=True, enableVectorization=True)
    err = capfd.readouterr().err
    assert err.count("launch option enableHexKL=True is not implemented, ignored") == 1


def test_unknown_option_is_rejected_by_triton(host):
    x = torch.rand(1024)
    with pytest.raises(KeyError, match="enableWarpDrive"):
        K.gelu_kernel[(1,)](x, x, BLOCK=1024, enableWarpDrive=True)


def test_numpy_arrays_and_scalars(host):
    n = 1000
    a = np.random.rand(n).astype(np.float32)
    c = np.zeros(n, dtype=np.float32)
    K.vadd_scalar_kernel[(4,)](a, c, np.float32(0.25), np.int32(n), BLOCK=256)
    np.testing.assert_allclose(c, a + 0.25, rtol=1e-6)


def test_bf16_tensors_through_their_memory(host):
    """numpy has no bf16: the kernel still gets the tensor's memory (data_ptr())."""
    n = 256
    a = torch.rand(n, dtype=torch.bfloat16)
    b = torch.rand(n, dtype=torch.bfloat16)
    c = torch.zeros(n, dtype=torch.bfloat16)
    K.vadd_masked_kernel[(1,)](a, b, c, n, BLOCK=256)
    assert torch.allclose(c.float(), (a + b).float(), atol=1e-2)


def test_strided_views_keep_their_base(host):
    """A tensor view is passed as its data_ptr(): the kernel addresses from the view's first element."""
    base = torch.rand(2048)
    a, b = base[1024:], torch.rand(1024)
    c = torch.empty(1024)
    K.vadd_kernel[(1,)](a, b, c, BLOCK=1024)
    assert torch.allclose(c, a + b)


def test_unsupported_construct_points_at_the_python_line(host):
    import unsupported

    x = torch.rand(64)
    idx = torch.arange(64, dtype=torch.int32)
    out = torch.empty(64)
    with pytest.raises(Exception) as info:
        unsupported.gather_kernel[(1,)](x, idx, out, BLOCK=64)
    text = str(info.value)
    source = Path(unsupported.__file__).read_text().splitlines()
    line = next(i for i, s in enumerate(source, 1) if "tl.load(x_ptr + rows)" in s)
    assert re.search(rf"unsupported.py:{line}:\d+: error: tt.addptr: the offsets are not affine", text), text
    assert "tl.store(out_ptr + i, tl.load(x_ptr + rows))" in text  # the source line, with a caret
    assert "Traceback" not in text


# -------------------------------------------------------------------------------------------------
# qemu-hexagon (HVX float off)
# -------------------------------------------------------------------------------------------------
def test_qemu_vadd(qemu):
    n = 1000
    a, b, c = torch.rand(n), torch.rand(n), torch.zeros(n)
    K.vadd_masked_kernel[(4,)](a, b, c, n, BLOCK=256, enableMultiThreading=True)
    assert torch.allclose(c, a + b)


def test_qemu_softmax_rows(qemu):
    """Softmax of a 16x128 tile per program (row max and row sum are 2-D reductions), 4 programs."""
    x = torch.randn(64, 128)
    y = torch.empty_like(x)
    K.softmax_rows_kernel[(4,)](x, y, ROWS_PER_PROGRAM=16, N_COLS=128, enableMultiThreading=True)
    assert torch.allclose(y, torch.softmax(x, dim=1))


def test_qemu_softmax(qemu):
    """A 1-D tl.max over a masked row: split-reduce-generic's partial maxima start from -inf (they started
    from NaN, which fast-math made poison: softmax was NaN under qemu)."""
    rows, cols = 4, 100
    x = torch.randn(rows, cols)
    y = torch.zeros_like(x)
    K.softmax_kernel[(rows,)](x, y, cols, BLOCK=128)
    assert torch.allclose(y, torch.softmax(x, dim=1))


def test_qemu_softmax_without_split_reduction(qemu):
    """The same kernel without split-reduce-generic (a launch option selects it)."""
    rows, cols = 4, 100
    x = torch.randn(rows, cols)
    y = torch.zeros_like(x)
    K.softmax_kernel[(rows,)](x, y, cols, BLOCK=128, sets={"split-reduction": False})
    assert torch.allclose(y, torch.softmax(x, dim=1))


def test_qemu_float_scalar(qemu):
    """A runtime f32 scalar (alpha) through the qemu harness."""
    n = 1000
    a, c = torch.rand(n), torch.zeros(n)
    K.vadd_scalar_kernel[(4,)](a, c, 2.5, n, BLOCK=256)
    assert torch.allclose(c, a + 2.5)
