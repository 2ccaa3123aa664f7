#!/usr/bin/env python3
"""Performance of flash attention (hexopt.kernels.flash_attention; the seed is 1x1x1024x64 f32, grid (4,)):
host JIT against torch and numpy, thread scaling, the cost as N_CTX grows, and the Hexagon figures.

What it measures, in one process (all host variants of one table interleaved round by round, in a new random
order every round; medians of --runs after --warmup; idle torch OpenMP workers sleep, OMP_WAIT_POLICY=PASSIVE):

- **Machine.** The peak it derives: cores x FMA units x vector lanes x clock, and the parallel capacity the
  machine gives at the time (the same FMA chains on every CPU at once, over one core). The clock is measured with a
  chain of dependent integer adds (one per cycle), the FMA units as the measured rate of independent
  512-bit (or 256-bit without AVX-512) FMAs divided by that clock; both are the best of 200 short runs of
  a small C program (tools/peak/peak.c, built with the host C compiler), as other load only slows a run.
- **Seed, host.** hexopt's `host` pipeline on the MLIR JIT as shipped (row threads), with 1 thread
  (`multi-threading=false`), with 2 and 8 row blocks, with the reference's per-op threads
  (`row-threads=false`), the naive `baseline`; numpy float32 softmax(QK^T*scale)V; torch
  F.scaled_dot_product_attention with torch's default threads and with torch.set_num_threads(1).
  GFLOP/s count the two matmuls (4 N_CTX^2 D_HEAD); every hexopt variant is checked against the float64
  oracle (rtol 1e-5, atol 1e-8).
- **Sizes.** N_CTX in --sizes (the generator's kernels, 4 programs): hexopt (shipped and 1 thread), torch
  (default and 1 thread), numpy: time and time per GFLOP.
- **Hexagon.** The v73 HVX build (`hexopt run hexagon` + `hexopt translate --emit asm`): static counts, and
  the cycle model (hexopt.backend.cycles): packets per grid run and per thread with 1, 2 and 4 HVX contexts,
  against the HVX roofline, for the 1-thread, row-thread and per-op-thread builds. With --qemu, the
  HVX-float-off builds under qemu-hexagon with 4 guest threads: emulator wall time (not device time; a
  median of --qemu-runs) and, for the shipped build, the packets qemu executed (tools/qemu_plugin).
- **Pictures.** With --plots DIR (matplotlib: `pip install -e .[bench]`): time-vs-nctx.png,
  thread-scaling.png, hexagon-packets.png.

usage: tools/bench_flash_attention.py [--runs N] [--warmup N] [--sizes 512,1024,2048,4096] [--set NAME=VALUE]
                                      [--compare NAME=VALUE,...] [--qemu] [--plots DIR] [--json OUT] [--markdown OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hexopt import lower
from hexopt.commands.common import parse_assignments
from hexopt.kernels.flash_attention import KERNEL, FlashAttentionShape, attention_reference, generate

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "test/mlir/flash_attention.mlir"
PLUGIN_SRC = ROOT / "tools/qemu_plugin/insn_count.c"
PEAK_SRC = ROOT / "tools/peak/peak.c"
SEED_SHAPE = FlashAttentionShape()
N_CTX, D_HEAD, GRID, SCALE = SEED_SHAPE.n_ctx, SEED_SHAPE.d_head, SEED_SHAPE.threads, SEED_SHAPE.scale
RTOL, ATOL = KERNEL.tolerance.rtol, KERNEL.tolerance.atol
HVX_CONTEXTS = (1, 2, 4)


def flops(n_ctx: int, d_head: int) -> float:
    """The two matmuls of attention: 2 N^2 D each."""
    return 4.0 * n_ctx * n_ctx * d_head


def numpy_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    """softmax(q k^T * scale) v in float32, the way a numpy user writes it."""
    s = (q @ k.T) * np.float32(scale)
    s -= s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=-1, keepdims=True)
    return p @ v


def parse_sets(items: list[str]) -> dict[str, str]:
    return parse_assignments(items, "--set")


# ---------------------------------------------------------------------------------------------- peak
def measure_peak(work: Path) -> dict:
    """Clock, FMA units and peak GFLOP/s of this machine from tools/peak/peak.c (the best of its runs)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    cores = os.cpu_count() or 1
    flags = Path("/proc/cpuinfo").read_text() if os.path.exists("/proc/cpuinfo") else ""
    avx512 = " avx512f" in flags
    model = next((ln.split(":", 1)[1].strip() for ln in flags.splitlines() if ln.startswith("model name")), "?")
    out: dict = {"cores": cores, "cpu": model, "lanes_f32": 16 if avx512 else 8}
    if cc is None or not re.search(r"x86_64|amd64", os.uname().machine):
        out["error"] = "no C compiler or not x86-64: peak not measured"
        return out
    exe = work / "peak"
    proc = subprocess.run(
        [cc, "-O2", *(["-DHAVE_AVX512"] if avx512 else []), "-o", str(exe), str(PEAK_SRC), "-lpthread"],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        out["error"] = f"building tools/peak/peak.c failed: {proc.stderr.strip()[:200]}"
        return out
    text = subprocess.run([str(exe), "200"], capture_output=True, text=True, check=True).stdout
    vals = dict(re.findall(r"(\w+)=([\d.]+)", text))
    ghz, fma_per_cycle = float(vals["ghz"]), float(vals["fma_per_cycle"])
    units = max(1, round(fma_per_cycle))
    per_core = units * out["lanes_f32"] * 2 * ghz
    out.update(
        {
            "ghz": ghz,
            "fma_per_cycle": fma_per_cycle,
            "fma_units": units,
            "fma_gflops_measured": float(vals["fma_gflops"]),
            "peak_gflops_per_core": per_core,
            "peak_gflops": per_core * cores,
            "parallel_capacity": float(vals["parallel"]),
            "parallel_capacity_best": float(vals["parallel_best"]),
        }
    )
    return out


# ---------------------------------------------------------------------------------------------- host
Timer = Callable[[], float]


def interleaved(timers: dict[str, Timer], runs: int, warmup: int, seed: int = 0) -> dict[str, list[float]]:
    """Run every timer `warmup` times, then `runs` rounds of one run each, in a new random order every round: a
    variant measures slower right after one whose threads are still busy (numpy's OpenBLAS threads spin after
    a call), and a fixed or rotating order would charge that to the same variant every time."""
    import random

    for _ in range(warmup):
        for fn in timers.values():
            fn()
    names = list(timers)
    order = random.Random(seed)
    samples: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(runs):
        order.shuffle(names)
        for name in names:
            samples[name].append(timers[name]())
    return samples


class Torch:
    """torch's sdpa with its default threads or one thread, switched per call; None if torch is missing."""

    def __init__(self) -> None:
        import torch
        import torch.nn.functional as F

        self.torch, self.F = torch, F
        self.default_threads = torch.get_num_threads()
        self.version = torch.__version__.split("+")[0]

    def timer(self, q: np.ndarray, k: np.ndarray, v: np.ndarray, scale: float, threads: int) -> Timer:
        tq, tk, tv = (self.torch.from_numpy(x) for x in (q, k, v))

        def run() -> float:
            self.torch.set_num_threads(threads)
            t0 = time.perf_counter()
            self.F.scaled_dot_product_attention(tq, tk, tv, scale=scale)
            return (time.perf_counter() - t0) * 1e6

        return run

    def result(self, q: np.ndarray, k: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
        tq, tk, tv = (self.torch.from_numpy(x) for x in (q, k, v))
        return self.F.scaled_dot_product_attention(tq, tk, tv, scale=scale).numpy()


def load_torch(args) -> Torch | None:
    if args.no_torch:
        return None
    try:
        return Torch()
    except ImportError:
        return None


def hexopt_timer(text: str, pipeline: str, values: dict[str, str], args: list, grid: tuple[int, ...]) -> Timer:
    from hexopt.runner.host import compile_host

    kernel = compile_host(lower(text, pipeline, values))
    return lambda: kernel.benchmark(args, grid, iterations=1, warmup=0).times_us[0]


def seed_variants(sets: dict[str, str], compare: list[str]) -> list[tuple[str, str, dict[str, str]]]:
    """(label, pipeline, --set values) of the hexopt variants of the seed table."""
    out = [
        ("hexopt host (shipped: 4 row threads)", "host", dict(sets)),
        ("hexopt host, 1 thread", "host", {**sets, "multi-threading": "false"}),
        ("hexopt host, 2 row threads", "host", {**sets, "num-threads": "2"}),
        ("hexopt host, 8 row threads", "host", {**sets, "num-threads": "8"}),
        (
            "hexopt host, per-op threads (row-threads=false)",
            "host",
            {**sets, "row-threads": "false", "commute-contractions": "false"},
        ),
        ("hexopt baseline", "baseline", {}),
    ]
    for item in compare:
        extra = parse_sets(item.split(","))
        out.append((f"hexopt host {item}", "host", {**sets, **extra}))
        out.append((f"hexopt host, 1 thread {item}", "host", {**sets, "multi-threading": "false", **extra}))
    return out


def bench_seed(args, sets: dict[str, str], torch: Torch | None) -> dict:
    rng = np.random.default_rng(args.seed)
    q, k, v = (rng.random((1, 1, N_CTX, D_HEAD), dtype=np.float32) for _ in range(3))
    want = attention_reference(q, k, v, SCALE).astype(np.float32)
    text = SEED.read_text()
    timers: dict[str, Timer] = {}
    rows: dict[str, dict] = {}
    for label, pipeline, values in seed_variants(sets, args.compare):
        out = np.zeros_like(q)
        argv = [0, q, k, v, out]
        timers[label] = hexopt_timer(text, pipeline, values, argv, (GRID,))
        timers[label]()  # also the check run
        rows[label] = {
            "max_abs_err": float(np.abs(out - want).max()),
            "pipeline": pipeline,
            "set": values,
            "allclose": bool(np.allclose(out, want, rtol=RTOL, atol=ATOL)),
            "kind": "hexopt",
        }
    q2, k2, v2 = (x.reshape(N_CTX, D_HEAD) for x in (q, k, v))

    def time_numpy() -> float:
        t0 = time.perf_counter()
        numpy_attention(q2, k2, v2, SCALE)
        return (time.perf_counter() - t0) * 1e6

    timers["numpy float32"] = time_numpy
    rows["numpy float32"] = {
        "max_abs_err": float(np.abs(numpy_attention(q2, k2, v2, SCALE) - want[0, 0]).max()),
        "kind": "numpy",
    }
    if torch is not None:
        err = float(np.abs(torch.result(q, k, v, SCALE) - want).max())
        for threads, label in (
            (torch.default_threads, f"torch {torch.version} sdpa ({torch.default_threads} threads)"),
            (1, f"torch {torch.version} sdpa (1 thread)"),
        ):
            timers[label] = torch.timer(q, k, v, SCALE, threads)
            rows[label] = {"max_abs_err": err, "kind": "torch", "threads": threads}
    samples = interleaved(timers, args.runs, args.warmup)
    gflop = flops(N_CTX, D_HEAD) / 1e9
    for name, xs in samples.items():
        med = statistics.median(xs)
        rows[name].update(
            {"median_us": med, "min_us": min(xs), "max_us": max(xs), "samples_us": xs, "gflops": gflop / (med * 1e-6)}
        )
    return rows


def bench_sizes(args, torch: Torch | None) -> dict:
    """Time per size of the generator's kernel (4 programs): hexopt shipped / 1 thread, torch, numpy."""
    out: dict = {}
    for n_ctx in args.sizes:
        shape = FlashAttentionShape(n_ctx=n_ctx)
        text = generate(shape)
        rng = np.random.default_rng(args.seed)
        q, k, v = (rng.random((1, 1, n_ctx, D_HEAD), dtype=np.float32) for _ in range(3))
        want = attention_reference(q, k, v, shape.scale).astype(np.float32)
        timers: dict[str, Timer] = {}
        checks: dict[str, bool] = {}
        for label, values in (("hexopt", {}), ("hexopt 1 thread", {"multi-threading": "false"})):
            o = np.zeros_like(q)
            timers[label] = hexopt_timer(text, "host", values, [0, q, k, v, o], (shape.threads,))
            timers[label]()
            checks[label] = bool(np.allclose(o, want, rtol=RTOL, atol=ATOL))
        q2, k2, v2 = (x.reshape(n_ctx, D_HEAD) for x in (q, k, v))

        def time_numpy(q2=q2, k2=k2, v2=v2, scale=shape.scale) -> float:
            t0 = time.perf_counter()
            numpy_attention(q2, k2, v2, scale)
            return (time.perf_counter() - t0) * 1e6

        timers["numpy"] = time_numpy
        if torch is not None:
            timers["torch"] = torch.timer(q, k, v, shape.scale, torch.default_threads)
            timers["torch 1 thread"] = torch.timer(q, k, v, shape.scale, 1)
        samples = interleaved(timers, args.runs, args.warmup)
        gflop = flops(n_ctx, D_HEAD) / 1e9
        out[n_ctx] = {
            name: {
                "median_us": statistics.median(xs),
                "min_us": min(xs),
                "samples_us": xs,
                "us_per_gflop": statistics.median(xs) / gflop,
                "allclose": checks.get(name),
            }
            for name, xs in samples.items()
        }
    return out


# ------------------------------------------------------------------------------------------- hexagon
_HVX = re.compile(r"\b[vq]\d+\b|\bvmem")
_CALL = re.compile(r"\bcall\s+([\w.$]+)")


def asm_figures(asm: str) -> dict:
    """Static counts of a Hexagon assembly listing (instructions, not packets)."""
    insns = []
    for line in asm.splitlines():
        if not line.startswith(("\t", " ")):
            continue  # labels
        body = line.split("//")[0].strip().strip("{}").strip()
        if not body or body.startswith(".") or body.startswith("}"):
            continue
        insns.append(body)
    hvx = [i for i in insns if _HVX.search(i)]
    calls = Counter(m.group(1) for i in insns for m in [_CALL.search(i)] if m)
    return {
        "instructions": len(insns),
        "hvx_instructions": len(hvx),
        "hvx_qf32_ops": sum(1 for i in hvx if ".qf32" in i),
        "hvx_vinsert": sum(1 for i in hvx if "vinsert" in i),
        "hvx_vmem_aligned": sum(1 for i in hvx if re.search(r"\bvmem\(", i)),
        "hvx_vmemu_unaligned": sum(1 for i in hvx if "vmemu(" in i),
        "scalar_sfmpy": sum(1 for i in insns if "sfmpy" in i),
        "calls_expf_exp2f": sum(n for c, n in calls.items() if c in ("expf", "exp2f", "exp", "exp2")),
        "calls_division": sum(n for c, n in calls.items() if "div" in c),
        "calls_malloc_free": sum(n for c, n in calls.items() if c in ("malloc", "free", "aligned_alloc")),
    }


HEXAGON_VARIANTS = {
    "1 thread": {"multi-threading": "false"},
    "4 row threads (shipped)": {},
    "4 per-op threads (row-threads=false)": {"row-threads": "false", "commute-contractions": "false"},
}


def plugin_library(work: Path) -> Path | None:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        return None
    lib = work / "libinsn_count.so"
    proc = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", str(lib), str(PLUGIN_SRC)], capture_output=True)
    return lib if proc.returncode == 0 else None


def bench_hexagon(args, sets: dict[str, str], work: Path) -> dict:
    from hexopt.backend import cycles
    from hexopt.backend.translate import TargetOptions, translate_guarded
    from hexopt.runner import abi, hexagon

    text = SEED.read_text()
    result: dict = {"variants": {}}
    rng = np.random.default_rng(args.seed)
    q, k, v = (rng.random((1, 1, N_CTX, D_HEAD), dtype=np.float32) for _ in range(3))
    want = attention_reference(q, k, v, SCALE).astype(np.float32)
    plugin = plugin_library(work) if args.qemu and not args.no_plugin else None
    for label, extra in HEXAGON_VARIANTS.items():
        values = {**sets, **extra}
        lowered = work / f"kernel-{len(result['variants'])}.llvm.mlir"
        lowered.write_text(lower(text, "hexagon", values))
        asm = translate_guarded(TargetOptions(arch="v73").resolve(), "asm", path=str(lowered)).decode()
        trips = {k: float(v) for k, v in (t.split("=") for t in args.trip)} if not extra else {}
        est = cycles.estimate(asm, grid=GRID, threads=4, arch="v73", trip_counts=trips)
        row: dict = {
            "set": values,
            "packets_per_grid_run": est.packets_per_grid_run,
            "own_packets_per_grid_run": est.own_packets_per_grid_run,
            "per_thread": {n: est.packets_per_thread(n) for n in HVX_CONTEXTS},
            "roofline_packets": est.roofline.packets,
            "roofline_bound": est.roofline.bound,
            "warnings": list(est.warnings),
            "trip_counts": trips,
        }
        if not extra:
            result["static_v73_hvx"] = asm_figures(asm)
        if args.qemu:
            options = TargetOptions(arch="v73", hvx_float=False).resolve()
            obj = work / f"kernel-{len(result['variants'])}.o"
            obj.write_bytes(translate_guarded(options, "obj", path=str(lowered)))
            sig = abi.parse_signature(lowered.read_text())
            exe = hexagon.build_executable(obj, sig, work / f"kernel-{len(result['variants'])}.elf", arch=options.arch)
            walls: dict[int, list[float]] = {1: [], 4: []}
            passed, packets = True, None
            # the shipped build also with one guest worker thread (its 4 tasks one after another), interleaved
            guest = (4, 1) if not extra else (4,)
            for r in range(args.qemu_runs):
                for threads in guest:
                    count = plugin is not None and not extra and r == 0 and threads == 4
                    res = hexagon.run_qemu(
                        exe,
                        [0, q, k, v, np.zeros_like(q)],
                        grid=(GRID,),
                        iterations=1,
                        name=sig.name,
                        outputs=[4],
                        expect={4: want},
                        threads=threads,
                        qemu_args=["-plugin", str(plugin), "-d", "plugin"] if count else [],
                    )
                    passed &= res.passed
                    if count:
                        m = re.search(r"hexopt-insn-count: insns=(\d+)", res.stderr)
                        packets = int(m.group(1)) if m else None
                    else:
                        walls[threads].append(res.seconds)
            row["qemu_hvx_float_off"] = {
                "passed": passed,
                "guest_threads": 4,
                "packets": packets,
                "emulator_wall_s": statistics.median(walls[4]) if walls[4] else None,
                "emulator_wall_samples_s": walls[4],
                "emulator_wall_1_guest_thread_s": statistics.median(walls[1]) if walls[1] else None,
            }
        result["variants"][label] = row
    return result


# ------------------------------------------------------------------------------------------- output
def _fmt_us(us: float) -> str:
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.0f} us"


def print_machine(peak: dict) -> None:
    print(f"Machine: {peak.get('cpu')}, {peak['cores']} cores, {peak['lanes_f32']} f32 lanes per FMA")
    if "error" in peak:
        print(f"  peak: {peak['error']}")
        return
    print(
        f"  clock {peak['ghz']:.2f} GHz (dependent adds), {peak['fma_per_cycle']:.2f} FMA/cycle measured "
        f"-> {peak['fma_units']} FMA units"
    )
    print(
        f"  peak = {peak['cores']} cores x {peak['fma_units']} FMA units x {peak['lanes_f32']} lanes x 2 flops x "
        f"{peak['ghz']:.2f} GHz = {peak['peak_gflops']:.0f} GFLOP/s ({peak['peak_gflops_per_core']:.0f} per core)"
    )
    print(
        f"  parallel capacity now: FMA chains on all {peak['cores']} CPUs at once ran {peak['parallel_capacity']:.2f}x "
        f"one core's rate (median of 21 tries; best {peak['parallel_capacity_best']:.2f}x): a VM's vCPUs can share "
        "physical cores with other load, and thread speedups cannot exceed it"
    )


def _cores_of(name: str, row: dict, cores: int) -> int:
    """Cores a variant can use: 1 for single-threaded ones, else the machine's."""
    if "1 thread" in name or row.get("threads") == 1 or "baseline" in name:
        return 1
    return cores


def print_seed(rows: dict, peak: dict, runs: int, warmup: int) -> None:
    print(
        f"\nHost JIT, seed flash attention {N_CTX}x{D_HEAD} f32, grid ({GRID},), "
        f"{flops(N_CTX, D_HEAD) / 1e9:.3f} GFLOP: median of {runs} interleaved runs after {warmup} warm-up"
    )
    print(f"{'variant':<52} {'median':>9} {'min':>9} {'GFLOP/s':>8} {'of peak':>8}  check")
    for name, r in rows.items():
        cores = _cores_of(name, r, peak["cores"])
        of_peak = (
            f"{r['gflops'] / (peak['peak_gflops_per_core'] * cores):.0%}" if "peak_gflops_per_core" in peak else "-"
        )
        check = ""
        if "allclose" in r:
            check = f"{'ok' if r['allclose'] else 'FAIL'} (max abs err {r['max_abs_err']:.2g})"
        elif "max_abs_err" in r:
            check = f"(max abs err {r['max_abs_err']:.2g})"
        print(
            f"{name:<52} {_fmt_us(r['median_us']):>9} {_fmt_us(r['min_us']):>9} {r['gflops']:>8.1f} "
            f"{of_peak:>8}  {check}"
        )
    ratios = seed_ratios(rows)
    for key, value in ratios.items():
        print(f"  {key}: {value:.2f}x")


def seed_ratios(rows: dict) -> dict[str, float]:
    """hexopt / torch time ratios (below 1: hexopt is faster) and thread speedups, from one run."""
    med = {n: r["median_us"] for n, r in rows.items()}
    shipped = med.get("hexopt host (shipped: 4 row threads)")
    one = med.get("hexopt host, 1 thread")
    t_def = next((v for n, v in med.items() if n.startswith("torch") and "(1 thread)" not in n), None)
    t_one = next((v for n, v in med.items() if n.startswith("torch") and "(1 thread)" in n), None)
    out: dict[str, float] = {}
    if one and t_one:
        out["per core: hexopt 1 thread / torch 1 thread"] = one / t_one
    if shipped and t_def:
        out["as shipped: hexopt (row threads) / torch (default threads)"] = shipped / t_def
    if shipped and one:
        out["row threads speedup over 1 thread"] = one / shipped
    ops = med.get("hexopt host, per-op threads (row-threads=false)")
    if ops and one:
        out["per-op threads speedup over 1 thread"] = one / ops
    return out


def print_sizes(sizes: dict) -> None:
    print("\nTime as N_CTX grows (4 programs, D_HEAD 64; medians; us per GFLOP of the two matmuls):")
    names = list(next(iter(sizes.values())))
    print(f"{'N_CTX':>6} " + " ".join(f"{n:>22}" for n in names))
    for n_ctx, row in sizes.items():
        print(
            f"{n_ctx:>6} "
            + " ".join(f"{_fmt_us(row[n]['median_us']):>10} ({row[n]['us_per_gflop']:>7.0f}/GF)" for n in names)
        )
    for n in names:
        per = [row[n]["us_per_gflop"] for row in sizes.values()]
        best = [min(row[n]["samples_us"]) / (flops(k, D_HEAD) / 1e9) for k, row in sizes.items()]
        print(
            f"  {n}: time per FLOP, largest / smallest size = {per[-1] / per[0]:.2f} (medians), "
            f"{best[-1] / best[0]:.2f} (best runs)"
        )


def print_hexagon(h: dict) -> None:
    s = h.get("static_v73_hvx")
    if s:
        print(
            "\nHexagon v73 HVX build (shipped), static counts (instructions, not packets): "
            + ", ".join(f"{k} {v}" for k, v in s.items())
        )
    print("\nHexagon v73 HVX build, cycle model (hexopt.backend.cycles), grid 4: packets")
    print(
        f"{'build':<40} {'per grid run':>13} "
        + " ".join(f"{f'{n} ctx/thread':>14}" for n in HVX_CONTEXTS)
        + f" {'roofline':>10}"
    )
    for name, r in h["variants"].items():
        print(
            f"{name:<40} {r['packets_per_grid_run']:>13,.0f} "
            + " ".join(f"{r['per_thread'][n]:>14,.0f}" for n in HVX_CONTEXTS)
            + f" {r['roofline_packets']:>10,.0f}"
        )
        for w in r.get("warnings", []):
            print(f"    warning: {w}")
        if r.get("trip_counts"):
            print(f"    trip counts given (--trip): {r['trip_counts']}")
        q = r.get("qemu_hvx_float_off")
        if q:
            wall = f"{q['emulator_wall_s']:.1f} s" if q["emulator_wall_s"] else "-"
            pk = f", {q['packets']:,} packets executed" if q["packets"] else ""
            one = q.get("emulator_wall_1_guest_thread_s")
            one = f" (1 guest worker thread: {one:.1f} s)" if one else ""
            print(
                f"    qemu (HVX float off, 4 guest threads): {'Pass' if q['passed'] else 'FAIL'}, emulator wall "
                f"{wall}{one}{pk}"
            )


def markdown(report: dict) -> str:
    """The tables of one run, for docs/performance.md and the README."""
    out = []
    peak = report.get("machine", {})
    if "peak_gflops" in peak:
        out.append(
            f"Machine: {peak['cpu']}, {peak['cores']} cores. Peak = {peak['cores']} cores x "
            f"{peak['fma_units']} FMA units x {peak['lanes_f32']} f32 lanes x 2 flops x {peak['ghz']:.2f} GHz "
            f"= {peak['peak_gflops']:.0f} GFLOP/s ({peak['peak_gflops_per_core']:.0f} per core).\n"
        )
    rows = report.get("seed")
    if rows:
        out.append(f"| seed kernel, 1x1x{N_CTX}x{D_HEAD} f32, grid ({GRID},) | median | GFLOP/s | of peak |")
        out.append("| --- | ---: | ---: | ---: |")
        for name, r in rows.items():
            cores = _cores_of(name, r, peak.get("cores", 1))
            of_peak = (
                f"{r['gflops'] / (peak['peak_gflops_per_core'] * cores):.0%}" if "peak_gflops_per_core" in peak else "-"
            )
            out.append(f"| {name} | {_fmt_us(r['median_us'])} | {r['gflops']:.1f} | {of_peak} |")
        out.append("")
        for key, value in seed_ratios(rows).items():
            out.append(f"- {key}: **{value:.2f}x**")
        out.append("")
    sizes = report.get("sizes")
    if sizes:
        names = list(next(iter(sizes.values())))
        out.append("| N_CTX | " + " | ".join(names) + " |")
        out.append("| ---: | " + " | ".join("---:" for _ in names) + " |")
        for n_ctx, row in sizes.items():
            gf = flops(int(n_ctx), D_HEAD) / 1e9
            out.append(
                f"| {n_ctx} | "
                + " | ".join(
                    f"{_fmt_us(row[n]['median_us'])}, {gf / (row[n]['median_us'] * 1e-6):.0f} GFLOP/s "
                    f"(best {gf / (min(row[n]['samples_us']) * 1e-6):.0f})"
                    for n in names
                )
                + " |"
            )
        out.append("")
    h = report.get("hexagon")
    if h:
        out.append(
            "| Hexagon v73 HVX build, grid 4 | packets / grid run | per thread, 1 / 2 / 4 HVX contexts | "
            "roofline | qemu wall, 4 guest threads |"
        )
        out.append("| --- | ---: | ---: | ---: | ---: |")
        for name, r in h["variants"].items():
            q = r.get("qemu_hvx_float_off") or {}
            wall = f"{q['emulator_wall_s']:.1f} s" if q.get("emulator_wall_s") else "-"
            out.append(
                f"| {name} | {r['packets_per_grid_run']:,.0f} | "
                + " / ".join(f"{r['per_thread'][n]:,.0f}" for n in HVX_CONTEXTS)
                + f" | {r['roofline_packets']:,.0f} | {wall} |"
            )
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------------------------------- plots
def plot(report: dict, directory: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    peak = report.get("machine", {})
    sizes = report.get("sizes")
    if sizes:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
        xs = list(sizes)
        names = list(next(iter(sizes.values())))
        for name in names:
            ax.plot(xs, [sizes[n][name]["median_us"] / 1000 for n in xs], marker="o", label=name)
            ax2.plot(
                xs, [flops(n, D_HEAD) / 1e9 / (sizes[n][name]["median_us"] * 1e-6) for n in xs], marker="o", label=name
            )
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("N_CTX")
        ax.set_ylabel("ms per grid run (median)")
        ax.set_title("Flash attention f32, D_HEAD 64: time")
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        if "peak_gflops" in peak:
            ax2.axhline(peak["peak_gflops"], color="k", ls="--", lw=1, label=f"peak, {peak['cores']} cores")
            ax2.axhline(peak["peak_gflops_per_core"], color="gray", ls=":", lw=1, label="peak, 1 core")
        ax2.set_xscale("log", base=2)
        ax2.set_xticks(xs, [str(x) for x in xs])
        ax2.set_xlabel("N_CTX")
        ax2.set_ylabel("GFLOP/s (the two matmuls)")
        ax2.set_title("throughput")
        ax2.set_ylim(bottom=0)
        ax2.grid(True, alpha=0.3)
        ax2.legend(fontsize=8)
        fig.tight_layout()
        written.append(directory / "time-vs-nctx.png")
        fig.savefig(written[-1], dpi=110)
        plt.close(fig)
    seed = report.get("seed")
    hexagon = report.get("hexagon")
    if seed:
        med = {n: r["median_us"] for n, r in seed.items()}
        one = med.get("hexopt host, 1 thread")
        fig, axes = plt.subplots(1, 2 if hexagon else 1, figsize=(11 if hexagon else 6, 4.2), squeeze=False)
        ax = axes[0][0]
        rows = [
            ("hexopt host, 1 thread", 1),
            ("hexopt host, 2 row threads", 2),
            ("hexopt host (shipped: 4 row threads)", 4),
            ("hexopt host, 8 row threads", 8),
        ]
        pts = [(t, one / med[n]) for n, t in rows if n in med and one]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label="hexopt row threads")
        ops = med.get("hexopt host, per-op threads (row-threads=false)")
        if ops and one:
            ax.plot([4], [one / ops], marker="s", ls="none", label="hexopt per-op threads (reference)")
        torch_rows = sorted(((r["threads"], med[n]) for n, r in seed.items() if r.get("kind") == "torch"))
        if one and torch_rows:
            ax.plot(
                [t for t, _ in torch_rows],
                [one / m for _, m in torch_rows],
                marker="^",
                label="torch sdpa (1 and default threads)",
            )
        cores = peak.get("cores", os.cpu_count() or 1)
        ts = [1, 2, 4, 8]
        ax.plot(ts, [min(t, cores) for t in ts], color="k", ls="--", lw=1, label=f"ideal on {cores} cores")
        ax.set_xscale("log", base=2)
        ax.set_xticks(ts, [str(t) for t in ts])
        ax.set_xlabel("threads per program")
        ax.set_ylabel("speedup over hexopt 1 thread")
        ax.set_title(f"Host, seed kernel ({N_CTX}x{D_HEAD})")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        if hexagon:
            ax = axes[0][1]
            base = hexagon["variants"]["1 thread"]["per_thread"][1]
            for name, r in hexagon["variants"].items():
                ax.plot(HVX_CONTEXTS, [base / r["per_thread"][n] for n in HVX_CONTEXTS], marker="o", label=name)
            ax.plot(HVX_CONTEXTS, list(HVX_CONTEXTS), color="k", ls="--", lw=1, label="ideal")
            ax.set_xticks(HVX_CONTEXTS, [str(n) for n in HVX_CONTEXTS])
            ax.set_xlabel("HVX contexts")
            ax.set_ylabel("speedup over the 1-thread build (packets per thread)")
            ax.set_title("Hexagon v73, cycle model")
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=8)
        fig.tight_layout()
        written.append(directory / "thread-scaling.png")
        fig.savefig(written[-1], dpi=110)
        plt.close(fig)
    if hexagon:
        fig, ax = plt.subplots(figsize=(7, 4.2))
        width = 0.8 / len(hexagon["variants"])
        for i, (name, r) in enumerate(hexagon["variants"].items()):
            xs = [j + i * width for j in range(len(HVX_CONTEXTS))]
            ax.bar(xs, [r["per_thread"][n] / 1e6 for n in HVX_CONTEXTS], width, label=name)
        roof = min(r["roofline_packets"] for r in hexagon["variants"].values())
        centers = [j + width * (len(hexagon["variants"]) - 1) / 2 for j in range(len(HVX_CONTEXTS))]
        ax.plot(
            centers,
            [roof / n / 1e6 for n in HVX_CONTEXTS],
            color="k",
            ls="--",
            marker="_",
            ms=30,
            label="HVX roofline / contexts",
        )
        ax.set_xticks(centers, [f"{n} HVX context{'s' if n > 1 else ''}" for n in HVX_CONTEXTS])
        ax.set_ylabel("estimated packets per thread (millions)")
        ax.set_title(f"Hexagon v73 HVX build, seed kernel, grid {GRID}: cycle model")
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        written.append(directory / "hexagon-packets.png")
        fig.savefig(written[-1], dpi=110)
        plt.close(fig)
    return written


