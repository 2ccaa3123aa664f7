#!/usr/bin/env python3
"""What the crash guard costs: `hexopt run` with the worker process vs --in-process, medians of N runs.

usage: tools/bench_guard.py [--runs N] [--pipeline TEXT|NAME] [INPUT]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--pipeline", default="builtin.module(canonicalize,cse)")
    ap.add_argument("input", nargs="?", default=str(ROOT / "test/mlir/flash_attention.mlir"))
    args = ap.parse_args()
    hexopt = [sys.executable, "-m", "hexopt", "run"]
    sel = ["-p", args.pipeline] if args.pipeline.startswith("builtin.module") else [args.pipeline]
    guarded, direct = [], []
    for _ in range(args.runs):  # interleaved, so that machine noise hits both alike
        guarded.append(timed(hexopt + sel + [args.input]))
        direct.append(timed(hexopt + sel + [args.input, "--in-process"]))
    g, d = statistics.median(guarded), statistics.median(direct)
    print(f"pipeline: {args.pipeline}")
    print(f"guarded (worker process): median {g * 1e3:.0f} ms over {args.runs} runs")
    print(f"in-process:               median {d * 1e3:.0f} ms over {args.runs} runs")
    print(f"guard cost: {(g - d) * 1e3:+.0f} ms ({g / d:.2f}x)")


if __name__ == "__main__":
    main()
