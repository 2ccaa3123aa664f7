#!/usr/bin/env python3
"""Measure what hexopt's static cycle model estimates: executed packets under qemu-hexagon, per function.

The kernel (Linalg, or LLVM-dialect MLIR from `hexopt run hexagon`) is translated with HVX float off (the
only build qemu 7.2 runs), linked into the harness and run under qemu-hexagon with the TCG plugin
tools/qemu_plugin/pc_profile.c, which counts executions per packet address. Two runs, with 1 and 2 timed
grid runs, give one grid run's packets as their difference (the harness's file I/O and check cancel out);
the profile gives the packets of each function of the kernel object. Both are compared with
`hexopt.backend.cycles.estimate` of the same object.

usage: tools/qemu_profile.py KERNEL.mlir [--grid N] [--memref 1x1x1024x64 ...] [--scalar V ...] [--json OUT]
(default arguments: the seed's flash attention, (0, Q, K, V, Out) with Q/K/V/Out 1x1x1024x64.)
Needs qemu-hexagon, zig (pip ziglang) and a host C compiler for the plugin.
"""

from __future__ import annotations

import argparse
import bisect
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_SRC = ROOT / "tools" / "qemu_plugin" / "pc_profile.c"


def plugin_library(work: Path) -> Path:
    """Build the per-packet profiling plugin for the host (RuntimeError when no C compiler works)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        raise RuntimeError("no host C compiler (gcc/cc) to build the qemu plugin")
    lib = work / "libpc_profile.so"
    proc = subprocess.run(
        [cc, "-shared", "-fPIC", "-O2", "-o", str(lib), str(PLUGIN_SRC)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"building the qemu plugin failed: {proc.stderr.strip()}")
    return lib


def function_ranges(elf: Path) -> list[tuple[int, int, str]]:
    """(start, end, name) of the functions of a linked executable, from llvm-nm -S."""
    from hexopt.toolchain import llvm_tool

    out = subprocess.run(
        [llvm_tool("llvm-nm"), "-S", "-n", "--defined-only", str(elf)], capture_output=True, text=True, check=True
    ).stdout
    ranges = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            start, size = int(parts[0], 16), int(parts[1], 16)
            ranges.append((start, start + max(size, 1), parts[3]))
    return sorted(ranges)


def packets_by_function(profile: Path, ranges: list[tuple[int, int, str]]) -> Counter:
    starts = [r[0] for r in ranges]
    per: Counter = Counter()
    for line in profile.read_text().splitlines():
        fields = line.split()
        count = int(fields[0])
        for addr_text in fields[2:]:
            addr = int(addr_text, 16)
            i = bisect.bisect_right(starts, addr) - 1
            name = ranges[i][2] if i >= 0 and addr < ranges[i][1] else "?"
            per[name] += count
    return per


@dataclass
class Measurement:
    kernel: str
    grid: int
    packets_grid_run: int  # all packets of one grid run (library and runtime included)
    packets_by_function: dict[str, float]  # the kernel object's functions, per grid run
    packets_total_one_run: int  # whole program with one grid run (harness included)
    passed: bool
    library_by_function: dict[str, float]  # every other function, per grid run (libc, async runtime)


def measure(
    lowered_text: str,
    args: Sequence[object],
    grid: int,
    work: Path,
    outputs: Sequence[int] = (),
    expect: dict[int, np.ndarray] | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    arch: str = "v73",
) -> tuple[Measurement, Path, dict[int, np.ndarray]]:
    """Run the HVX-float-off build under qemu with the profiling plugin; returns the measurement, the
    kernel object (for the estimate) and the `outputs` arguments after the run."""
    from hexopt.backend.translate import TargetOptions, translate
    from hexopt.runner import abi, hexagon

    sig = abi.parse_signature(lowered_text)
    obj = work / f"{sig.name}.o"
    obj.write_bytes(translate(lowered_text, TargetOptions(arch=arch, hvx_float=False), "obj"))  # type: ignore[arg-type]
    exe = hexagon.build_executable(obj, sig, work / f"{sig.name}.elf", arch=arch)
    plugin = plugin_library(work)
    ranges = function_ranges(exe)
    own = {name for _, _, name in _object_functions(obj)}
    runs = {}
    for iterations in (1, 2):
        prof = work / f"profile{iterations}.txt"
        res = hexagon.run_qemu(
            exe,
            list(args),
            grid=(grid,),
            iterations=iterations,
            name=sig.name,
            outputs=list(outputs),
            expect=expect,
            rtol=rtol,
            atol=atol,
            qemu_args=["-plugin", f"{plugin},out={prof}", "-d", "plugin"],
        )
        runs[iterations] = (res, packets_by_function(prof, ranges))
    (res1, per1), (res2, per2) = runs[1], runs[2]
    total1, total2 = sum(per1.values()), sum(per2.values())
    by_function = {name: float(per2[name] - per1[name]) for name in own if per2[name] - per1[name]}
    library = {name: float(per2[name] - per1[name]) for name in per2 if name not in own and per2[name] != per1[name]}
    return (
        Measurement(sig.name, grid, total2 - total1, by_function, total1, res1.passed and res2.passed, library),
        obj,
        res1.outputs,
    )


def _object_functions(obj: Path) -> list[tuple[int, int, str]]:
    return function_ranges(obj)


def default_seed_args(n_ctx: int = 1024, d_head: int = 64, seed: int = 0) -> tuple[list[object], dict]:
    from hexopt.kernels.flash_attention import attention_reference

    rng = np.random.default_rng(seed)
    q, k, v = (rng.random((1, 1, n_ctx, d_head), dtype=np.float32) for _ in range(3))
    want = attention_reference(q, k, v, 0.5).astype(np.float32)
    return [0, q, k, v, np.zeros_like(q)], {4: want}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kernel", type=Path, nargs="?", default=ROOT / "test" / "mlir" / "flash_attention.mlir")
    ap.add_argument("--grid", type=int, default=4)
    ap.add_argument("--pipeline", default="hexagon")
    ap.add_argument(
        "--memref",
        action="append",
        default=[],
        metavar="D0xD1x..",
        help="a random f32 tensor argument (in order); default: the seed's arguments",
    )
    ap.add_argument("--scalar", action="append", default=[], type=int, help="an i32 argument, placed first")
    ap.add_argument("--threads", type=int, default=4, help="HVX contexts for the estimate's per-thread figure")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from hexopt import lower
    from hexopt.backend import cycles

    text = args.kernel.read_text()
    lowered = text if "llvm.func" in text and "func.func" not in text else lower(text, args.pipeline)
    expect: dict = {}
    if args.memref or args.scalar:
        rng = np.random.default_rng(0)
        kargs: list[object] = list(args.scalar)
        kargs += [rng.random(tuple(int(d) for d in m.split("x")), dtype=np.float32) for m in args.memref]
    else:
        kargs, expect = default_seed_args()
    with tempfile.TemporaryDirectory(prefix="hexopt-qemu-profile-") as d:
        m, obj, _ = measure(lowered, kargs, args.grid, Path(d), outputs=list(expect), expect=expect or None)
        est = cycles.estimate(cycles.disassemble(str(obj)), grid=args.grid, threads=args.threads)
    print(f"{m.kernel}, grid ({m.grid},), HVX-float-off build under qemu-hexagon ({'Pass' if m.passed else 'FAIL'})")
    print(f"{'function':<34} {'qemu packets':>14} {'estimate':>14} {'est/qemu':>9}")
    for f in est.functions:
        got = m.packets_by_function.get(f.name, 0.0)
        ratio = f"{f.packets_per_grid_run / got:.4f}" if got else "-"
        print(f"{f.name:<34} {got:>14.0f} {f.packets_per_grid_run:>14.0f} {ratio:>9}")
    own = sum(m.packets_by_function.values())
    print(
        f"{'own code (the object)':<34} {own:>14.0f} {est.own_packets_per_grid_run:>14.0f} "
        f"{est.own_packets_per_grid_run / own:>9.4f}"
    )
    print(
        f"{'grid run (with library calls)':<34} {m.packets_grid_run:>14d} {est.packets_per_grid_run:>14.0f} "
        f"{est.packets_per_grid_run / m.packets_grid_run:>9.4f}"
    )
    if args.json:
        args.json.write_text(json.dumps({"measured": asdict(m), "estimate": est.to_json()}, indent=1) + "\n")
    sys.exit(0 if m.passed else 1)


if __name__ == "__main__":
    main()
