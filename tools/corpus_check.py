#!/usr/bin/env python3
"""Robustness: run hexopt on every `// -----` chunk of the public MLIR corpus and classify the outcome.

Every chunk must end in one of:
  ok               exit 0, and the output is fully in the LLVM dialect (checked here, independently of
                   hexopt's own check-lowered pass)
  rejected         exit 1 with a located diagnostic or an error line (input hexopt does not handle)
  crash-contained  exit 1: the bindings aborted in the worker, hexopt named the pass and saved a reproducer
Anything else is a FAILURE of hexopt and makes this tool exit 1: a Python traceback, another exit code, a
signal, a hang, an "internal error" (a Python exception in hexopt, reported without a traceback), or
exit 0 with output that is not lowered.

usage: tools/corpus_check.py [--pipeline hexagon --pipeline host ...] [--limit N] [--every K] [--jobs 2]
                             [--leftovers] [CORPUS_DIR]
Prints one table row per pipeline (the README's robustness table comes from it).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
KINDS = ("ok", "rejected", "crash-contained", "FAILURE")
_OP = re.compile(r"^\s*(?:%[\w#:, ]+=\s*)?\"?([a-z_][\w]*\.[\w.]+)", re.M)


def chunks(corpus: Path) -> list[tuple[str, str]]:
    out = []
    for f in sorted(corpus.rglob("*.mlir")):
        parts = f.read_text(errors="replace").split("\n// -----")
        for i, part in enumerate(parts):
            out.append((f"{f.relative_to(corpus)}#{i}", part if i == 0 else part.split("\n", 1)[-1]))
    return out


def unlowered_ops(text: str) -> list[str]:
    """Op names in printed MLIR that are not LLVM dialect (module and attribute syntax excluded)."""
    names = set()
    for m in _OP.finditer(text):
        name = m.group(1)
        if not name.startswith(("llvm.", "builtin.module")) and not name.startswith(("dlti.", "loc(")):
            names.add(name)
    return sorted(names)


def classify(name: str, text: str, pipeline: str, timeout: float, tmpdir: str) -> tuple[str, str, str, str]:
    stem = name.replace("/", "__").replace("#", "_") + "." + pipeline
    path = os.path.join(tmpdir, stem + ".mlir")
    with open(path, "w") as f:
        f.write(text)
    cmd = [sys.executable, "-m", "hexopt", "run", pipeline, path, "-o", path + ".out", "--repro-dir", path + ".repro"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return pipeline, name, "FAILURE", f"timeout after {timeout:.0f} s"
    err = p.stderr
    if "Traceback (most recent call last)" in err:
        return pipeline, name, "FAILURE", "python traceback: " + err.strip().splitlines()[-1]
    if p.returncode == 0:
        left = unlowered_ops(Path(path + ".out").read_text())
        if left:
            return pipeline, name, "FAILURE", f"exit 0 but not lowered: {', '.join(left[:6])}"
        return pipeline, name, "ok", ""
    if "internal error" in err:  # a Python exception inside hexopt: a bug, even though it is reported cleanly
        return pipeline, name, "FAILURE", next(line for line in err.splitlines() if "internal error" in line)[:300]
    if p.returncode == 1 and "crashed inside the MLIR bindings" in err:
        return pipeline, name, "crash-contained", next(line for line in err.splitlines() if "crashed inside" in line)
    if p.returncode == 1 and "error:" in err:
        first = next(line for line in err.splitlines() if "error:" in line)
        return pipeline, name, "rejected", first[:300]
    return pipeline, name, "FAILURE", f"exit {p.returncode}: {err.strip()[-200:]}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--pipeline", action="append", help="pipeline(s) to run (default: hexagon, host, baseline)")
    ap.add_argument("--limit", type=int, default=0, help="stop after N chunks (0: all)")
    ap.add_argument("--every", type=int, default=1, help="take every K-th chunk (a spread-out sample)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--leftovers", action="store_true", help="list why chunks were rejected, most common first")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    pipelines = args.pipeline or ["hexagon", "host", "baseline"]
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"corpus_check: no corpus at {corpus}", file=sys.stderr)
        return 2
    todo = chunks(corpus)[:: args.every]
    if args.limit:
        todo = todo[: args.limit]
    counts: dict[str, collections.Counter[str]] = {p: collections.Counter() for p in pipelines}
    reasons: dict[str, collections.Counter[str]] = {p: collections.Counter() for p in pipelines}
    failures = 0
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="hexopt-corpus-") as tmp, cf.ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(classify, n, t, p, args.timeout, tmp) for p in pipelines for n, t in todo]
        for fut in cf.as_completed(futures):
            pipeline, name, kind, detail = fut.result()
            counts[pipeline][kind] += 1
            if kind == "rejected":
                reasons[pipeline][re.sub(r"^.*?error: ", "", detail)[:140]] += 1
            if kind == "FAILURE":
                failures += 1
            if args.verbose or kind in ("FAILURE", "crash-contained"):
                print(f"{pipeline:9} {kind:16} {name}  {detail}")
    print(f"\ncorpus: {len(todo)} chunks per pipeline ({time.time() - start:.0f} s)")
    print("| pipeline | " + " | ".join(KINDS) + " |")
    print("| --- | " + " | ".join("---:" for _ in KINDS) + " |")
    for p in pipelines:
        print(f"| {p} | " + " | ".join(str(counts[p][k]) for k in KINDS) + " |")
    if args.leftovers:
        for p in pipelines:
            print(f"\n{p}: most common rejections")
            for why, n in reasons[p].most_common(25):
                print(f"  {n:4}  {why}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
