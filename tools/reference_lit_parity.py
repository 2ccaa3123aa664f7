#!/usr/bin/env python3
"""Lit parity with the reference: run the reference's own lit RUN lines with hexopt and the ORIGINAL CHECK lines.

The reference (qualcomm/hexagon-mlir) tests its passes with lit files whose RUN lines call
`linalg-hexagon-opt` (and `linalg-hexagon-translate`) and pipe the result into FileCheck. The public
corpus (`../shared/corpus/hexagon-mlir`, read at run time, never copied into the project) holds those
files. For every RUN line whose passes hexopt has, this tool maps the reference's pass and option
names onto hexopt's (PASS_MAP, LINALG_TO_LLVM), runs hexopt on the file (chunk by chunk for
`-split-input-file`), and checks the output with `filecheck` against the file's own CHECK lines
with the RUN line's prefixes. Each claimed RUN line ends as one of:
  PASS     the original CHECK lines match hexopt's output;
  VARIANT  a documented difference (DIFFERENCES) that hexopt's equivalent setting closes: the line
           fails as mapped and passes with that setting (e.g. the reference's all-64-bit index);
  DIFF     a documented difference, a deliberate choice (docs/reference-parity.md says why);
  FAIL     anything else: a regression, or a difference nobody documented.
A RUN line whose pass, feature or dialect hexopt does not have at all is `unclaimed`, with the reason.

usage: tools/reference_lit_parity.py [--corpus DIR] [--filter TEXT] [--json OUT] [-v] [--jobs N]
Exit status: 0 when every claimed line is PASS, VARIANT or DIFF; 1 when one is FAIL; 2 when the corpus
is missing (skipped, with the reason).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from hexopt.textsplit import split_stripped

ROOT = Path(__file__).resolve().parent.parent


def default_corpus() -> Path:
    """`shared/corpus/hexagon-mlir` next to the checkout or one of its parents (worktrees live deeper);
    $HEXOPT_REFERENCE_CORPUS overrides it."""
    if os.environ.get("HEXOPT_REFERENCE_CORPUS"):
        return Path(os.environ["HEXOPT_REFERENCE_CORPUS"])
    for parent in ROOT.parents:
        candidate = parent / "shared" / "corpus" / "hexagon-mlir"
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "corpus" / "hexagon-mlir"


#: The reference's pass name -> (hexopt's pass name, {reference option: hexopt option}). Upstream MLIR
#: passes keep their names. A value None for an option means "hexopt has no such option".
#: FIXED_OPTIONS: hexopt options that make a pass act as the reference's does by default.
PASS_MAP: dict[str, tuple[str, dict[str, str | dict[str, str] | None]]] = {
    "hexagon-fusion": ("hexagon-fusion", {"far": "allow-recompute", "fdmu": "multi-use"}),
    "form-virtual-threads": (
        "form-virtual-threads",
        {"preferred-num-threads": "num-threads", "block-size": "block-size"},
    ),
    "form-async-threads": ("form-async-threads", {}),
    "split-reduce-generic": ("split-reduce-generic", {}),
    # split-tiling-range=false asks the reference's tiling to pad the remainder instead of splitting it
    "hexagon-tiling": (
        "hexagon-tiling",
        {"split-tiling-range": {"true": "split=true", "false": "split=false pad=true"}, "enable-split-reduction": None},
    ),
    "schedule-matmul-for-hvx": ("schedule-matmul-for-hvx", {}),
    "linalg-generalize": ("linalg-generalize-named-ops", {}),
    # hexopt's reciprocal for a division by a splat; its general vector division is the vector math's
    "hexagon-fast-inverse": ("broadcast-division-to-reciprocal", {}),
    "div-to-mul-optimization": ("broadcast-div-to-mul", {}),
    "expand-bool-vec": ("expand-bool-vec", {}),
    "erase-unused-linalg-operands": ("erase-unused-linalg-operands", {}),
    "hoist-scalar-ops-in-linalg-generic": ("hoist-scalar-ops", {}),
    "hexagon-punt-buffer": ("punt-buffer", {}),
    "hexagon-rvo": ("rvo", {}),
}

FIXED_OPTIONS: dict[str, dict[str, str]] = {
    # the reference divides through the reciprocal unconditionally; hexopt only under fast-math (arcp)
    "div-to-mul-optimization": {"fast-math": "true"},
}

#: Upstream MLIR passes the reference's RUN lines use (same name in hexopt).
UPSTREAM = {
    "canonicalize",
    "cse",
    "one-shot-bufferize",
    "eliminate-empty-tensors",
    "linalg-generalize-named-ops",
    "buffer-loop-hoisting",
    "buffer-deallocation-pipeline",
    "resolve-shaped-type-result-dims",
    "loop-invariant-code-motion",
}

#: `-linalg-to-llvm` is hexopt's `hexagon` pipeline set to the reference's defaults: no multi-threading,
#: no split-reduce-generic (enable-split-reduce-generic=false), and none of hexopt's beyond-the-reference
#: optimizations (docs/reference.md, "Where hexopt differs on purpose").
LINALG_TO_LLVM_DEFAULTS = {
    "multi-threading": "false",
    "split-reduction": "false",
    "transpose-materialization": "false",
    "in-place-updates": "false",
    "row-reductions": "false",
    "register-accumulators": "false",
}

#: The reference's linalg-to-llvm options -> hexopt pipeline options ({value: --set value}); None: no
#: equivalent. An option set to its reference default that hexopt does not implement either is fine:
#: `enable-vtcm-tiling=false` asks for what hexopt does anyway.
LINALG_TO_LLVM: dict[str, tuple[str, dict[str, str]] | None] = {
    "enable-multi-threading": ("multi-threading", {"true": "true", "false": "false"}),
    "enable-split-reduce-generic": ("split-reduction", {"true": "true", "false": "false"}),
    "split-tiling-range": ("tiling-pad", {"true": "false", "false": "true"}),
    "fusion": ("fusion", {"true": "true", "false": "false"}),
    "enable-vectorization": ("vectorization", {"true": "true", "false": "false"}),
    "add-fastmath": ("fast-math", {"true": "true", "false": "false"}),
}
#: Reference options whose `false` hexopt always honours (it has no such feature).
ABSENT_FEATURES = {
    "enable-split-reduction",
    "enable-vtcm-tiling",
    "enable-convert-to-hexagonmem",
    "enable-hexagonmem-copy-to-dma",
    "enable-collapse-address-space",
    "enable-lwp",
    "enable-hexkl",
    "enable-slicing",
    "enable-double-buffering",
    "enable-scf-threading",
    "enable-conversion-to-fp16",
    "enable-hvx-inlining",
    "enable-scf-loop-unroll",
    "lower-constants-in-separate-shared-objects",
}


#: Dialects of the reference that hexopt does not have: an input using them is not claimed.
FOREIGN_DIALECTS = ("hexagonmem.", "hexkl.", "hexagon.")

#: Documented differences: "file#RUN index" -> (reason, variant). The reason's long form is in
#: docs/reference-parity.md (same key). A variant is what makes hexopt do what the reference does
#: ({"sets": {...}} for -linalg-to-llvm, {"pipeline": "..."} for a pass pipeline): the tool checks that the
#: line passes with it. None: no setting gives the reference's output (a deliberate difference).
DIFFERENCES: dict[str, tuple[str, dict[str, Any] | None]] = {
    "LinalgToLLVM__buffer_deallocation.mlir#0": ("index-width", {"sets": {"index-bitwidth": "64"}}),
    "LinalgToLLVM__return_alloc_from_loop.mlir#0": ("target-attributes", None),
    "LinalgToLLVM__form-virtual-threads.mlir#0": (
        "chunk-count",
        {"pipeline": "builtin.module(form-virtual-threads{num-threads=128})"},
    ),
    "LinalgToLLVM__2d_elemwise_binary.mlir#0": ("vtcm", None),
    "LinalgToLLVM__fast_inverse.mlir#0": ("fast-inverse", None),
    "LinalgToLLVM__hoist_scalar_ops.mlir#0": ("hoisted-values", None),
    "LinalgToLLVM__linalg_matmul_transpose.mlir#0": ("dead-ops", None),
    "LinalgToLLVM__split-reduction.mlir#0": ("tiling-split-reduction", None),
    "LinalgToLLVM__tile_dynamic_matmul.mlir#0": ("dynamic-shapes", None),
    "LinalgToLLVM__tile_not_prefectly_tileable.mlir#0": ("dynamic-shapes", None),
    "LinalgToLLVM__vector_size.mlir#0": ("vector-math", None),
    "LinalgToLLVM__fast-math-check.mlir#0": ("reduction-kind", {"sets": {"vector-min-max": "false"}}),
}


@dataclass
class Stage:
    kind: str  # "opt" | "translate"
    pipeline: str = ""  # opt: a textual pipeline, or a YAML pipeline name
    sets: dict[str, str] = field(default_factory=dict)
    split: bool = False


@dataclass
class RunLine:
    file: str
    index: int  # 0-based among the file's RUN lines
    text: str
    stages: list[Stage] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=lambda: ["CHECK"])
    group: str = ""  # the reference pass it tests
    unclaimed: str = ""  # why hexopt does not claim it ("" = claimed)
    result: str = ""  # pass | variant | diff | fail | unclaimed
    detail: str = ""
    difference: str = ""  # the DIFFERENCES reason, when documented
    gaps: list[str] = field(default_factory=list)  # options of claimed passes hexopt does not have


# --- RUN lines ----------------------------------------------------------------------------------


def run_lines(path: Path) -> list[str]:
    """The file's RUN commands, continuation lines (`\\`) joined."""
    out, cur = [], ""
    for line in path.read_text().splitlines():
        m = re.match(r"^\s*//\s*RUN:(.*)$", line)
        if not m:
            if cur:
                out.append(cur)
                cur = ""
            continue
        body = m.group(1).rstrip()
        if body.endswith("\\"):
            cur += body[:-1] + " "
        else:
            out.append(cur + body)
            cur = ""
    if cur:
        out.append(cur)
    return [" ".join(r.split()) for r in out]


