"""Figures of the Triton front end: kernels passing per target, compile time per kernel, cache-hit launch time.

    python tools/triton_report.py            # host JIT (about 2 minutes)
    python tools/triton_report.py --qemu     # also every kernel under qemu-hexagon (about 10 minutes more)

It runs test/python/triton/test_kernels.py with an empty Triton cache (so every kernel compiles once) and
records each compilation through Triton's compilation listener (HEXOPT_TRITON_TIMES, see conftest.py),
then times launches of one kernel: the first (compile), the second (in memory) and one that finds the
compiled kernel in Triton's on-disk cache (what a new process does). Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAUNCH = r"""
import statistics, sys, time, torch, triton
sys.path.insert(0, "test/python/triton")
from hexopt.triton import HexagonDriver
import kernels as K
triton.runtime.driver.set_active(HexagonDriver(target="host"))
n = 1000
a, b, c = torch.rand(n), torch.rand(n), torch.zeros(n)
def launch():
    t0 = time.perf_counter()
    K.vadd_masked_kernel[(4,)](a, b, c, n, BLOCK=256)
    return time.perf_counter() - t0
first = launch()
again = statistics.median(launch() for _ in range(200))
disk = []
for _ in range(5):
    K.vadd_masked_kernel.device_caches.clear()
    disk.append(launch())
assert torch.allclose(c, a + b)
print(first, again, statistics.median(disk))
"""


def run_tests(target: str, cache: str, times: str) -> tuple[dict[str, str], float]:
    env = dict(os.environ, TRITON_CACHE_DIR=cache, HEXOPT_TRITON_TIMES=times, HEXOPT_TRITON_TEST_TARGET=target)
    argv = [sys.executable, "-m", "pytest", "test/python/triton/test_kernels.py", "-q", "-rA", "-p", "no:cacheprovider"]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env)
    outcome = dict(
        (m.group(2), m.group(1)) for m in re.finditer(r"^(PASSED|FAILED|XFAIL|XPASS|ERROR) (\S+)", proc.stdout, re.M)
    )
    wall = re.search(r"in ([\d.]+)s", proc.stdout)
    return outcome, float(wall.group(1)) if wall else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qemu", action="store_true", help="also run every kernel under qemu-hexagon")
    args = parser.parse_args()
    targets = ["host"] + (["hexagon"] if args.qemu else [])
    compile_s: dict[tuple[str, str], list[float]] = defaultdict(list)
    results = {}
    with tempfile.TemporaryDirectory(prefix="hexopt-triton-report-") as d:
        for target in targets:
            times = os.path.join(d, f"times-{target}.jsonl")
            results[target] = run_tests(target, os.path.join(d, f"cache-{target}"), times)
            if os.path.exists(times):
                for line in Path(times).read_text().splitlines():
                    rec = json.loads(line)
                    if not rec["cache_hit"]:
                        compile_s[(rec["kernel"], rec["target"])].append(rec["seconds"])
        env = dict(os.environ, TRITON_CACHE_DIR=os.path.join(d, "cache-launch"))
        out = subprocess.run([sys.executable, "-c", LAUNCH], capture_output=True, text=True, cwd=ROOT, env=env)
        launch = [float(x) for x in out.stdout.split()] if out.returncode == 0 else []

    print("| target | passed | failed | xfailed | wall time of the test file |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for target, (outcome, wall) in results.items():
        counts = defaultdict(int)
        for v in outcome.values():
            counts[v] += 1
        print(
            f"| {target} | {counts['PASSED']} | {counts['FAILED'] + counts['ERROR']} | {counts['XFAIL']} | "
            f"{wall:.0f} s |"
        )
    for target, (outcome, _) in results.items():
        failed = [k.split("::")[-1] for k, v in outcome.items() if v in ("FAILED", "ERROR")]
        if failed:
            print(f"\n{target} failures: {', '.join(failed)}")
    print("\n| kernel | " + " | ".join(f"compile, {t} (s)" for t in targets) + " |")
    print("| --- | " + " | ".join("---:" for _ in targets) + " |")
    for kernel in sorted({k for k, _ in compile_s}):
        cells = []
        for t in targets:
            v = compile_s.get((kernel, t))
            cells.append(f"{statistics.median(v):.2f}" if v else "")
        print(f"| {kernel} | " + " | ".join(cells) + " |")
    if launch:
        print(
            f"\nvadd_masked_kernel launch on the host: first {launch[0] * 1e3:.0f} ms (compiles), "
            f"second {launch[1] * 1e6:.0f} us (median of 200, in-memory cache hit), "
            f"{launch[2] * 1e3:.1f} ms from Triton's on-disk cache (median of 5)"
        )
    else:
        print(f"\nlaunch timing failed: {out.stderr.strip().splitlines()[-1:]}")


if __name__ == "__main__":
    main()
