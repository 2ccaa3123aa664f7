#!/usr/bin/env python3
"""What each cleanup pass changes: a kernel that needs it, built for v73 HVX with the pass on and off.

For each row: the kernel through `hexopt run hexagon` (single program, multi-threading off unless noted)
and `hexopt translate --emit asm`, with the pipeline option on (default) and off; printed are the static
counts of the assembly (instructions, packets, memcpy/malloc calls) and the packets `hexopt analyze`
estimates per call. The kernels are the lit tests' inputs (test/lit/passes/Inputs, test/mlir).

usage: tools/cleanup_effects.py [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "test" / "lit" / "passes" / "Inputs"

#: (what, kernel, the options switched off for the "off" build, extra --set for both)
CASES = [
    (
        "punt-buffer + rvo: two input blocks, one output block",
        ROOT / "test" / "mlir" / "abi_scale_add.mlir",
        {"punt-buffer": "false", "rvo": "false"},
        {"multi-threading": "false"},
    ),
    (
        "expand-bool-vec: (x > 0).to(f32) + y",
        INPUTS / "mask-to-float.mlir",
        {"expand-bool-vec": "false"},
        {"multi-threading": "false"},
    ),
    (
        "hoist-scalar-ops: x * rsqrt(mean(x*x) + eps) * w",
        INPUTS / "row-rms.mlir",
        {"hoist-scalar-ops": "false"},
        {"multi-threading": "false"},
    ),
    (
        "broadcast-div-to-mul: x / colsum(x)[None, :]",
        INPUTS / "column-divide.mlir",
        {"reciprocal-division": "false"},
        {"multi-threading": "false"},
    ),
    (
        "all of them on the seed (flash attention, 4 threads)",
        ROOT / "test" / "mlir" / "flash_attention.mlir",
        {
            "punt-buffer": "false",
            "rvo": "false",
            "expand-bool-vec": "false",
            "hoist-scalar-ops": "false",
            "erase-unused-operands": "false",
        },
        {},
    ),
]


def figures(text: str, sets: dict[str, str]) -> dict[str, float]:
    from hexopt import lower
    from hexopt.backend import cycles
    from hexopt.backend.translate import TargetOptions, translate
    from hexopt.report.backend import asm_figures

    asm = str(translate(lower(text, "hexagon", sets), TargetOptions(arch="v73"), "asm"))
    f = asm_figures(asm)
    est = cycles.estimate(asm, grid=1)
    return {
        "instructions": int(f["instructions"]),
        "packets_static": int(f["packets (static)"]),
        "memcpy": len(re.findall(r"\bcall memcpy\b", asm)),
        "malloc": len(re.findall(r"\bcall malloc\b", asm)),
        "packets_per_call": round(est.packets_per_call),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = []
    print("| cleanup (kernel) | build | instructions | static packets | memcpy | malloc | est. packets per call |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for what, path, off, extra in CASES:
        text = path.read_text()
        for build, sets in (("on", dict(extra)), ("off", {**extra, **off})):
            f = figures(text, sets)
            rows.append({"case": what, "build": build, **f})
            print(
                f"| {what} | {build} | {f['instructions']:,} | {f['packets_static']:,} | {f['memcpy']} | "
                f"{f['malloc']} | {f['packets_per_call']:,} |",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
