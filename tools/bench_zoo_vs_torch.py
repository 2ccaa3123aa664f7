#!/usr/bin/env python3
"""The kernel zoo on the host: hexopt's host build of each zoo kernel against the same computation in torch (CPU).

    python tools/bench_zoo_vs_torch.py --runs 11 --json run.json --plots docs/images/performance
    python tools/bench_zoo_vs_torch.py vadd_1d softmax_f32 --runs 3      # only these zoo kernels

The kernels are the zoo's (test/mlir/zoo/: the Linalg hexopt's Triton front end makes of each kernel kind of
test/python/triton/kernels.py) with the grid, scalar arguments and tolerances of test/mlir/zoo/zoo.json; the
arguments are those `hexopt bench` gives the kernel (hexopt.runner.bench.prepare_bench: arrays sized by the
extent analysis, random inputs seeded with --seed). For each kernel:

- **hexopt**: `hexopt.lower(text, "host", sets)` run on the host JIT (hexopt.runner.host, the runner of
  `hexopt bench --target host`), twice: single-threaded (`multi-threading=false`) and as shipped (the host
  pipeline's defaults: async threads, num-threads 4). A grid run calls the kernel once per program.
- **torch**: a torch expression per kernel kind written here from what the Triton kernel computes (masks and
  boundaries included), with torch.set_num_threads(1) and with torch's default threads. It allocates its result,
  as torch code does. Its result is checked once against each hexopt build's output at the zoo's tolerances
  (numpy.allclose) before anything is timed; a kernel kind with no sensible torch equivalent is listed as skipped
  with the reason (its hexopt builds are still timed).
- **Timing**: a sample is the mean time of one grid run (hexopt) or one evaluation (torch) over enough
  back-to-back calls to fill about --sample-us; after --warmup samples of each, --runs rounds take one sample of
  every variant of the kernel in a new random order (a variant right after one whose threads still spin would
  otherwise always pay for it); the table shows medians and hexopt / torch ratios (below 1: hexopt is faster).
- **Launch overhead**: one program of the zoo's grid_3d kernel (it stores one int) through the host runner, and
  torch's `x + y` on 1-element tensors, interleaved the same way: what every kernel pays per program (hexopt)
  and per op (torch) besides its work.

With --plots DIR (matplotlib: `pip install -e '.[bench]'`): DIR/zoo-vs-torch.png, horizontal bars of the time ratio
hexopt / torch per kernel, single-threaded and as shipped. Exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from bench_flash_attention import interleaved

from hexopt import lower
from hexopt.runner.bench import BenchRequest, BenchSetup, parse_tolerances, prepare_bench
from hexopt.runner.host import HostKernel, compile_host, guarded_array

ROOT = Path(__file__).resolve().parent.parent
ZOO_DIR = ROOT / "test" / "mlir" / "zoo"
Timer = Callable[[], float]

#: the hexopt builds: label -> the host pipeline's option values
HEXOPT_BUILDS = {"hexopt 1 thread": {"multi-threading": "false"}, "hexopt shipped": {}}


def load_zoo() -> dict[str, dict[str, Any]]:
    return json.loads((ZOO_DIR / "zoo.json").read_text())


def constexprs(spec: dict[str, Any]) -> dict[str, str]:
    """zoo.json's "BLOCK=1024,N=2" -> {"BLOCK": "1024", "N": "2"}."""
    return dict(item.split("=", 1) for item in spec["constexprs"].split(",") if item)


# --------------------------------------------------------------------------------------------- torch
class Skip(Exception):
    """A kernel kind whose computation has no sensible torch equivalent (the message says why)."""


@dataclass
class TorchCase:
    """The torch computation of one zoo kernel: `compute()` returns one tensor per output argument in `outputs`;
    `regions[i]` takes hexopt's buffer of argument i to the part the kernel writes, shaped as torch's result
    (default: the whole buffer)."""

    outputs: tuple[int, ...]
    compute: Callable[[], tuple[Any, ...]]
    regions: dict[int, Callable[[np.ndarray], np.ndarray]]


#: Triton kernel (test/python/triton/kernels.py or flash_attention.py) -> its torch computation, given torch,
#: the constexprs and the kernel's arguments (arrays as torch tensors, scalars as numbers)
TorchMaker = Callable[[Any, dict[str, str], list[Any]], TorchCase]
TORCH_KERNELS: dict[str, TorchMaker] = {}


