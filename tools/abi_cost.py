#!/usr/bin/env python3
"""What each kernel ABI costs on Hexagon: the seed kernel lowered three ways and measured.

  reference  (default)        the reference's signature (i64 rank, sizes, strides), a 32-bit index inside
  compact    --set abi=compact  32-bit rank and descriptors at the interface too
  wide       --set index-bitwidth=64  the reference's own lowering: a 64-bit index everywhere

For each: static counts of the HVX build's assembly (`hexopt translate --emit asm`: instructions, HVX
instructions, packets), the packets `hexopt analyze` estimates per grid run of that build, and with
--qemu the packets qemu-hexagon executes for one grid run of the HVX-float-off build (the one qemu runs;
tools/qemu_profile.py's plugin), with the numerical check.

usage: tools/abi_cost.py [KERNEL.mlir] [--grid 4] [--qemu] [--json OUT]
(default kernel: the seed's flash attention with its inputs; --qemu takes a few minutes per ABI.)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

ABIS = {"reference": {}, "compact": {"abi": "compact"}, "wide": {"index-bitwidth": "64"}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kernel", type=Path, nargs="?", default=ROOT / "test" / "mlir" / "flash_attention.mlir")
    ap.add_argument("--grid", type=int, default=4)
    ap.add_argument("--qemu", action="store_true", help="also count the packets qemu-hexagon executes")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from hexopt import lower
    from hexopt.backend import cycles
    from hexopt.backend.translate import TargetOptions, translate
    from hexopt.report.backend import asm_figures
    from hexopt.runner import abi

    text = args.kernel.read_text()
    rows = {}
    for name, sets in ABIS.items():
        lowered = lower(text, "hexagon", sets)
        sig = abi.parse_signature(lowered)
        asm = str(translate(lowered, TargetOptions(arch="v73"), "asm"))
        figures = asm_figures(asm)
        est = cycles.estimate(asm, grid=args.grid)
        row = {
            "rank": f"i{sig.index_bitwidth}",
            "instructions": int(figures["instructions"]),
            "hvx_instructions": int(figures["HVX instructions"]),
            "packets_static": int(figures["packets (static)"]),
            "estimated_packets_grid_run": round(est.packets_per_grid_run),
        }
        if args.qemu:
            from qemu_profile import default_seed_args, measure

            kargs, expect = default_seed_args()
            with tempfile.TemporaryDirectory(prefix="hexopt-abi-qemu-") as d:
                m, _, _ = measure(lowered, kargs, args.grid, Path(d), outputs=list(expect), expect=expect)
            row["qemu_packets_grid_run"] = m.packets_grid_run
            row["qemu_passed"] = m.passed
        rows[name] = row
        print(f"{name:10} {row}", flush=True)
    print()
    cols = ["rank", "instructions", "hvx_instructions", "packets_static", "estimated_packets_grid_run"]
    if args.qemu:
        cols += ["qemu_packets_grid_run", "qemu_passed"]
    print("| ABI | " + " | ".join(cols) + " |")
    print("| --- |" + " ---: |" * len(cols))
    for name, row in rows.items():
        print(
            f"| {name} | "
            + " | ".join(
                f"{row[c]:,}" if isinstance(row[c], int) and not isinstance(row[c], bool) else str(row[c]) for c in cols
            )
            + " |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