def _split_pipeline_text(text: str) -> list[tuple[str, str]]:
    """`a,b{x=1},func.func(c,d)` -> [(name, options text)] flattened with the nesting kept as text."""
    items = split_stripped(text, brackets="(){}")
    return [
        (m.group(1), m.group(2) or "") for m in (re.match(r"^([\w.-]+)\s*(\{.*\}|\(.*\))?$", i) for i in items) if m
    ]


def _map_pass(name: str, opts: str, gaps: list[str]) -> tuple[str, str]:
    """One reference pass (with its `{...}` options) -> (hexopt pipeline text, why not claimed). An option of a
    claimed pass that hexopt does not have is dropped and noted in `gaps` (the line stays claimed)."""
    if name in ("builtin.module", "func.func"):
        inner = opts[1:-1] if opts.startswith("(") else ""
        parts = []
        for n, o in _split_pipeline_text(inner):
            text, why = _map_pass(n, o, gaps)
            if why:
                return "", why
            parts.append(text)
        return f"{name}({','.join(parts)})", ""
    if name in UPSTREAM:
        return name + opts, ""
    if name not in PASS_MAP:
        return "", f"pass '{name}' is not one hexopt has"
    new_name, option_map = PASS_MAP[name]
    out_opts = [f"{k}={v}" for k, v in FIXED_OPTIONS.get(name, {}).items()]
    for k, v in re.findall(r"([\w-]+)(?:=([^ }]*))?", opts[1:-1] if opts.startswith("{") else ""):
        target = option_map.get(k)
        value = v or "true"
        if isinstance(target, dict) and value in target:
            out_opts.append(target[value])
        elif isinstance(target, str):
            out_opts.append(f"{target}={value}")
        else:
            gaps.append(f"{name} option {k}={value} has no hexopt equivalent")
    return new_name + (f"{{{' '.join(out_opts)}}}" if out_opts else ""), ""


