"""hexopt.backend.cycles: the static Hexagon cycle model.

The first tests read hand-written assembly whose packet counts are worked out by hand. The last ones
validate the model against qemu-hexagon: the HVX-float-off build of each kernel runs under qemu with a
per-packet profiling plugin (tools/qemu_plugin/pc_profile.c, driven by tools/qemu_profile.py), and the
estimate must be within 10% of qemu's packets for a grid run (the project's target), its own code within 2%
function by function (what the model achieves; a regression in it fails here first).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from hexopt.backend import cycles
from hexopt.toolchain import zig_available

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "test" / "lit" / "analyze" / "Inputs"
SEED = ROOT / "test" / "mlir" / "flash_attention.mlir"


def test_toy_assembly_by_hand():
    """toy.s: a 10-trip hardware loop of 2 packets, loop1 with a register count (5 << 2 = 20) around a
    3-trip loop0, and a compare-and-branch loop over a counter spilled to the stack (7 trips, a call in it)."""
    est = cycles.estimate((INPUTS / "toy.s").read_text(), grid=3)
    (f,) = est.functions
    assert f.name == "toy_kernel" and f.role == "kernel"
    # 2 entry + 10*2 + 2 setup + 20*(1 + 3*1 + 1) + 7*5 + 1 return
    assert f.packets_per_call == pytest.approx(160)
    assert est.own_packets_per_grid_run == pytest.approx(480)
    loops = {lp.header: (lp.trip, lp.source, round(lp.entries, 6)) for lp in f.loops}
    assert loops == {
        ".LBB0_1": (10, "setup", 1),
        ".LBB0_2": (20, "setup", 1),
        ".LBB0_3": (3, "setup", 20),
        ".LBB0_4": (7, "simulated", 1),
    }
    assert est.library_packets_per_grid_run == pytest.approx(3 * 7 * cycles.LIBRARY_COSTS["malloc"])
    hvx = est.hvx_per_grid_run
    assert (hvx.multiply, hvx.add, hvx.load, hvx.store) == pytest.approx((180, 60, 180, 60))
    assert est.roofline.bound == "multiply"
    assert est.roofline.packets == pytest.approx(180)
    assert est.warnings == ()


_SPAWN = """
	.text
	.globl	spawn_kernel
	.type	spawn_kernel,@function
