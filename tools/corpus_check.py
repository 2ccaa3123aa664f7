#!/usr/bin/env python3
"""Robustness: run hexopt on every `// -----` chunk of the public MLIR corpus and classify the outcome.

Every chunk must end in one of: `ok` (exit 0), `rejected` (exit 1 with a diagnostic) or
`crash-contained` (exit 1: the bindings aborted in the worker, hexopt named the pass and saved a
reproducer). Anything else — a Python traceback, another exit code, a signal, a hang — is a FAILURE
of hexopt, and this tool exits 1.

usage: tools/corpus_check.py [--pipeline hexagon] [--limit N] [--every K] [--jobs 2] [CORPUS_DIR]
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def chunks(corpus: Path) -> list[tuple[str, str]]:
    out = []
    for f in sorted(corpus.rglob("*.mlir")):
        parts = f.read_text(errors="replace").split("\n// -----")
        for i, part in enumerate(parts):
            out.append((f"{f.relative_to(corpus)}#{i}", part if i == 0 else part.split("\n", 1)[-1]))
    return out


def classify(name: str, text: str, pipeline: str, timeout: float, tmpdir: str) -> tuple[str, str, str]:
    path = os.path.join(tmpdir, name.replace("/", "__").replace("#", "_") + ".mlir")
    with open(path, "w") as f:
        f.write(text)
    cmd = [sys.executable, "-m", "hexopt", "run", pipeline, path, "-o", path + ".out",
           "--repro-dir", path + ".repro"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return name, "FAILURE", f"timeout after {timeout:.0f} s"
    err = p.stderr
    if "Traceback (most recent call last)" in err:
        return name, "FAILURE", "python traceback: " + err.strip().splitlines()[-1]
    if p.returncode == 0:
        return name, "ok", ""
    if p.returncode == 1 and "crashed inside the MLIR bindings" in err:
        return name, "crash-contained", next(line for line in err.splitlines() if "crashed inside" in line)
    if p.returncode == 1 and "error:" in err:
        return name, "rejected", next(line for line in err.splitlines() if "error:" in line)[:160]
    return name, "FAILURE", f"exit {p.returncode}: {err.strip()[-200:]}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--pipeline", default="hexagon")
    ap.add_argument("--limit", type=int, default=0, help="stop after N chunks (0: all)")
    ap.add_argument("--every", type=int, default=1, help="take every K-th chunk (a spread-out sample)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"corpus_check: no corpus at {corpus}", file=sys.stderr)
        return 2
    todo = chunks(corpus)[:: args.every]
    if args.limit:
        todo = todo[: args.limit]
    counts: collections.Counter[str] = collections.Counter()
    failures = []
    with tempfile.TemporaryDirectory(prefix="hexopt-corpus-") as tmp, cf.ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(classify, n, t, args.pipeline, args.timeout, tmp) for n, t in todo]
        for fut in cf.as_completed(futures):
            name, kind, detail = fut.result()
            counts[kind] += 1
            if kind == "FAILURE":
                failures.append((name, detail))
            if args.verbose or kind in ("FAILURE", "crash-contained"):
                print(f"{kind:16} {name}  {detail}")
    total = sum(counts.values())
    print(f"corpus: {total} chunks through `hexopt run {args.pipeline}`: " +
          ", ".join(f"{k} {counts[k]}" for k in ("ok", "rejected", "crash-contained", "FAILURE")))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