def _linalg_to_llvm(opts: str, run: RunLine) -> Stage | None:
    sets = dict(LINALG_TO_LLVM_DEFAULTS)
    for k, v in re.findall(r"([\w-]+)=([\w,]+)", opts):
        if k in ABSENT_FEATURES:
            if v != "false":
                run.unclaimed = f"linalg-to-llvm option {k}={v}: hexopt has no such feature"
                return None
            continue
        m = LINALG_TO_LLVM.get(k)
        if m is None or v not in m[1]:
            run.unclaimed = f"linalg-to-llvm option {k}={v} has no hexopt equivalent"
            return None
        sets[m[0]] = m[1][v]
    return Stage("opt", "hexagon", sets)


def parse_run(file: str, index: int, text: str) -> RunLine:
    run = RunLine(file, index, text)
    commands = [c.strip() for c in re.split(r"\|(?![^']*'\))", text)]
    for cmd in commands:
        words = shlex.split(cmd)
        if not words:
            continue
        tool, args = words[0], words[1:]
        if tool == "not":
            run.unclaimed = "expects the tool to fail"
            return run
        if tool == "linalg-hexagon-opt":
            split = "-split-input-file" in args or "--split-input-file" in args
            passes: list[str] = []
            stage: Stage | None = None
            for a in args:
                a = a.lstrip("-") if a.startswith("-") else a
                if a in ("%s", "split-input-file") or a.startswith("verify-diagnostics"):
                    if a.startswith("verify-diagnostics"):
                        run.unclaimed = "a diagnostics test (-verify-diagnostics)"
                        return run
                    continue
                if a.startswith("pass-pipeline="):
                    text_p = a.split("=", 1)[1]
                    mapped = [_map_pass(n, o, run.gaps) for n, o in _split_pipeline_text(text_p)]
                    for _, why in mapped:
                        if why:
                            run.unclaimed = why
                            return run
                    passes += [t for t, _ in mapped]
                    run.group = run.group or _group_of(text_p)
                    continue
                name, _, value = a.partition("=")
                if name == "linalg-to-llvm":
                    stage = _linalg_to_llvm(value, run)
                    run.group = "linalg-to-llvm"
                    if stage is None:
                        return run
                    continue
                text_p, why = _map_pass(name, f"{{{value}}}" if value else "", run.gaps)
                if why:
                    run.unclaimed = why
                    return run
                run.group = run.group or (name if name in PASS_MAP else "")
                passes.append(text_p)
            if stage is not None:
                if passes:
                    run.unclaimed = "linalg-to-llvm mixed with other passes"
                    return run
                stage.split = split
                run.stages.append(stage)
            else:
                if len(passes) == 1 and passes[0].startswith("builtin.module("):
                    pipeline = passes[0]
                else:
                    pipeline = f"builtin.module({','.join(passes)})"
                run.stages.append(Stage("opt", pipeline, split=split))
        elif tool == "linalg-hexagon-translate":
            if any(a.startswith("--enable-hvx-inlining") for a in args):
                run.unclaimed = "translate option --enable-hvx-inlining has no hexopt equivalent"
                return run
            run.stages.append(Stage("translate"))
        elif tool == "FileCheck":
            prefixes: list[str] = []
            i = 0
            while i < len(args):
                a = args[i]
                m = re.match(r"^--?check-prefix(?:es)?(?:=(.*))?$", a)
                if m:
                    value = m.group(1) if m.group(1) is not None else args[i + 1]
                    i += 0 if m.group(1) is not None else 1
                    prefixes += [p for p in value.split(",") if p]
                i += 1
            run.prefixes = prefixes or ["CHECK"]
        else:
            run.unclaimed = f"tool '{tool}' is not one hexopt replaces"
            return run
    if not run.group:
        run.unclaimed = "tests upstream passes only (or none)"
    return run


