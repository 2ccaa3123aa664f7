#!/usr/bin/env python3
"""Do the async threads of the host build run at the same time? Wall time and CPU time per grid run of the
flash-attention kernel (hexopt.kernels.flash_attention at each --n-ctx), with multi-threading on (the
shipped row threads) and off, in this process.

CPU seconds per wall second near the number of vCPUs means the threads ran together; near 1, one at a time
(another job holds the other vCPU, or the workers wake too late to share short tasks). The speedup is the
ratio of the medians. Interleaved rounds; medians of --runs rounds of --reps grid runs each.

usage: tools/thread_concurrency.py [--n-ctx 1024,4096] [--runs 7] [--reps 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import numpy as np

from hexopt import lower
from hexopt.kernels.flash_attention import FlashAttentionShape, generate
from hexopt.runner.host import compile_host


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-ctx", default="1024,4096", help="sizes (comma-separated)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reps", type=int, default=5, help="grid runs per timed sample")
    args = parser.parse_args()
    print(f"vCPUs: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'N_CTX':>6} {'threads':>8} {'ms per grid run':>16} {'cpu-s per wall-s':>17} {'speedup':>8}")
    for n in (int(x) for x in args.n_ctx.split(",")):
        text = generate(FlashAttentionShape(n_ctx=n))
        kernels = {mt: compile_host(lower(text, "host", {"multi-threading": mt})) for mt in ("false", "true")}
        rng = np.random.default_rng(0)
        q, k, v = (rng.random((1, 1, n, 64), dtype=np.float32) for _ in range(3))
        argv = [0, q, k, v, np.zeros_like(q)]
        walls: dict[str, list[float]] = {mt: [] for mt in kernels}
        loads: dict[str, list[float]] = {mt: [] for mt in kernels}
        for kern in kernels.values():
            kern.run(argv, (4,))
        for _ in range(args.runs):
            for mt, kern in kernels.items():
                c0, t0 = cpu_seconds(), time.perf_counter()
                for _ in range(args.reps):
                    kern.run(argv, (4,))
                wall = time.perf_counter() - t0
                walls[mt].append(wall / args.reps)
                loads[mt].append((cpu_seconds() - c0) / wall)
        one = statistics.median(walls["false"])
        for mt in ("false", "true"):
            med = statistics.median(walls[mt])
            label = "4 rows" if mt == "true" else "1"
            print(f"{n:>6} {label:>8} {med * 1e3:>16.2f} {statistics.median(loads[mt]):>17.2f} {one / med:>7.2f}x")


if __name__ == "__main__":
    main()