# ------------------------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="timed runs per variant (median reported)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs per variant first")
    ap.add_argument("--sizes", default="512,1024,2048,4096", help="N_CTX values of the size sweep ('' to skip)")
    ap.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="pipeline option for the hexopt variants and the Hexagon builds (repeatable)",
    )
    ap.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="also time the seed's host variants with these options changed, e.g. a=false,b=false",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-torch", action="store_true", help="skip torch even if it is installed")
    ap.add_argument("--no-host", action="store_true", help="skip the host timings")
    ap.add_argument("--no-hexagon", action="store_true", help="skip the Hexagon figures")
    ap.add_argument("--qemu", action="store_true", help="also run the HVX-float-off builds under qemu-hexagon")
    ap.add_argument("--qemu-runs", type=int, default=3, help="with --qemu: emulator runs per build (median)")
    ap.add_argument("--no-plugin", action="store_true", help="with --qemu: do not count packets")
    ap.add_argument(
        "--trip",
        action="append",
        default=[],
        metavar="LABEL=N",
        help="a loop trip count the cycle model cannot find in the shipped HVX build (it warns, names the "
        "loop and otherwise assumes 1), as `hexopt analyze --trip`",
    )
    ap.add_argument("--plots", type=Path, default=None, help="write the PNG plots into this directory")
    ap.add_argument("--json", type=Path, default=None, help="write every figure (and raw samples) here")
    ap.add_argument("--markdown", type=Path, default=None, help="write the run's tables as markdown here")
    ap.add_argument(
        "--from-json",
        type=Path,
        default=None,
        help="measure nothing: write --plots and --markdown from a run saved with --json",
    )
    args = ap.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        saved["sizes"] = {int(k): v for k, v in saved.get("sizes", {}).items()}
        for row in saved.get("hexagon", {}).get("variants", {}).values():
            row["per_thread"] = {int(k): v for k, v in row["per_thread"].items()}
        if args.plots:
            for path in plot(saved, args.plots):
                print(f"wrote {path}")
        if args.markdown:
            args.markdown.write_text(markdown(saved) + "\n")
        return
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    # torch's OpenMP workers spin for a while after each parallel region (GNU: OMP_WAIT_POLICY, Intel:
    # KMP_BLOCKTIME) and take the cores from whatever runs next, hexopt's threads included; hexopt's async
    # workers sleep when idle. Idle torch workers sleep too, unless the caller chose otherwise.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("KMP_BLOCKTIME", "0")
    sets = parse_sets(args.sets)
    if os.environ.get("OPENBLAS_CORETYPE"):
        print(
            f"note: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} is set: numpy's BLAS runs that core's "
            "kernels (run with `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` for numpy's best)"
        )
    report: dict = {
        "kernel": str(SEED.relative_to(ROOT)),
        "shape": [1, 1, N_CTX, D_HEAD],
        "grid": [GRID],
        "runs": args.runs,
        "warmup": args.warmup,
        "set": sets,
        "date": time.strftime("%Y-%m-%d"),
        "load_average": os.getloadavg(),
    }
    failed = False
    with tempfile.TemporaryDirectory(prefix="hexopt-bench-fa-") as d:
        work = Path(d)
        report["machine"] = measure_peak(work)
        print_machine(report["machine"])
        if not args.no_host:
            torch = load_torch(args)
            report["seed"] = bench_seed(args, sets, torch)
            print_seed(report["seed"], report["machine"], args.runs, args.warmup)
            failed |= any(r.get("allclose") is False for r in report["seed"].values())
            if args.sizes:
                report["sizes"] = bench_sizes(args, torch)
                print_sizes(report["sizes"])
                failed |= any(r.get("allclose") is False for row in report["sizes"].values() for r in row.values())
        if not args.no_hexagon:
            report["hexagon"] = bench_hexagon(args, sets, work)
            print_hexagon(report["hexagon"])
            failed |= any(
                r.get("qemu_hvx_float_off", {}).get("passed") is False for r in report["hexagon"]["variants"].values()
            )
    report["load_average_after"] = os.getloadavg()
    print(f"\nload average before / after: {report['load_average'][0]:.1f} / {report['load_average_after'][0]:.1f}")
    if args.plots:
        for path in plot(report, args.plots):
            print(f"wrote {path}")
    if args.markdown:
        args.markdown.write_text(markdown(report) + "\n")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str) + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
