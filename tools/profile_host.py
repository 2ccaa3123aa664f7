#!/usr/bin/env python3
"""Where the host build of a kernel spends its time: a native executable under `perf record`.

The `host` pipeline's output (with --set options) is translated to an x86-64 object for this CPU (`hexopt
translate --target host`, the same LLVM -O3 code generation as the JIT) and linked with gcc into a native
executable: hexopt's test harness (hexopt/runtime/harness.c), a call stub for the kernel's signature and
hexopt's pthreads async runtime. It runs the seed's inputs for --iterations grid runs under
`perf record -e cpu-clock` (a software clock: this VM has no hardware counters) and prints the share of
each symbol and the hottest 256-byte windows of the kernel's code with their instruction mix, so that the
matmul loops, the exp polynomial, copies and page faults can be told apart.

callgrind would count instructions repeatably, but valgrind 3.19 (Debian 12) does not decode AVX-512: the
host build stops at its first 512-bit instruction.

usage: tools/profile_host.py [--set NAME=VALUE ...] [--iterations N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from hexopt import lower
from hexopt.commands.common import parse_assignments
from hexopt.kernels.flash_attention import attention_reference

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "test/mlir/flash_attention.mlir"
RUNTIME = ROOT / "hexopt/runtime"


def build(work: Path, sets: dict[str, str]) -> Path:
    from hexopt.backend.translate import TargetOptions, translate_guarded
    from hexopt.runner import abi, hexagon

    lowered = work / "kernel.llvm.mlir"
    lowered.write_text(lower(SEED.read_text(), "host", sets))
    obj = work / "kernel.o"
    obj.write_bytes(translate_guarded(TargetOptions(target="host").resolve(), "obj", path=str(lowered)))
    stub = work / "stub.c"
    stub.write_text(hexagon.call_stub(abi.parse_signature(lowered.read_text())))
    exe = work / "kernel.exe"
    subprocess.run(
        [
            "gcc",
            "-O2",
            "-std=c11",
            "-D_GNU_SOURCE",
            "-DHX_INDEX_BITS=64",
            "-I",
            str(RUNTIME),
            str(stub),
            str(RUNTIME / "harness.c"),
            str(RUNTIME / "async_runtime.c"),
            str(obj),
            "-lpthread",
            "-lm",
            "-o",
            str(exe),
        ],
        check=True,
    )
    return exe


def write_spec(work: Path, iterations: int) -> Path:
    rng = np.random.default_rng(0)
    q, k, v = (rng.random((1, 1, 1024, 64), dtype=np.float32) for _ in range(3))
    for name, a in zip("qkv", (q, k, v), strict=True):
        a.tofile(work / f"{name}.bin")
    attention_reference(q, k, v, 0.5).astype(np.float32).tofile(work / "want.bin")
    spec = work / "spec.txt"
    lines = ["kernel attention_fwd_kernel", f"iterations {iterations}", "grid 4 1 1", "scalar 0"]
    lines += [f"memref f32 4 1 1 1024 64 {work / n}.bin -" for n in "qkv"]
    lines += [f"memref f32 4 1 1 1024 64 - {work / 'out.bin'}", f"check 4 {work / 'want.bin'} 1e-05 1e-08"]
    spec.write_text("\n".join(lines) + "\n")
    return spec


def hot_windows(perf_data: Path, exe: Path, symbol: str, top: int) -> list[tuple[int, float, str]]:
    """(address, percent of all samples, instruction mix) of the hottest 256-byte windows of `symbol`."""
    text = subprocess.run(
        ["perf", "annotate", "-i", str(perf_data), "--stdio", "-s", symbol], capture_output=True, text=True
    ).stdout
    windows: dict[int, float] = {}
    mix: dict[int, Counter] = {}
    for line in text.splitlines():
        m = re.match(r"\s*([\d.]+)\s*:\s*([0-9a-f]+):\s+(\S+)", line)
        if not m:
            continue
        pct, addr, mnemonic = float(m.group(1)), int(m.group(2), 16), m.group(3)
        w = addr // 256 * 256
        windows[w] = windows.get(w, 0.0) + pct
        mix.setdefault(w, Counter())[mnemonic] += 1
    hot = sorted(windows.items(), key=lambda kv: -kv[1])[:top]
    return [(w, p, ", ".join(f"{n} {c}" for n, c in mix[w].most_common(4))) for w, p in sorted(hot)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--iterations", type=int, default=300, help="grid runs to sample")
    ap.add_argument("--top", type=int, default=10, help="hot code windows to show")
    ap.add_argument("--keep", type=Path, default=None, help="keep the executable, object and perf.data here")
    args = ap.parse_args()
    if shutil.which("perf") is None or shutil.which("gcc") is None:
        sys.exit("profile_host: needs perf (Debian linux-perf) and gcc")
    sets = parse_assignments(args.sets, "--set")
    with tempfile.TemporaryDirectory(prefix="hexopt-profile-") as d:
        work = args.keep or Path(d)
        work.mkdir(parents=True, exist_ok=True)
        exe = build(work, sets)
        spec = write_spec(work, args.iterations)
        data = work / "perf.data"
        run = subprocess.run(
            ["perf", "record", "-e", "cpu-clock", "-F", "10000", "-o", str(data), str(exe), str(spec)],
            capture_output=True,
            text=True,
        )
        info = next((ln for ln in run.stdout.splitlines() if ln.startswith("hexopt:")), run.stdout.strip()[-300:])
        print(f"host build ({', '.join(f'{k}={v}' for k, v in sets.items()) or 'defaults'}): {info}")
        report = subprocess.run(
            ["perf", "report", "-i", str(data), "--stdio", "--sort", "sym"], capture_output=True, text=True
        ).stdout
        print("\nshare of cpu-clock samples by symbol:")
        for line in [ln for ln in report.splitlines() if ln.strip() and not ln.startswith("#")][:12]:
            print("  " + line.strip())
        for symbol in ("attention_fwd_kernel", "async_execute_fn"):
            windows = hot_windows(data, exe, symbol, args.top)
            if windows:
                print(f"\nhottest 256-byte windows of {symbol} (percent of all samples; most frequent instructions):")
                for addr, pct, mix in windows:
                    print(f"  {addr:#8x} {pct:5.1f}%  {mix}")


if __name__ == "__main__":
    main()