def torch_kernel(*names: str) -> Callable[[TorchMaker], TorchMaker]:
    def register(make: TorchMaker) -> TorchMaker:
        for name in names:
            TORCH_KERNELS[name] = make
        return make

    return register


def case(outputs: tuple[int, ...], compute: Callable[[], tuple[Any, ...]], **regions: Any) -> TorchCase:
    return TorchCase(outputs, compute, {int(k[1:]): v for k, v in regions.items()})


@torch_kernel("vadd_kernel")
def _vadd(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    n = int(c["BLOCK"])
    x, y = a[0][:n], a[1][:n]
    return case((2,), lambda: (x + y,), r2=lambda o: o[:n])


@torch_kernel("vadd_2d_block_ptr_kernel")
def _vadd_2d(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    shape = (int(c["ROWS"]), int(c["COLS"]))
    x, y = (t[: shape[0] * shape[1]].view(shape) for t in a[:2])
    return case((2,), lambda: (x + y,), r2=lambda o: o[: shape[0] * shape[1]].reshape(shape))


@torch_kernel("vadd_block_ptr_boundary_kernel")
def _vadd_boundary(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    rows, cols = a[2], a[3]
    x = a[0][: rows * cols].view(rows, cols)
    return case((1,), lambda: (x + 1.0,), r1=lambda o: o[: rows * cols].reshape(rows, cols))


@torch_kernel("vadd_masked_kernel")
def _vadd_masked(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    n = a[3]
    x, y = a[0][:n], a[1][:n]
    return case((2,), lambda: (x + y,), r2=lambda o: o[:n])


@torch_kernel("vadd_scalar_kernel")
def _vadd_scalar(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    alpha, n = a[2], a[3]
    x = a[0][:n]
    return case((1,), lambda: (x + alpha,), r1=lambda o: o[:n])


@torch_kernel("vdiv_2d_kernel")
def _vdiv_2d(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    rows, cols, stride = a[3], a[4], a[5]
    x, y = (t.as_strided((rows, cols), (stride, 1)) for t in a[:2])

    def region(o: np.ndarray) -> np.ndarray:
        return np.lib.stride_tricks.as_strided(o, (rows, cols), (stride * o.itemsize, o.itemsize))

    return case((2,), lambda: (x / y,), r2=region)


def _gelu_case(torch: Any, x: Any, shape: tuple[int, ...]) -> TorchCase:
    import torch.nn.functional as F

    size = math.prod(shape)
    xs = x[:size].view(shape)
    return case((1,), lambda: (F.gelu(xs, approximate="tanh"),), r1=lambda o: o[:size].reshape(shape))


@torch_kernel("gelu_kernel", "gelu_double_buffer_kernel")
def _gelu(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    return _gelu_case(torch, a[0], (a[0].numel(),))


@torch_kernel("gelu_4d_block_ptr_kernel")
def _gelu_4d(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    return _gelu_case(torch, a[0], tuple(int(c[d]) for d in ("D0", "D1", "D2", "D3")))


@torch_kernel("silu_kernel")
def _silu(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    import torch.nn.functional as F

    n = a[2]
    x = a[0][:n]
    return case((1,), lambda: (F.silu(x),), r1=lambda o: o[:n])


@torch_kernel("layer_norm_kernel")
def _layer_norm(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    # the kernel writes y and each row's mean and 1/std: torch.native_layer_norm returns the three
    rows, cols, eps = a[6], a[7], a[8]
    x, w, b = a[0][: rows * cols].view(rows, cols), a[2][:cols], a[3][:cols]

    def compute() -> tuple[Any, ...]:
        y, mean, rstd = torch.native_layer_norm(x, [cols], w, b, eps)
        return y, mean.view(rows), rstd.view(rows)

    return case(
        (1, 4, 5),
        compute,
        r1=lambda o: o[: rows * cols].reshape(rows, cols),
        r4=lambda o: o[:rows],
        r5=lambda o: o[:rows],
    )


@torch_kernel("rms_norm_kernel")
def _rms_norm(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    import torch.nn.functional as F

    cols, eps = a[3], a[4]
    rows = a[0].numel() // cols
    x, w = a[0][: rows * cols].view(rows, cols), a[2][:cols]
    return case((1,), lambda: (F.rms_norm(x, (cols,), w, eps),), r1=lambda o: o[: rows * cols].reshape(rows, cols))


def _softmax_case(torch: Any, x: Any, cols: int) -> TorchCase:
    rows = x.numel() // cols
    xs = x[: rows * cols].view(rows, cols)
    return case((1,), lambda: (torch.softmax(xs, dim=-1),), r1=lambda o: o[: rows * cols].reshape(rows, cols))


@torch_kernel("softmax_kernel")
def _softmax(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    return _softmax_case(torch, a[0], a[2])


@torch_kernel("softmax_rows_kernel", "online_softmax_kernel")
def _softmax_const(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    return _softmax_case(torch, a[0], int(c["N_COLS"]))


@torch_kernel("norm_kernel")
def _l2_norm(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    x = a[0][: int(c["BLOCK"])]
    return case((1,), lambda: (torch.linalg.vector_norm(x),), r1=lambda o: o.reshape(()))


@torch_kernel("sum_kernel")
def _sum(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    x = a[0][: min(a[2], int(c["BLOCK"]))]
    return case((1,), lambda: (x.sum(),), r1=lambda o: o.reshape(()))


@torch_kernel("matmul_kernel")
def _matmul(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    # f16 inputs, f32 accumulation (tl.dot), f16 result, written out as such: it is also the fast way in torch,
    # whose f16 `x @ y` on this CPU takes a slow path (64x64x64, 1 thread: 83 us; through f32: 12 us)
    m, n, k = int(c["M"]), int(c["N"]), int(c["K"])
    x, y = a[0][: m * k].view(m, k), a[1][: k * n].view(k, n)
    return case((2,), lambda: ((x.float() @ y.float()).half(),), r2=lambda o: o[: m * n].reshape(m, n))


@torch_kernel("cos_sin_kernel")
def _cos_sin(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    x = a[0]
    return case((1, 2), lambda: (torch.cos(x), torch.sin(x)))


@torch_kernel("libdevice_kernel")
def _libdevice(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    x = a[0]
    return case((1, 2, 3), lambda: (torch.rsqrt(x), torch.tanh(x), torch.sigmoid(x)))


@torch_kernel("rope_kernel")
def _rope(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    # interleaved pairs (x[2i], x[2i+1]) rotated by s * base^(-2i/DIM); angles in f32, result in x's dtype
    seq, dim = int(c["SEQ"]), int(c["DIM"])
    x = a[0][: seq * dim].view(seq, dim // 2, 2)
    base = torch.tensor(a[2], dtype=torch.float32)

    def compute() -> tuple[Any, ...]:
        freq = torch.exp(-torch.log(base) * torch.arange(0, dim, 2, dtype=torch.float32) / dim)
        angle = torch.arange(seq, dtype=torch.float32)[:, None] * freq
        cos, sin = torch.cos(angle), torch.sin(angle)
        even, odd = x[..., 0], x[..., 1]
        y = torch.stack((even * cos - odd * sin, odd * cos + even * sin), dim=-1)
        return (y.view(seq, dim).to(x.dtype),)

    return case((1,), compute, r1=lambda o: o[: seq * dim].reshape(seq, dim))


@torch_kernel("attention_fwd_kernel")
def _attention(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    import torch.nn.functional as F

    if c.get("STAGE") != "1":
        raise Skip("only the non-causal stage (STAGE=1) has a torch equivalent written here")
    q, k, v = a[1], a[2], a[3]
    scale = float(c["sm_scale"])
    return case((4,), lambda: (F.scaled_dot_product_attention(q, k, v, scale=scale),))


@torch_kernel("grid_3d_kernel")
def _grid_3d(torch: Any, c: dict[str, str], a: list[Any]) -> TorchCase:
    raise Skip(
        "it computes nothing: each program stores its own flat program id (torch.arange would be a fill, not "
        "the same work); its one-program run measures hexopt's launch overhead below"
    )


# ------------------------------------------------------------------------------------------- measure
def bench_request(name: str, spec: dict[str, Any], seed: int) -> BenchRequest:
    """The `hexopt bench --target host` run of zoo kernel `name` (as test/python/test_kernel_zoo.py runs it)."""
    return BenchRequest(
        input=str(ZOO_DIR / f"{name}.mlir"),
        target="host",
        grid=tuple(spec["grid"]),
        args={int(k): v for k, v in spec["args"].items()},
        tolerances=parse_tolerances((spec["tolerance"],)) if "tolerance" in spec else {},
        seed=seed,
    )


def guarded_copy(args: list[Any], keep: list[Any]) -> list[Any]:
    """The arguments again, each array against a guard page (a stray access stops the run, see runner.host)."""
    out: list[Any] = []
    for a in args:
        if isinstance(a, np.ndarray):
            arr = guarded_array(a.shape, a.dtype, keep)
            arr[...] = a
            out.append(arr)
        else:
            out.append(a)
    return out


def repeat_count(run: Callable[[int], float], sample_us: float, limit: int = 100_000) -> int:
    """How many back-to-back calls fill about `sample_us` (from the best of 3 timings of 3 calls)."""
    one = min(run(3) for _ in range(3))
    return max(1, min(limit, round(sample_us / max(one, 0.01))))


def hexopt_timer(kernel: HostKernel, args: list[Any], grid: tuple[int, ...], sample_us: float) -> Timer:
    """Mean time (us) of one grid run over a sample of back-to-back runs (HostKernel.benchmark times each)."""

    def run(n: int) -> float:
        return statistics.fmean(kernel.benchmark(args, grid, iterations=n, warmup=0).times_us)

    repeat = repeat_count(run, sample_us)
    return lambda: run(repeat)


def torch_timer(torch: Any, compute: Callable[[], Any], threads: int, sample_us: float) -> Timer:
    """Mean time (us) of one evaluation, with `threads` torch threads, timed one call at a time like hexopt's."""

    def run(n: int) -> float:
        torch.set_num_threads(threads)
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            compute()
            times.append((time.perf_counter() - t0) * 1e6)
        return statistics.fmean(times)

    repeat = repeat_count(run, sample_us)
    return lambda: run(repeat)


def check_outputs(tc: TorchCase, want: tuple[Any, ...], got: list[Any], setup: BenchSetup) -> dict[str, Any]:
    """hexopt's outputs against torch's at the zoo's tolerances: max abs error and verdict per output."""
    out: dict[str, Any] = {}
    for i, t in zip(tc.outputs, want, strict=True):
        ref = t.detach().numpy().astype(np.float64)
        region = tc.regions.get(i, lambda o, shape=ref.shape: o.reshape(shape))
        have = np.asarray(region(np.asarray(got[i]))).astype(np.float64)
        tol = setup.tolerances[i]
        ok = have.shape == ref.shape and bool(np.isfinite(have).all()) and tol.check(have, ref)
        err = float(np.max(np.abs(have - ref))) if have.shape == ref.shape and have.size else float("nan")
        out[str(i)] = {"max_abs_err": err, "rtol": tol.rtol, "atol": tol.atol, "ok": ok}
    return out


def bench_kernel(name: str, spec: dict[str, Any], torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    consts = constexprs(spec)
    function = spec["source"].rpartition(":")[2]
    row: dict[str, Any] = {
        "kind": spec["kind"],
        "source": spec["source"],
        "grid": spec["grid"],
        "dtype": spec["dtype"],
        "constexprs": spec["constexprs"],
    }
    setup = prepare_bench(bench_request(name, spec, args.seed))
    grid = setup.grid
    keep: list[Any] = []
    timers: dict[str, Timer] = {}
    builds: dict[str, tuple[HostKernel, list[Any]]] = {}
    for label, sets in HEXOPT_BUILDS.items():
        kernel = compile_host(lower(setup.text, "host", sets, source_name=f"{name}.mlir"), setup.entry)
        kargs = guarded_copy(setup.args, keep)
        kernel.run(kargs, grid)
        builds[label] = (kernel, kargs)
    tc: TorchCase | None = None
    make = TORCH_KERNELS.get(function)
    if make is None:
        row["skipped"] = f"no torch equivalent written for {function}"
    else:
        targs = [torch.from_numpy(a.copy()) if isinstance(a, np.ndarray) else a for a in setup.args]
        try:
            tc = make(torch, consts, targs)
        except Skip as e:
            row["skipped"] = str(e)
    if tc is not None:
        want = tc.compute()
        row["check"] = {label: check_outputs(tc, want, kargs, setup) for label, (_, kargs) in builds.items()}
        row["check_ok"] = all(o["ok"] for c in row["check"].values() for o in c.values())
        timers["torch 1 thread"] = torch_timer(torch, tc.compute, 1, args.sample_us)
        timers["torch default threads"] = torch_timer(torch, tc.compute, args.torch_threads, args.sample_us)
    for label, (kernel, kargs) in builds.items():
        timers[label] = hexopt_timer(kernel, kargs, grid, args.sample_us)
    samples = interleaved(timers, args.runs, args.warmup, seed=args.seed)
    row["variants"] = {
        label: {"median_us": statistics.median(xs), "min_us": min(xs), "max_us": max(xs), "samples_us": xs}
        for label, xs in samples.items()
    }
    med = {label: v["median_us"] for label, v in row["variants"].items()}
    if tc is not None:
        row["ratio_1_thread"] = med["hexopt 1 thread"] / med["torch 1 thread"]
        row["ratio_shipped"] = med["hexopt shipped"] / med["torch default threads"]
    row["programs"] = math.prod(grid)
    return row


def launch_overhead(torch: Any, zoo: dict[str, dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    """One program of grid_3d (a store of one int) on the host JIT, against torch's x + y on 1-element tensors."""
    out: dict[str, Any] = {}
    timers: dict[str, Timer] = {}
    if "grid_3d" in zoo:
        setup = prepare_bench(bench_request("grid_3d", zoo["grid_3d"], args.seed))
        kernel = compile_host(lower(setup.text, "host", {"multi-threading": "false"}), setup.entry)
        timers["hexopt: one program of grid_3d"] = hexopt_timer(
            kernel, guarded_copy(setup.args, []), (1, 1, 1), args.sample_us
        )
    if torch is not None:
        x, y = torch.ones(1), torch.ones(1)
        timers["torch: x + y, 1 element"] = torch_timer(torch, lambda: x + y, 1, args.sample_us)
    for label, xs in interleaved(timers, args.runs, args.warmup, seed=args.seed).items():
        out[label] = {"median_us": statistics.median(xs), "min_us": min(xs), "samples_us": xs}
    return out


# -------------------------------------------------------------------------------------------- output
def _us(us: float | None) -> str:
    if us is None:
        return "—"
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.1f} us" if us >= 10 else f"{us:.2f} us"


def _ratio(r: float | None) -> str:
    if r is None:
        return "—"
    text = f"{r:.2f}x" if r >= 0.1 else f"{r:.3f}x"
    return f"**{text}**" if r > 1 else text


def markdown(report: dict[str, Any]) -> str:
    threads = report["torch"]["default_threads"] if report.get("torch") else "?"
    lines = [
        f"| kernel | grid | hexopt 1 thread | torch 1 thread | ratio | hexopt shipped | torch ({threads} threads) "
        "| ratio | check |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, row in report["kernels"].items():
        med = {k: v["median_us"] for k, v in row["variants"].items()}
        check = "skipped" if "skipped" in row else "ok" if row.get("check_ok") else "**FAIL**"
        lines.append(
            f"| {name} | {','.join(map(str, row['grid']))} | {_us(med.get('hexopt 1 thread'))} "
            f"| {_us(med.get('torch 1 thread'))} | {_ratio(row.get('ratio_1_thread'))} "
            f"| {_us(med.get('hexopt shipped'))} | {_us(med.get('torch default threads'))} "
            f"| {_ratio(row.get('ratio_shipped'))} | {check} |"
        )
    lines.append("")
    r1 = [r["ratio_1_thread"] for r in report["kernels"].values() if "ratio_1_thread" in r]
    rs = [r["ratio_shipped"] for r in report["kernels"].values() if "ratio_shipped" in r]
    if r1:
        g1, gs = statistics.geometric_mean(r1), statistics.geometric_mean(rs)
        lines.append(
            f"Geometric mean of the ratios over {len(r1)} kernels: {g1:.2f}x single-threaded, {gs:.2f}x as shipped; "
            f"hexopt faster on {sum(r < 1 for r in r1)} (1 thread) and {sum(r < 1 for r in rs)} (shipped)."
        )
    for name, row in report["kernels"].items():
        if "skipped" in row:
            lines.append(f"Skipped against torch: {name}: {row['skipped']}.")
    over = report.get("launch_overhead", {})
    if over:
        lines.append(
            "Launch overhead (medians): " + "; ".join(f"{k}: {_us(v['median_us'])}" for k, v in over.items()) + "."
        )
    return "\n".join(lines)


def plot(report: dict[str, Any], directory: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [(n, r) for n, r in report["kernels"].items() if "ratio_1_thread" in r]
    rows.sort(key=lambda item: item[1]["ratio_1_thread"])
    names = [n for n, _ in rows]
    y = np.arange(len(rows))
    h = 0.4
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(rows) + 1.6))
    threads = report["torch"]["default_threads"]
    ax.barh(y - h / 2, [r["ratio_1_thread"] for _, r in rows], h, label="1 thread: hexopt / torch (1 thread)")
    ax.barh(
        y + h / 2,
        [r["ratio_shipped"] for _, r in rows],
        h,
        label=f"as shipped: hexopt (host pipeline defaults) / torch ({threads} threads)",
    )
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("time ratio hexopt / torch (log scale; left of 1: hexopt faster)")
    ax.set_title(f"Kernel zoo on the host JIT against torch {report['torch']['version']} (CPU), medians")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "zoo-vs-torch.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# ---------------------------------------------------------------------------------------------- main
def load_torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kernels", nargs="*", help="zoo kernels to measure (default: all of zoo.json)")
    ap.add_argument("--runs", type=int, default=21, help="interleaved rounds per kernel (medians reported)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed samples of every variant first")
    ap.add_argument("--sample-us", type=float, default=1000.0, help="about this long back-to-back calls per sample")
    ap.add_argument("--seed", type=int, default=0, help="inputs and the order of the rounds")
    ap.add_argument("--json", type=Path, default=None, help="write every figure (and the raw samples) here")
    ap.add_argument("--markdown", type=Path, default=None, help="write the table here")
    ap.add_argument("--plots", type=Path, default=None, help="write zoo-vs-torch.png into this directory")
    ap.add_argument("--from-json", type=Path, default=None, help="measure nothing: table and plot of a saved run")
    args = ap.parse_args()
    if args.from_json:
        report = json.loads(args.from_json.read_text())
    else:
        # torch's idle OpenMP workers sleep, as hexopt's async workers do (see tools/bench_flash_attention.py)
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        os.environ.setdefault("KMP_BLOCKTIME", "0")
        zoo = load_zoo()
        unknown = [k for k in args.kernels if k not in zoo]
        if unknown:
            ap.error(f"not in test/mlir/zoo/zoo.json: {', '.join(unknown)}")
        torch = load_torch()
        if torch is None:
            sys.exit("torch is not installed: pip install -e '.[bench]'")
        args.torch_threads = torch.get_num_threads()  # the default, kept before any timer sets another
        report = {
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "load_average": os.getloadavg(),
            "runs": args.runs,
            "warmup": args.warmup,
            "sample_us": args.sample_us,
            "torch": {"version": torch.__version__.split("+")[0], "default_threads": args.torch_threads},
            "kernels": {},
        }
        for name in args.kernels or list(zoo):
            row = bench_kernel(name, zoo[name], torch, args)
            report["kernels"][name] = row
            print(f"{name}: " + ", ".join(f"{k} {_us(v['median_us'])}" for k, v in row["variants"].items()), flush=True)
        report["launch_overhead"] = launch_overhead(torch, zoo, args)
        report["load_average_after"] = os.getloadavg()
    table = markdown(report)
    print()
    print(table)
    print(f"\nload average before / after: {report['load_average'][0]:.1f} / {report['load_average_after'][0]:.1f}")
    if args.markdown:
        args.markdown.write_text(table + "\n")
    if args.json and not args.from_json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    if args.plots:
        print(f"wrote {plot(report, args.plots)}")
    sys.exit(1 if any(r.get("check_ok") is False for r in report["kernels"].values()) else 0)


if __name__ == "__main__":
    main()