spawn_kernel:
	{
		r16 = add(pc,##body.resume@PCREL)
		r17 = add(pc,##__resume@PCREL)
		r18 = #0
	}
.LBB0_1:
	{
		call mlirAsyncRuntimeCreateGroup
	}
	{
		call aligned_alloc
	}
	{
		memw(r0+#0) = r16
		r1 = r17
	}
	{
		call mlirAsyncRuntimeExecute
	}
	{
		call aligned_alloc
	}
	{
		memw(r0+#0) = r16
		r1 = r17
	}
	{
		call mlirAsyncRuntimeExecute
	}
	{
		call mlirAsyncRuntimeAwaitAllInGroup
	}
	{
		r18 = add(r18,#1)
	}
	{
		p0 = cmp.eq(r18,#3)
		if (!p0.new) jump:t .LBB0_1
	}
	{
		jumpr r31
	}
.Lfunc_end0:
	.type	__resume,@function
__resume:
	{
		r1 = memw(r0+#0)
	}
	{
		callr r1
	}
	{
		jumpr r31
	}
.Lfunc_end1:
	.type	body.resume,@function
body.resume:
	{
		loop0(.LBB2_1,#100)
	}
.LBB2_1:
	{
		v0 = vmem(r0+#0)
	} :endloop0
	{
		call mlirAsyncRuntimeEmplaceToken
	}
	{
		jumpr r31
	}
.Lfunc_end2:
"""


def test_async_bodies_run_once_per_task():
    """3 groups of 2 tasks per kernel call: the body (stored into each coroutine frame) runs 6 times per
    call, __resume (the runtime's entry, r1 at the spawn) as often; the kernel thread waits."""
    est = cycles.estimate(_SPAWN, grid=2, threads=1)
    by = {f.name: f for f in est.functions}
    assert est.kernel == "spawn_kernel"
    assert by["spawn_kernel"].packets_per_call == pytest.approx(1 + 3 * 10 + 1)
    assert by["body.resume"].role == "async body"
    assert by["body.resume"].calls_per_grid_run == pytest.approx(12)
    assert by["body.resume"].packets_per_call == pytest.approx(103)
    assert by["__resume"].role == "trampoline"
    assert by["__resume"].calls_per_grid_run == pytest.approx(12)
    assert (est.tasks_per_grid_run, est.tasks_per_group) == pytest.approx((12, 2))
    assert est.own_packets_per_grid_run == pytest.approx(2 * 32 + 12 * 103 + 12 * 3)
    cost = cycles.LIBRARY_COSTS
    kernel_lib = (
        3 * cost["mlirAsyncRuntimeCreateGroup"]
        + 6 * cost["aligned_alloc"]
        + 6 * cost["mlirAsyncRuntimeExecute"]
        + 3 * cost["mlirAsyncRuntimeAwaitAllInGroup"]
    )
    assert est.library_packets_per_grid_run == pytest.approx(2 * kernel_lib + 12 * cost["mlirAsyncRuntimeEmplaceToken"])
    serial = 2 * 32 + 2 * kernel_lib
    parallel = 12 * (103 + 3 + cost["mlirAsyncRuntimeEmplaceToken"])
    assert est.serial_packets_per_grid_run == pytest.approx(serial)
    assert est.packets_per_thread(1) == pytest.approx(serial + parallel)
    assert est.packets_per_thread(2) == pytest.approx(serial + parallel / 2)
    assert est.packets_per_thread(4) == pytest.approx(serial + parallel / 2)  # groups of 2: no gain past 2
    assert est.hvx_per_grid_run.load == pytest.approx(1200)


def _kernel(body: str) -> str:
    return f"\t.text\n\t.type\tk,@function\nk:\n{body}\n.Lfunc_end0:\n"


def test_predicate_idioms_decide_a_two_trip_loop():
    """LLVM unrolls a 2-trip loop into predicate toggles: p = or(p,!p) is true, and(p,!p) false."""
    asm = _kernel("""
	{
		p3 = or(p3,!p3)
		p2 = and(p2,!p2)
	}
	{
		p0 = or(p3,p3)
	}
.LBB0_1:
	{
		p1 = or(p0,p0)
		p0 = or(p2,p2)
	}
	{
		r1 = add(r1,#1)
	}
	{
		if (p1) jump:nt .LBB0_1
	}
	{
		jumpr r31
	}""")
    est = cycles.estimate(asm)
    (lp,) = est.functions[0].loops
    assert (lp.trip, lp.source) == (2, "simulated")
    assert est.packets_per_call == pytest.approx(2 + 2 * 3 + 1)


def test_a_conditional_return_ends_a_loop():
    """LLVM may leave a loop by returning from its latch (`if (p0) jumpr r31`, the elementwise kernels
    after flattening): 8 trips of a 16-trip hardware loop of 1 packet, not a loop that never exits."""
    asm = _kernel("""
	{
		r4 = #0
	}
.LBB0_1:
	{
		loop0(.LBB0_2,#16)
	}
.LBB0_2:
	{
		r5 = add(r5,#1)
	} :endloop0
	{
		p0 = cmp.gtu(r4,#447)
		r4 = add(r4,#64)
	}
	{
		if (p0) jumpr r31
	}
	{
		jump .LBB0_1
	}""")
    est = cycles.estimate(asm)
    loops = {lp.header: (lp.trip, lp.source, round(lp.entries, 6)) for lp in est.functions[0].loops}
    assert loops == {".LBB0_1": (8, "simulated", 1), ".LBB0_2": (16, "setup", 8)}
    # 1 entry + 8 * (1 setup + 16 + 1 compare + 1 return test) + 7 jumps back
    assert est.packets_per_call == pytest.approx(1 + 8 * 19 + 7)
    assert est.warnings == ()


def test_register_count_from_setup_and_new_values():
    """A loop count computed in the packet before the setup (and a `.new` store of it to a spill slot,
    reloaded for the setup)."""
    asm = _kernel("""
	{
		r2 = #12
	}
	{
		r3 = mpyi(r2,#3)
		memw(r29+#8) = r3.new
	}
	{
		r5 = memw(r29+#8)
	}
	{
		loop0(.LBB0_1,r5)
	}
.LBB0_1:
	{
		nop
	} :endloop0
	{
		jumpr r31
	}""")
    est = cycles.estimate(asm)
    (lp,) = est.functions[0].loops
    assert (lp.trip, lp.source) == (36, "setup")
    assert est.packets_per_call == pytest.approx(4 + 36 + 1)


def test_unknown_trip_count_warns_and_can_be_given():
    asm = _kernel("""
	{
		r2 = memw(r0+#0)
	}
	{
		loop0(.LBB0_1,r2)
	}
.LBB0_1:
	{
		nop
	}
	{
		nop
	} :endloop0
	{
		jumpr r31
	}""")
    est = cycles.estimate(asm)
    assert est.warnings == (
        "k: loop at .LBB0_1: trip count unknown (its count register is not known at its "
        "setup), assumed 1; give it with --trip .LBB0_1=N",
    )
    assert est.packets_per_call == pytest.approx(2 + 2 + 1)
    given = cycles.estimate(asm, trip_counts={".LBB0_1": 50})
    assert given.warnings == ()
    assert given.functions[0].loops[0].source == "given"
    assert given.packets_per_call == pytest.approx(2 + 100 + 1)


def test_not_assembly():
    with pytest.raises(cycles.AsmError, match="no Hexagon functions"):
        cycles.estimate("hello world\n")
    with pytest.raises(cycles.AsmError, match="no function 'nope'"):
        cycles.estimate((INPUTS / "toy.s").read_text(), kernel="nope")


def _hvx_protos() -> Path | None:
    try:
        import ziglang  # noqa: F401 - only to find its copy of clang's headers
    except ImportError:
        return None
    path = Path(str(sys.modules["ziglang"].__file__)).parent / "lib" / "include" / "hvx_hexagon_protos.h"
    return path if path.is_file() else None


@pytest.mark.skipif(_hvx_protos() is None, reason="clang's hvx_hexagon_protos.h (shipped with ziglang) not found")
def test_roofline_resources_follow_the_instruction_types():
    """HVX_RESOURCES: a qf32 multiply takes both multiply resources (CVI_VX_DV: one per packet), a qf32
    add/sub the shift or permute/shift resource (CVI_VS: two per packet), as clang's header states."""
    text = _hvx_protos().read_text()  # type: ignore[union-attr]

    def itype(syntax: str) -> str:
        m = re.search(re.escape(syntax) + r"\s*\n.*?Instruction Type:\s+(\S+)", text, re.S)
        assert m, syntax
        return m.group(1)

    assert itype("Vd32.qf32=vmpy(Vu32.qf32,Vv32.qf32)") == "CVI_VX_DV"
    assert itype("Vd32.qf32=vmpy(Vu32.sf,Vv32.sf)") == "CVI_VX_DV"
    assert itype("Vd32.qf32=vadd(Vu32.qf32,Vv32.qf32)") == "CVI_VS"
    assert itype("Vd32.qf32=vsub(Vu32.qf32,Vv32.qf32)") == "CVI_VS"
    res = cycles.HVX_RESOURCES["v73"]
    assert (res.multiply, res.shift, res.load, res.store, res.slots) == (1, 2, 1, 1, 4)


# ---------------------------------------------------------------------------------------------------
# Validation against qemu-hexagon (the HVX-float-off build)

needs_qemu = pytest.mark.skipif(
    shutil.which("qemu-hexagon") is None, reason="qemu-hexagon not installed (apt-get install qemu-user)"
)
needs_lld = pytest.mark.skipif(
    shutil.which("ld.lld-22") is None and shutil.which("ld.lld") is None,
    reason="ld.lld not installed (apt-get install lld-22)",
)
needs_zig = pytest.mark.skipif(not zig_available(), reason="ziglang not installed (pip install ziglang==0.17.1)")
needs_gcc = pytest.mark.skipif(
    shutil.which("gcc") is None and shutil.which("cc") is None,
    reason="no host C compiler to build the qemu profiling plugin",
)


def _objdump_available() -> bool:
    try:
        cycles.disassemble(str(INPUTS / "toy.s"))
    except cycles.AsmError as e:
        return "no llvm-objdump with the Hexagon target" not in e.message
    return True


needs_objdump = pytest.mark.skipif(
    not _objdump_available(), reason="no llvm-objdump with the Hexagon target (apt-get install llvm-22)"
)


def _seed_args(rng):
    q, k, v = (rng.random((1, 1, 1024, 64), dtype=np.float32) for _ in range(3))
    return [0, q, k, v, np.zeros_like(q)]


# (kernel, grid, arguments); the seed runs one program (the four of its grid do the same work) to keep
# the test's two qemu runs short.
CASES = {
    "flash_attention": (SEED, 1, _seed_args),
    "scale_add": (
        INPUTS / "scale_add.mlir",
        2,
        lambda rng: [
            rng.random(8192, dtype=np.float32),
            rng.random(8192, dtype=np.float32),
            np.zeros(8192, np.float32),
        ],
    ),
    "row_sum": (
        INPUTS / "row_sum.mlir",
        2,
        lambda rng: [rng.random((256, 512), dtype=np.float32), np.zeros(256, np.float32)],
    ),
    "matmul": (
        INPUTS / "matmul.mlir",
        2,
        lambda rng: [
            rng.random((128, 128), dtype=np.float32),
            rng.random((128, 96), dtype=np.float32),
            np.zeros((128, 96), np.float32),
        ],
    ),
}


def _reference(name: str, args: list) -> tuple[int, np.ndarray]:
    """(output argument index, expected output) for the part of the output the grid computes."""
    if name == "flash_attention":
        from hexopt.kernels.flash_attention import attention_reference

        return 4, attention_reference(args[1], args[2], args[3], 0.5).astype(np.float32)
    if name == "scale_add":
        return 2, args[0] * args[1] + args[0]
    if name == "row_sum":
        return 1, args[0].astype(np.float64).sum(axis=1).astype(np.float32)
    return 2, (args[0].astype(np.float64) @ args[1]).astype(np.float32)


@needs_qemu
@needs_lld
@needs_zig
@needs_gcc
@needs_objdump
@pytest.mark.parametrize("name", list(CASES))
def test_estimate_matches_qemu(name, tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import qemu_profile
    finally:
        sys.path.pop(0)
    from hexopt import lower

    path, grid, make_args = CASES[name]
    lowered = lower(path.read_text(), "hexagon")
    args = make_args(np.random.default_rng(0))
    out_index, want = _reference(name, args)
    measured, obj, outputs = qemu_profile.measure(lowered, args, grid, tmp_path, outputs=[out_index])
    assert measured.passed
    got = outputs[out_index]
    if name == "flash_attention":  # one program: the first 256 rows
        np.testing.assert_allclose(got[0, 0, :256], want[0, 0, :256], rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)

    est = cycles.estimate(cycles.disassemble(str(obj)), grid=grid)
    lines = [f"{name}, grid ({grid},): qemu vs estimate"]
    for f in est.functions:
        real = measured.packets_by_function.get(f.name, 0.0)
        lines.append(f"  {f.name}: {real:.0f} vs {f.packets_per_grid_run:.0f}")
        if real or f.packets_per_grid_run:
            assert f.packets_per_grid_run == pytest.approx(real, rel=0.02), f.name
    own = sum(measured.packets_by_function.values())
    lines.append(f"  own code: {own:.0f} vs {est.own_packets_per_grid_run:.0f}")
    lines.append(
        f"  grid run: {measured.packets_grid_run} vs {est.packets_per_grid_run:.0f} "
        f"({est.packets_per_grid_run / measured.packets_grid_run:.4f})"
    )
    print("\n".join(lines))
    assert est.own_packets_per_grid_run == pytest.approx(own, rel=0.02)
    assert est.packets_per_grid_run == pytest.approx(measured.packets_grid_run, rel=0.10)
    assert est.warnings == ()
