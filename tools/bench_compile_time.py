#!/usr/bin/env python3
"""Compile time per function as the module grows: `hexopt run PIPELINE` on modules of N small functions.

Each module holds N functions: 7 of every 8 are elementwise (16x128 f32, add then multiply), the 8th a
row sum (16x256 -> 16). A pass whose cost per function grows with the module (e.g. one that walks the
whole module once per op) shows up as a growth ratio above 1. Target: time per function at the largest
size at most 1.25x that at the smallest. Runs are interleaved across sizes; the median of each size is
reported, as wall time and as CPU time of the hexopt processes (less sensitive to other load).

usage: tools/bench_compile_time.py [--sizes 400,3200] [--runs 3] [--pipeline hexagon] [--max-ratio 1.25]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_ELEMENTWISE = """func.func @ew_{i}(%a: tensor<16x128xf32>, %b: tensor<16x128xf32>) -> tensor<16x128xf32> {{
  %e = tensor.empty() : tensor<16x128xf32>
  %r = linalg.generic {{indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%a, %b : tensor<16x128xf32>, tensor<16x128xf32>) outs(%e : tensor<16x128xf32>) {{
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.mulf %s, %x : f32
    linalg.yield %m : f32
  }} -> tensor<16x128xf32>
  return %r : tensor<16x128xf32>
}}"""

_ROW_SUM = """func.func @rowsum_{i}(%a: tensor<16x256xf32>, %init: tensor<16xf32>) -> tensor<16xf32> {{
  %r = linalg.generic {{indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}}
      ins(%a : tensor<16x256xf32>) outs(%init : tensor<16xf32>) {{
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc : f32
    linalg.yield %s : f32
  }} -> tensor<16xf32>
  return %r : tensor<16xf32>
}}"""


def module_text(n: int) -> str:
    """A module of `n` small functions (one in 8 a row reduction)."""
    parts = ["#id = affine_map<(d0, d1) -> (d0, d1)>", "#row = affine_map<(d0, d1) -> (d0)>"]
    for i in range(n):
        parts.append((_ROW_SUM if i % 8 == 7 else _ELEMENTWISE).format(i=i))
    return "\n".join(parts) + "\n"


def timed_run(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and the children it waited for) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="400,3200", help="comma-separated function counts (default 400,3200)")
    ap.add_argument("--runs", type=int, default=3, help="runs per size, interleaved (default 3)")
    ap.add_argument("--pipeline", default="hexagon", help="a shipped pipeline name or builtin.module(...) text")
    ap.add_argument(
        "--max-ratio",
        type=float,
        default=1.25,
        help="exit 1 if CPU time per function grows more than this from the first size to the last",
    )
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    hexopt = [sys.executable, "-m", "hexopt", "run"]
    select = ["-p", args.pipeline] if args.pipeline.startswith("builtin.module") else [args.pipeline]
    walls: dict[int, list[float]] = {n: [] for n in sizes}
    cpus: dict[int, list[float]] = {n: [] for n in sizes}
    with tempfile.TemporaryDirectory(prefix="hexopt-bench-compile-") as tmp:
        inputs = {}
        for n in sizes:
            inputs[n] = os.path.join(tmp, f"module_{n}.mlir")
            Path(inputs[n]).write_text(module_text(n))
        out = os.path.join(tmp, "out.mlir")  # a real file: never -o /dev/null
        for _ in range(args.runs):
            for n in sizes:
                wall, cpu = timed_run(hexopt + select + [inputs[n], "-o", out])
                walls[n].append(wall)
                cpus[n].append(cpu)
    print(f"pipeline: {args.pipeline}; {args.runs} run(s) per size, medians")
    print(f"{'functions':>9} {'wall s':>8} {'cpu s':>8} {'wall ms/fn':>11} {'cpu ms/fn':>10}")
    per_fn = {}
    for n in sizes:
        wall, cpu = statistics.median(walls[n]), statistics.median(cpus[n])
        per_fn[n] = (wall / n, cpu / n)
        print(f"{n:>9} {wall:>8.2f} {cpu:>8.2f} {wall / n * 1e3:>11.2f} {cpu / n * 1e3:>10.2f}")
    first, last = sizes[0], sizes[-1]
    wall_ratio = per_fn[last][0] / per_fn[first][0]
    cpu_ratio = per_fn[last][1] / per_fn[first][1]
    print(
        f"growth of time per function from {first} to {last} functions: "
        f"{wall_ratio:.2f}x wall, {cpu_ratio:.2f}x cpu (target <= {args.max_ratio}x)"
    )
    return 0 if cpu_ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