def _group_of(pipeline_text: str) -> str:
    for name in re.findall(r"[\w.-]+", pipeline_text):
        if name in PASS_MAP:
            return name
    return ""


# --- running --------------------------------------------------------------------------------------


def _chunks(text: str, split: bool) -> list[str]:
    if not split:
        return [text]
    return re.split(r"^// -----.*$", text, flags=re.M)


def _hexopt(args: list[str], stdin: str, timeout: float) -> tuple[int, str, str]:
    try:
        p = subprocess.run(
            [sys.executable, "-m", "hexopt", *args], input=stdin, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout:.0f} s"
    return p.returncode, p.stdout, p.stderr


def _first_error(stderr: str) -> str:
    for line in stderr.splitlines():
        if "error" in line:
            return line.strip()[:300]
    return (stderr.strip().splitlines() or ["(no message)"])[-1][:300]


def _run_stages(run: RunLine, path: Path, stages: list[Stage], timeout: float) -> tuple[str | None, str]:
    """hexopt's output of the RUN line's stages on the file, or (None, why it failed)."""
    text: str = path.read_text()
    with tempfile.TemporaryDirectory(prefix="hexopt-parity-") as d:
        repro = os.path.join(d, "repro")
        for stage in stages:
            if stage.kind == "opt":
                outs = []
                for i, chunk in enumerate(_chunks(text, stage.split)):
                    if stage.pipeline.startswith("builtin.module("):
                        args = ["run", "-p", stage.pipeline, "-", "--repro-dir", repro]
                    else:
                        args = ["run", stage.pipeline, "-", "--repro-dir", repro]
                        for k, v in stage.sets.items():
                            args += ["--set", f"{k}={v}"]
                    code, out, err = _hexopt(args, chunk, timeout)
                    if code != 0:
                        return None, f"hexopt failed on chunk {i}: {_first_error(err)}"
                    outs.append(out)
                text = "\n// -----\n".join(outs)
            else:
                code, out, err = _hexopt(["translate", "-", "--emit", "llvm"], text, timeout)
                if code != 0:
                    return None, f"hexopt translate failed: {_first_error(err)}"
                text = out
    return text, ""


