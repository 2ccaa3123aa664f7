#!/usr/bin/env python3
"""Performance of the seed flash-attention kernel (1x1x1024x64 f32, grid (4,)): host JIT and Hexagon figures.

Host: medians of --runs timed grid runs after --warmup, all variants interleaved round by round (so that
machine noise hits them alike): the `host` pipeline on the MLIR JIT, `baseline`, `host` with
multi-threading=false, numpy softmax(QK^T*0.5)V in float32, and torch F.scaled_dot_product_attention when
torch can be imported. Every hexopt variant is checked against the float64 oracle (rtol 1e-5, atol 1e-8).

Hexagon: static figures of the v73 HVX build (`hexopt run hexagon` + `hexopt translate --emit asm`), and
with --qemu the HVX-float-off build under qemu-hexagon: emulator wall time (NOT device time) and, when the
host C compiler can build tools/qemu_plugin/insn_count.c, the number of guest packets qemu executed.

usage: tools/bench_flash_attention.py [--runs N] [--warmup N] [--set NAME=VALUE ...] [--compare NAME=VALUE ...]
                                      [--qemu] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from hexopt import lower
from hexopt.commands.common import parse_assignments
from hexopt.kernels.flash_attention import KERNEL, attention_reference

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "test/mlir/flash_attention.mlir"
PLUGIN_SRC = ROOT / "tools/qemu_plugin/insn_count.c"
N_CTX, D_HEAD, GRID, SCALE = 1024, 64, 4, 0.5
RTOL, ATOL = KERNEL.tolerance.rtol, KERNEL.tolerance.atol


def numpy_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
    """softmax(q k^T * scale) v in float32, the way a numpy user writes it."""
    s = (q @ k.T) * np.float32(SCALE)
    s -= s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=-1, keepdims=True)
    return p @ v


def parse_sets(items: list[str]) -> dict[str, str]:
    return parse_assignments(items, "--set")


# ---------------------------------------------------------------------------------------------- host
def host_variants(sets: dict[str, str], compare: list[str] = ()) -> list[tuple[str, str, dict[str, str]]]:
    """(label, pipeline, --set values); `sets` applies to the host-pipeline variants. Each --compare
    NAME=VALUE adds the two host variants with that option changed (to measure one step in one run)."""
    out = [
        ("hexopt host", "host", dict(sets)),
        ("hexopt baseline", "baseline", {}),
        ("hexopt host, 1 thread", "host", {**sets, "multi-threading": "false"}),
    ]
    for item in compare:
        extra = parse_sets(item.split(","))
        out.append((f"hexopt host {item}", "host", {**sets, **extra}))
        out.append((f"hexopt host, 1 thread {item}", "host", {**sets, "multi-threading": "false", **extra}))
    return out


def bench_host(args, sets: dict[str, str]) -> dict:
    from hexopt.runner.host import compile_host

    rng = np.random.default_rng(args.seed)
    q, k, v = (rng.random((1, 1, N_CTX, D_HEAD), dtype=np.float32) for _ in range(3))
    want = attention_reference(q, k, v, SCALE).astype(np.float32)
    text = SEED.read_text()

    timers: dict[str, object] = {}
    checks: dict[str, dict] = {}
    for label, pipeline, values in host_variants(sets, args.compare):
        kernel = compile_host(lower(text, pipeline, values))
        out = np.zeros_like(q)
        argv = [0, q, k, v, out]
        kernel.run(argv, (GRID,))
        err = float(np.abs(out - want).max())
        checks[label] = {
            "max_abs_err": err,
            "allclose": bool(np.allclose(out, want, rtol=RTOL, atol=ATOL)),
            "pipeline": pipeline,
            "set": values,
        }
        timers[label] = lambda kern=kernel, a=argv: kern.benchmark(a, (GRID,), iterations=1, warmup=0).times_us[0]

    q2, k2, v2 = (x.reshape(N_CTX, D_HEAD) for x in (q, k, v))
    checks["numpy (float32)"] = {"max_abs_err": float(np.abs(numpy_attention(q2, k2, v2) - want[0, 0]).max())}

    def time_numpy() -> float:
        t0 = time.perf_counter()
        numpy_attention(q2, k2, v2)
        return (time.perf_counter() - t0) * 1e6

    timers["numpy (float32)"] = time_numpy
    if not args.no_torch:
        try:
            import torch
            import torch.nn.functional as F
        except ImportError:
            torch = None
        if torch is not None:
            tq, tk, tv = (torch.from_numpy(x) for x in (q, k, v))

            def time_torch() -> float:
                t0 = time.perf_counter()
                F.scaled_dot_product_attention(tq, tk, tv, scale=SCALE)
                return (time.perf_counter() - t0) * 1e6

            got = F.scaled_dot_product_attention(tq, tk, tv, scale=SCALE).numpy()
            label = f"torch {torch.__version__} sdpa ({torch.get_num_threads()} threads)"
            checks[label] = {"max_abs_err": float(np.abs(got - want).max())}
            timers[label] = time_torch

    samples: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(args.warmup):
        for fn in timers.values():
            fn()
    names = list(timers)
    for r in range(args.runs):
        # Interleaved, one run of each per round; the order rotates every round, because the first
        # slot of a round measured slower (the async worker threads of the previous kernel wind down).
        for name in names[r % len(names) :] + names[: r % len(names)]:
            samples[name].append(timers[name]())
    np_median = statistics.median(samples["numpy (float32)"])
    rows = {}
    for name, xs in samples.items():
        med = statistics.median(xs)
        rows[name] = {
            "median_us": med,
            "min_us": min(xs),
            "max_us": max(xs),
            "ratio_vs_numpy": med / np_median,
            "samples_us": xs,
            **checks.get(name, {}),
        }
    return rows


def print_host(rows: dict, runs: int, warmup: int) -> None:
    print(
        f"Host JIT, seed flash attention {N_CTX}x{D_HEAD} f32, grid ({GRID},): "
        f"median of {runs} interleaved runs (rotating order) "
        f"after {warmup} warm-up"
    )
    print(f"{'variant':<52} {'median us':>11} {'min us':>10} {'max us':>10} {'vs numpy':>9}  check")
    for name, r in rows.items():
        check = ""
        if "allclose" in r:
            check = f"{'ok' if r['allclose'] else 'FAIL'} (max abs err {r['max_abs_err']:.2g})"
        elif "max_abs_err" in r:
            check = f"(max abs err {r['max_abs_err']:.2g})"
        print(
            f"{name:<52} {r['median_us']:>11.0f} {r['min_us']:>10.0f} {r['max_us']:>10.0f} "
            f"{r['ratio_vs_numpy']:>8.2f}x  {check}"
        )


# ------------------------------------------------------------------------------------------- hexagon
_INSN = re.compile(r"^\s+(?!\.)(?:\{\s*)?([^{}\s].*?)\s*(?:\}.*)?$")
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
        "hvx_sf_ops": sum(1 for i in hvx if re.search(r"\.sf\b", i) and ".qf32" not in i),
        "hvx_vinsert": sum(1 for i in hvx if "vinsert" in i),
        "hvx_vmem_aligned": sum(1 for i in hvx if re.search(r"\bvmem\(", i)),
        "hvx_vmemu_unaligned": sum(1 for i in hvx if "vmemu(" in i),
        "scalar_sfmpy": sum(1 for i in insns if "sfmpy" in i),
        "scalar_sfadd_sfsub": sum(1 for i in insns if re.search(r"\bsf(add|sub)\b", i)),
        "scalar_sfrecipa": sum(1 for i in insns if "sfrecipa" in i),
        "calls_expf_exp2f": sum(n for c, n in calls.items() if c in ("expf", "exp2f", "exp", "exp2")),
        "calls_division": sum(n for c, n in calls.items() if "div" in c),
        "calls_malloc_free": sum(n for c, n in calls.items() if c in ("malloc", "free", "aligned_alloc")),
    }


def plugin_library(work: Path) -> Path | None:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        return None
    lib = work / "libinsn_count.so"
    proc = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", str(lib), str(PLUGIN_SRC)], capture_output=True)
    return lib if proc.returncode == 0 else None


def bench_hexagon(args, sets: dict[str, str], work: Path) -> dict:
    from hexopt.backend.translate import TargetOptions, translate_guarded
    from hexopt.runner import abi, hexagon

    lowered = work / "kernel.llvm.mlir"
    lowered.write_text(lower(SEED.read_text(), "hexagon", sets))
    asm = work / "kernel.s"
    asm.write_bytes(translate_guarded(TargetOptions(arch="v73").resolve(), "asm", path=str(lowered)))
    result: dict = {"static_v73_hvx": asm_figures(asm.read_text())}
    if not args.qemu:
        return result
    options = TargetOptions(arch="v73", hvx_float=False).resolve()
    obj = work / "kernel.o"
    obj.write_bytes(translate_guarded(options, "obj", path=str(lowered)))
    sig = abi.parse_signature(lowered.read_text())
    exe = hexagon.build_executable(obj, sig, work / "kernel.elf", arch=options.arch)
    rng = np.random.default_rng(args.seed)
    q, k, v = (rng.random((1, 1, N_CTX, D_HEAD), dtype=np.float32) for _ in range(3))
    want = attention_reference(q, k, v, SCALE).astype(np.float32)
    plugin = None if args.no_plugin else plugin_library(work)
    qemu_args = ["-plugin", str(plugin), "-d", "plugin"] if plugin else []
    res = hexagon.run_qemu(
        exe,
        [0, q, k, v, np.zeros_like(q)],
        grid=(GRID,),
        iterations=1,
        name=sig.name,
        outputs=[4],
        expect={4: want},
        qemu_args=qemu_args,
    )
    m = re.search(r"hexopt-insn-count: insns=(\d+)", res.stderr)
    result["qemu_hvx_float_off"] = {
        "passed": res.passed,
        "emulator_wall_s": res.seconds,
        "packets": int(m.group(1)) if m else None,
    }
    return result


def print_hexagon(h: dict) -> None:
    s = h["static_v73_hvx"]
    print(
        "\nHexagon v73 HVX build, static (hexopt run hexagon + hexopt translate --emit asm; instructions, not packets):"
    )
    for key, value in s.items():
        print(f"  {key:<22} {value}")
    q = h.get("qemu_hvx_float_off")
    if q:
        print(
            "\nqemu-hexagon 7.2 -cpu v67, HVX-float-OFF build (float vectors scalarized), one grid run incl. "
            "harness I/O and check:"
        )
        print(f"  result                 {'Pass' if q['passed'] else 'FAIL'}")
        print(f"  emulator wall time     {q['emulator_wall_s']:.1f} s  (emulator time, not device time)")
        packets = q["packets"]
        print(
            f"  executed packets       {packets if packets is not None else 'n/a (plugin not built)'}"
            "  (qemu TCG plugin; counts the scalarized float build, not the HVX build)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="timed runs per variant (median reported)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs per variant first")
    ap.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="pipeline option for the host variants and the Hexagon build (repeatable)",
    )
    ap.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="also time the host variants with these pipeline options changed, e.g. a=false,b=false (repeatable)",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-torch", action="store_true", help="skip torch even if it is installed")
    ap.add_argument("--no-host", action="store_true", help="skip the host timings")
    ap.add_argument("--no-hexagon", action="store_true", help="skip the Hexagon figures")
    ap.add_argument("--qemu", action="store_true", help="also run the HVX-float-off build under qemu-hexagon")
    ap.add_argument("--no-plugin", action="store_true", help="with --qemu: do not count packets")
    ap.add_argument("--json", type=Path, default=None, help="write every figure (and raw samples) here")
    args = ap.parse_args()
    sets = parse_sets(args.sets)
    report: dict = {
        "kernel": str(SEED.relative_to(ROOT)),
        "shape": [1, 1, N_CTX, D_HEAD],
        "grid": [GRID],
        "runs": args.runs,
        "warmup": args.warmup,
        "set": sets,
    }
    failed = False
    if not args.no_host:
        report["host"] = bench_host(args, sets)
        print_host(report["host"], args.runs, args.warmup)
        failed |= any(r.get("allclose") is False for r in report["host"].values())
    if not args.no_hexagon:
        with tempfile.TemporaryDirectory(prefix="hexopt-bench-fa-") as d:
            report["hexagon"] = bench_hexagon(args, sets, Path(d))
        print_hexagon(report["hexagon"])
        failed |= report["hexagon"].get("qemu_hvx_float_off", {}).get("passed") is False
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
