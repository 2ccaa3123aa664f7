#!/usr/bin/env python3
"""The Hexagon cycle model's figures for a set of kernels, as the markdown tables of docs/cycle-model.md.

For each kernel (Linalg; default: the seed and test/lit/analyze/Inputs/*.mlir) it lowers with the
`hexagon` pipeline, translates to v73 objects and estimates with hexopt.backend.cycles:
- the HVX build: packets per grid run, packets per thread with 1, 2 and 4 HVX contexts, the HVX
  resource roofline and the ratio;
- with --qemu, the HVX-float-off build against qemu-hexagon (tools/qemu_profile.py): estimate vs
  measured packets of one grid run, own code and with library calls.

usage: tools/cycle_report.py [KERNEL.mlir=GRID ...] [--qemu] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

DEFAULT = {
    "test/mlir/flash_attention.mlir": 4,
    "test/lit/analyze/Inputs/scale_add.mlir": 4,
    "test/lit/analyze/Inputs/row_sum.mlir": 4,
    "test/lit/analyze/Inputs/matmul.mlir": 4,
}
# random arguments for the qemu runs, per kernel (grid programs' worth of data)
ARGS = {
    "flash_attention": lambda rng, g: [
        0,
        *(rng.random((1, 1, 1024, 64), dtype=np.float32) for _ in range(3)),
        np.zeros((1, 1, 1024, 64), np.float32),
    ],
    "scale_add": lambda rng, g: [
        rng.random(4096 * g, dtype=np.float32),
        rng.random(4096 * g, dtype=np.float32),
        np.zeros(4096 * g, np.float32),
    ],
    "row_sum": lambda rng, g: [rng.random((128 * g, 512), dtype=np.float32), np.zeros(128 * g, np.float32)],
    "matmul": lambda rng, g: [
        rng.random((64 * g, 128), dtype=np.float32),
        rng.random((128, 96), dtype=np.float32),
        np.zeros((64 * g, 96), np.float32),
    ],
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kernels", nargs="*", metavar="KERNEL.mlir=GRID")
    ap.add_argument("--qemu", action="store_true", help="also validate the HVX-float-off build under qemu")
    ap.add_argument("--arch", default="v73")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from hexopt import lower
    from hexopt.backend import cycles
    from hexopt.backend.translate import TargetOptions, translate

    kernels = dict(DEFAULT)
    if args.kernels:
        kernels = {k.split("=")[0]: int(k.split("=")[1]) if "=" in k else 1 for k in args.kernels}
    report = {}
    for path, grid in kernels.items():
        name = Path(path).stem
        lowered = lower((ROOT / path).read_text(), "hexagon")
        t0 = time.perf_counter()
        asm = translate(lowered, TargetOptions(arch=args.arch), "asm")
        est = cycles.estimate(asm, grid=grid, threads=4, arch=args.arch)  # type: ignore[arg-type]
        row: dict = {
            "grid": grid,
            "hvx": est.to_json(),
            "seconds": time.perf_counter() - t0,
            "per_thread": {n: est.packets_per_thread(n) for n in (1, 2, 4)},
        }
        if args.qemu and name in ARGS:
            import qemu_profile

            kargs = ARGS[name](np.random.default_rng(0), grid)
            with tempfile.TemporaryDirectory(prefix="hexopt-cycle-report-") as d:
                m, obj, _ = qemu_profile.measure(lowered, kargs, grid, Path(d), arch=args.arch)
                off = cycles.estimate(cycles.disassemble(str(obj)), grid=grid, arch=args.arch)
            own = sum(m.packets_by_function.values())
            row["qemu"] = {
                "own_measured": own,
                "own_estimate": off.own_packets_per_grid_run,
                "grid_run_measured": m.packets_grid_run,
                "grid_run_estimate": off.packets_per_grid_run,
                "passed": m.passed,
            }
        report[name] = row

    print(f"HVX build ({args.arch}, 128-byte HVX), estimated per grid run:\n")
    print(
        "| kernel | grid | packets / grid run | own code | per thread, 1 / 2 / 4 HVX contexts | roofline "
        "(bound) | estimate / roofline (own code) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, row in report.items():
        h = row["hvx"]
        pt = " / ".join(f"{row['per_thread'][n]:,.0f}" for n in (1, 2, 4))
        roof = h["roofline"]
        ratio = f"{roof['ratio']:.2f} ({roof['own_code_ratio']:.2f})" if roof["ratio"] else "-"
        print(
            f"| {name} | {row['grid']} | {h['packets_per_grid_run']:,.0f} | {h['own_packets_per_grid_run']:,.0f} | "
            f"{pt} | {roof['packets']:,.0f} ({roof['bound']}) | {ratio} |"
        )
    if args.qemu:
        print("\nHVX-float-off build, estimate vs qemu-hexagon (one grid run):\n")
        print("| kernel | grid | own code: qemu | estimate | ratio | grid run: qemu | estimate | ratio |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, row in report.items():
            q = row.get("qemu")
            if not q:
                continue
            print(
                f"| {name} | {row['grid']} | {q['own_measured']:,.0f} | {q['own_estimate']:,.0f} | "
                f"{q['own_estimate'] / q['own_measured']:.4f} | {q['grid_run_measured']:,} | "
                f"{q['grid_run_estimate']:,.0f} | {q['grid_run_estimate'] / q['grid_run_measured']:.4f} |"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