def _filecheck(run: RunLine, path: Path, text: str, timeout: float) -> str:
    """'' when the file's CHECK lines (the RUN line's prefixes) match `text`, else filecheck's first error."""
    cmd = [str(Path(sys.executable).parent / "filecheck"), str(path), f"--check-prefixes={','.join(run.prefixes)}"]
    p = subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=timeout)
    if p.returncode == 0:
        return ""
    msg = [ln for ln in (p.stderr or p.stdout).splitlines() if "error" in ln]
    return ("filecheck: " + (msg[0] if msg else p.stderr.strip()[:200]))[:400]


def _variant_stages(run: RunLine, variant: dict[str, Any]) -> list[Stage]:
    stages = []
    for stage in run.stages:
        if stage.kind == "opt" and "sets" in variant and not stage.pipeline.startswith("builtin.module("):
            stage = replace(stage, sets={**stage.sets, **variant["sets"]})
        elif stage.kind == "opt" and "pipeline" in variant:
            stage = replace(stage, pipeline=variant["pipeline"])
        stages.append(stage)
    return stages


def execute(run: RunLine, corpus: Path, timeout: float, keep: Path | None = None) -> RunLine:
    if run.unclaimed:
        run.result = "unclaimed"
        return run
    path = corpus / run.file
    text, why = _run_stages(run, path, run.stages, timeout)
    if text is not None and keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / f"{run.file}.run{run.index}.out").write_text(text)
    error = why or _filecheck(run, path, text or "", timeout)
    if not error:
        run.result = "pass"
        return run
    run.detail = "; ".join([error, *run.gaps])
    known = DIFFERENCES.get(f"{run.file}#{run.index}")
    if known is None:
        run.result = "fail"
        return run
    run.difference, variant = known
    if variant is None:
        run.result = "diff"
        return run
    text, why = _run_stages(run, path, _variant_stages(run, variant), timeout)
    error = why or _filecheck(run, path, text or "", timeout)
    setting = " ".join(f"--set {k}={v}" for k, v in variant.get("sets", {}).items()) or variant.get("pipeline", "")
    if error:
        run.result, run.detail = "fail", f"documented as closed by [{setting}], but that fails too: {error}"
    else:
        run.result, run.detail = "variant", f"passes with {setting}"
    return run


