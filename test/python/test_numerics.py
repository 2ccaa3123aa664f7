"""Numerics of the flash-attention kernel: lower with a YAML pipeline, JIT on the host, compare to numpy.

The seed's check is `torch.allclose(out, F.scaled_dot_product_attention(q, k, v, scale=0.5))` on
`torch.rand(1, 1, 1024, 64)` inputs, grid (4,): default tolerances rtol=1e-5, atol=1e-8. We keep
exactly those tolerances against a float64 numpy oracle; the measured max abs error is printed
(`pytest -s`) and recorded as a junit property.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hexopt.kernels.flash_attention as gen
from hexopt import lower
from hexopt.errors import RunError
from hexopt.kernels.flash_attention import KERNEL, attention_reference
from hexopt.runner import abi
from hexopt.runner.abi import programs
from hexopt.runner.host import compile_host

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "test" / "mlir" / "flash_attention.mlir"
RTOL, ATOL = KERNEL.tolerance.rtol, KERNEL.tolerance.atol  # torch.allclose defaults, as in the seed test

_KERNELS: dict = {}


def kernel_for(text: str, pipeline: str, sets: dict | None = None):
    """Lower and JIT once per (IR, pipeline, options) in this session."""
    key = (hash(text), pipeline, tuple(sorted((sets or {}).items())))
    if key not in _KERNELS:
        _KERNELS[key] = compile_host(lower(text, pipeline, sets))
    return _KERNELS[key]


def inputs(n_ctx: int, d_head: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [rng.random((1, 1, n_ctx, d_head), dtype=np.float32) for _ in range(3)]


def run_attention(kernel, q, k, v, grid) -> np.ndarray:
    out = np.zeros_like(q)
    kernel.run([0, q, k, v, out], grid)
    return out


def check(kernel, n_ctx, d_head, grid, scale, record_property, label) -> float:
    q, k, v = inputs(n_ctx, d_head)
    out = run_attention(kernel, q, k, v, grid)
    ref = attention_reference(q, k, v, scale)
    err = float(np.abs(out.astype(np.float64) - ref).max())
    print(f"\n{label}: max abs error {err:.3e}")
    record_property("max_abs_err", err)
    assert np.isfinite(out).all(), f"{label}: non-finite output"
    assert np.allclose(out, ref, rtol=RTOL, atol=ATOL), (
        f"{label}: max abs error {err:.3e} exceeds allclose(rtol={RTOL}, atol={ATOL})"
    )
    return err


# ------------------------------------------------------------------------------------------
# The generator reproduces the seed
# ------------------------------------------------------------------------------------------


def _op_names(text: str) -> list[str]:
    from hexopt.ir import ir

    names: list[str] = []
    with ir.Context():
        module = ir.Module.parse(text)

        def visit(op):
            names.append(op.name)
            return ir.WalkResult.ADVANCE

        module.operation.walk(visit, ir.WalkOrder.PRE_ORDER)
    return names


def test_generator_reproduces_seed_ops():
    assert _op_names(gen.generate()) == _op_names(SEED.read_text())


def test_generator_reproduces_seed_printed_form():
    from hexopt.ir import ir

    with ir.Context():
        ours = str(ir.Module.parse(gen.generate()))
        seed = str(ir.Module.parse(SEED.read_text()))
    assert ours == seed


def test_generator_rejects_ragged_shapes():
    with pytest.raises(ValueError, match="multiple of threads"):
        gen.generate(gen.FlashAttentionShape(n_ctx=1000, threads=3))
    with pytest.raises(ValueError, match="BLOCK_N"):
        gen.generate(gen.FlashAttentionShape(n_ctx=1024, block_n=48))


# ------------------------------------------------------------------------------------------
# The seed kernel through the pipelines
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pipeline", ["host", "baseline"])
def test_seed(pipeline, record_property):
    kernel = kernel_for(SEED.read_text(), pipeline)
    check(kernel, 1024, 64, (4,), 0.5, record_property, f"seed/{pipeline}")


def _host_switches() -> list[str]:
    """The bool options of the host pipeline that are on by default (each is turned off in turn)."""
    from hexopt.pipeline import load_pipeline

    p = load_pipeline("host")
    return sorted(n for n, d in p.options.items() if d.type == "bool" and p.values[n] is True and n != "c-interface")


@pytest.mark.parametrize("switch", _host_switches())
def test_seed_host_without(switch, record_property):
    kernel = kernel_for(SEED.read_text(), "host", {switch: "false"})
    check(kernel, 1024, 64, (4,), 0.5, record_property, f"seed/host {switch}=false")


# ------------------------------------------------------------------------------------------
# Other shapes from the generator
# ------------------------------------------------------------------------------------------

SHAPES = [
    # n_ctx, d_head, block_n, threads, scale
    (512, 32, 64, 4, 0.5),
    (256, 64, 32, 4, 0.5),
    (1024, 64, 128, 8, 0.5),
    (128, 16, 32, 2, 0.125),
]


@pytest.mark.parametrize("pipeline", ["host", "baseline"])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "n{}-d{}-bn{}-t{}-s{}".format(*s))
def test_generated_shape(shape, pipeline, record_property):
    n_ctx, d_head, block_n, threads, scale = shape
    text = gen.generate(gen.FlashAttentionShape(n_ctx, d_head, block_n, threads, scale))
    kernel = kernel_for(text, pipeline)
    check(kernel, n_ctx, d_head, (threads,), scale, record_property, f"{shape}/{pipeline}")


# ------------------------------------------------------------------------------------------
# The runner: report block, ABI checks, and that a wrong result is caught
# ------------------------------------------------------------------------------------------


def test_report_block_pass_and_fail():
    lines = abi.test_info("attention_fwd_kernel", True, 12.5).splitlines()
    assert lines[0] == "Test_Info: {" and lines[-1] == "}"
    assert lines[1].strip() == "Name:attention_fwd_kernel"
    assert lines[2].strip() == "Result:Pass"
    assert float(lines[3].split(":", 1)[1]) == 12.5
    assert lines[4].strip() == "Units:us"
    assert "Result:Fail" in abi.test_info("k", False, None) and "Perf: xxxx" in abi.test_info("k", False, None)


def test_timing_runs_the_kernel():
    kernel = kernel_for(SEED.read_text(), "host")
    q, k, v = inputs(1024, 64)
    out = np.zeros_like(q)
    res = kernel.benchmark([0, q, k, v, out], (4,), iterations=2)
    assert len(res.times_us) == 2 and min(res.times_us) > 0
    assert np.allclose(out, attention_reference(q, k, v, 0.5), rtol=RTOL, atol=ATOL)
    # the same output judged against a wrong oracle (scale 0.25) must fail
    assert not np.allclose(out, attention_reference(q, k, v, 0.25), rtol=RTOL, atol=ATOL)


def test_every_program_writes_its_rows():
    """A grid of 2 where 4 are needed leaves the last half of the output untouched (zeros)."""
    kernel = kernel_for(SEED.read_text(), "host")
    q, k, v = inputs(1024, 64)
    out = run_attention(kernel, q, k, v, (2,))
    ref = attention_reference(q, k, v, 0.5)
    assert np.allclose(out[..., :512, :], ref[..., :512, :], rtol=RTOL, atol=ATOL)
    assert not out[..., 512:, :].any()


def test_argument_checks():
    kernel = kernel_for(SEED.read_text(), "host")
    q, k, v = inputs(1024, 64)
    with pytest.raises(RunError, match="takes 5 arguments"):
        kernel.run([q, k, v, np.zeros_like(q)], (4,))
    with pytest.raises(RunError, match="numpy array"):
        kernel.run([0, q, k, 3, np.zeros_like(q)], (4,))
    with pytest.raises(RunError, match="C-contiguous"):
        kernel.run([0, q, k, v, np.zeros((1, 1, 64, 1024), np.float32).swapaxes(-1, -2)], (4,))


def test_hexagon_lowering_is_refused_by_the_host_jit():
    for sets, bits in (({}, 64), ({"abi": "compact"}, 32)):  # the reference ABI keeps a 32-bit body
        hexagon = lower(SEED.read_text(), "hexagon", {"multi-threading": "false", **sets})
        assert abi.parse_signature(hexagon).index_bitwidth == bits
        with pytest.raises(RunError, match="32-bit index"):
            compile_host(hexagon)


def test_abi_helpers():
    assert list(programs((2, 2))) == [(2, 2, 1, 0, 0, 0), (2, 2, 1, 1, 0, 0), (2, 2, 1, 0, 1, 0), (2, 2, 1, 1, 1, 0)]
    d = abi.descriptor_bytes(0x1000, (3, 4), 32)
    assert np.frombuffer(d, "<u4").tolist() == [0x1000, 0x1000, 0, 3, 4, 4, 1]
    sig = abi.classify("k", ["i32", "i64", "ptr", "f32"] + ["i32"] * 6)
    assert [p.kind for p in sig.params] == ["scalar", "memref", "scalar"]
    with pytest.raises(RunError, match="six trailing i32"):
        abi.classify("k", ["i64", "ptr", "i32"])
