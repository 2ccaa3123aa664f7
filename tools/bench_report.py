#!/usr/bin/env python3
"""Measure the pipeline report on a large module: build time, file size, and opening it in headless Chromium.

Generates a module of COPIES renamed copies of the seed kernel (by default enough that the largest
stage of the `hexagon` pipeline has --lines lines, 50k), runs `hexopt run hexagon --report`, then
opens the report in Chromium RUNS times (fresh browser each time) and measures, as medians:
- open: from the navigation request until the page has drawn the first changed stage;
- last stage: End key, which rebuilds the IR of every stage up to the last one and draws its diff;
- side by side, search: the `s` key on that stage; typing an op name and jumping to the first match;
- vs input: the diff of the last stage against the input, computed in the page.

    python tools/bench_report.py                 # 50k-line stages through the hexagon pipeline
    python tools/bench_report.py --lines 20000 --runs 3
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "test" / "mlir" / "flash_attention.mlir"
LINES_PER_COPY = 1800  # the largest stage through `hexagon` grows by ~1820 lines per copy of the seed kernel


def _chromium():
    spec = importlib.util.spec_from_file_location("headless_chromium", ROOT / "tools" / "headless_chromium.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def generate(copies: int) -> str:
    """The seed's module with its kernel function repeated `copies` times under distinct names."""
    lines = SEED.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("module"))
    end = max(i for i, line in enumerate(lines) if line == "}")
    body = "\n".join(lines[start + 1 : end])
    out = lines[: start + 1]
    for k in range(copies):
        out.append(re.sub(r"@attention_fwd_kernel\b", f"@attention_fwd_kernel_{k}", body))
    out.append("}")
    return "\n".join(out) + "\n"


def measure_open(hc, report: Path, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"open": [], "last stage": [], "side by side": [], "search": [], "vs input": []}
    for _ in range(runs):
        with hc.Chromium(width=1500, height=950) as c:
            times["open"].append(c.open(hc.file_url(str(report))))
            last = c.eval("hexoptReport.stages.length - 1")
            t = time.monotonic()
            c.key("End")
            c.wait_for(
                f"document.documentElement.dataset.stage === '{last}' && "
                "document.querySelectorAll('#viewer .r').length > 0"
            )
            times["last stage"].append(time.monotonic() - t)
            t = time.monotonic()
            c.key("s")
            c.wait_for("document.querySelectorAll('#viewer .r2').length > 0")
            times["side by side"].append(time.monotonic() - t)
            t = time.monotonic()
            c.key("i")
            c.key("/")
            c.type("llvm.load")
            c.key("Enter")
            c.wait_for("document.getElementById('view-info').textContent.includes('llvm.load')")
            times["search"].append(time.monotonic() - t)
            t = time.monotonic()  # "compared with" the input: a diff computed in the page
            c.key("Escape")
            c.key("d")
            c.eval(
                "(() => { const s = document.getElementById('base'); s.value = '0';"
                " s.dispatchEvent(new Event('change')); })()"
            )
            c.wait_for("document.getElementById('view-info').textContent.includes('against #0')")
            times["vs input"].append(time.monotonic() - t)
            errors = c.errors()
            if errors:
                raise SystemExit(f"JavaScript errors: {errors}")
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=50000, help="lines of the largest stage to aim for")
    ap.add_argument("--copies", type=int, default=None, help="copies of the seed kernel (default: from --lines)")
    ap.add_argument("--runs", type=int, default=5, help="browser runs (medians are reported)")
    ap.add_argument("--work", default=None, help="keep the generated files here")
    args = ap.parse_args()
    copies = args.copies or -(-args.lines // LINES_PER_COPY)
    work = Path(args.work or tempfile.mkdtemp(prefix="hexopt-bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "big.mlir"
    src.write_text(generate(copies))
    report, dump = work / "big.html", work / "dump"
    t = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "hexopt",
            "run",
            "hexagon",
            str(src),
            "--dump-dir",
            str(dump),
            "-o",
            str(work / "big.out.mlir"),
        ],
        check=True,
    )
    run_s = time.monotonic() - t

    from hexopt.pipeline import load_pipeline
    from hexopt.report import build, write_report

    t = time.monotonic()
    rep = build(str(dump), load_pipeline("hexagon").passes, None, str(src), "hexagon")
    write_report(rep, str(report))
    build_s = time.monotonic() - t
    sizes = [len(s.lines or ()) for s in rep.stages]
    total_lines = sum(sizes)
    dump_bytes = sum(p.stat().st_size for p in dump.iterdir())
    print(
        f"module: {copies} copies of the seed kernel; input {sizes[0]} lines, largest stage {max(sizes)} lines, "
        f"{len(sizes)} stages, {total_lines} lines in all ({dump_bytes / 1e6:.1f} MB of dumps)"
    )
    print(
        f"hexopt run hexagon --dump-dir: {run_s:.1f} s; report build + render + write: {build_s:.1f} s; "
        f"report {report.stat().st_size / 1e6:.1f} MB"
    )
    hc = _chromium()
    if hc.find_chromium() is None:
        print("chromium is not installed: no browser figures")
        return
    times = measure_open(hc, report, args.runs)
    for name, values in times.items():
        print(
            f"chromium {name:<13} median {statistics.median(values):.2f} s  "
            f"(runs: {', '.join(f'{v:.2f}' for v in values)})"
        )
    print(
        json.dumps(
            {
                "copies": copies,
                "largest_stage_lines": max(sizes),
                "stages": len(sizes),
                "report_mb": round(report.stat().st_size / 1e6, 2),
                "build_s": round(build_s, 2),
                **{k: round(statistics.median(v), 3) for k, v in times.items()},
            }
        )
    )
    if not args.work:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