def collect(corpus: Path, filt: str = "") -> list[RunLine]:
    runs = []
    for f in sorted(corpus.glob("*.mlir")):
        if filt and filt not in f.name:
            continue
        source = f.read_text()
        foreign = [d for d in FOREIGN_DIALECTS if re.search(r"(^|[\s=])" + re.escape(d) + r"[a-z]", source, re.M)]
        for i, text in enumerate(run_lines(f)):
            run = parse_run(f.name, i, text)
            if foreign and not run.unclaimed:
                run.unclaimed = f"the input uses the {foreign[0].rstrip('.')} dialect, which hexopt does not have"
            runs.append(run)
    return runs


RESULTS = ("pass", "variant", "diff", "fail")


def summarize(runs: list[RunLine]) -> dict[str, dict[str, int]]:
    groups: dict[str, dict[str, int]] = {}
    for r in runs:
        if r.result == "unclaimed":
            continue
        g = groups.setdefault(r.group, dict.fromkeys(RESULTS, 0))
        g[r.result] += 1
    return groups


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=None, help="the reference's lit files (hexagon-mlir/)")
    ap.add_argument("--filter", default="", help="only files whose name contains this")
    ap.add_argument("--json", type=Path, help="write every RUN line's result as JSON")
    ap.add_argument("--keep", type=Path, help="write hexopt's output of every claimed RUN line here")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("-v", "--verbose", action="store_true", help="also list unclaimed RUN lines")
    args = ap.parse_args(argv)
    args.corpus = args.corpus or default_corpus()
    if not args.corpus.is_dir() or not any(args.corpus.glob("*.mlir")):
        print(f"reference_lit_parity: skipped: no reference lit files in {args.corpus} (the corpus is absent)")
        return 2
    runs = collect(args.corpus, args.filter)
    with cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        runs = list(pool.map(lambda r: execute(r, args.corpus, args.timeout, args.keep), runs))
    for r in runs:
        if r.result == "unclaimed" and not args.verbose:
            continue
        where = f"{r.file} RUN#{r.index}"
        note = r.detail or r.unclaimed
        if r.difference:
            note = f"({r.difference}) {note}"
        print(f"{r.result.upper():9} {where:62} [{r.group}] {note}")
    claimed = [r for r in runs if r.result != "unclaimed"]
    counts = {k: sum(r.result == k for r in claimed) for k in RESULTS}
    print()
    print(f"{'reference pass':36} " + " ".join(f"{k:>7}" for k in RESULTS))
    for g, c in sorted(summarize(runs).items()):
        print(f"{g:36} " + " ".join(f"{c[k]:7}" for k in RESULTS))
    print(
        f"claimed RUN lines: {len(claimed)}: {counts['pass']} pass with the original CHECK lines, "
        f"{counts['variant']} pass with hexopt's equivalent setting (documented), {counts['diff']} documented "
        f"differences, {counts['fail']} undocumented failures; unclaimed: {len(runs) - len(claimed)} (-v lists them)"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"counts": counts, "claimed": len(claimed), "runs": [asdict(r) for r in runs]}, indent=1) + "\n"
        )
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
