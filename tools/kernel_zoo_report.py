"""The kernel zoo's table: each zoo kernel through `hexopt run hexagon` + `translate --emit asm` (v73),
its static HVX figures, the cycle model's estimate, and its numerics on the host and under qemu.

    python tools/kernel_zoo_report.py                      # static figures only (about 5 minutes)
    python tools/kernel_zoo_report.py --numerics           # + hexopt bench --target host and hexagon
    python tools/kernel_zoo_report.py --json out.json      # also the raw figures
    python tools/kernel_zoo_report.py softmax_f16 sum      # only these kernels
    python tools/kernel_zoo_report.py --numerics-from out.json   # static figures again, numerics of a saved run

The kernels are the stored Linalg of test/mlir/zoo/ (tools/gen_kernel_zoo.py regenerates it) and their runs
(grid, scalar arguments) from test/mlir/zoo/zoo.json. Every figure comes from the CLI a user has:
- lowers: `hexopt run hexagon` succeeds and leaves only `llvm.*` ops;
- HVX instructions: static count in the v73 assembly (instructions naming a vector/predicate register or vmem);
- scalar float: scalar `sf*` arithmetic instructions (sfmpy, sfadd, sffma, sfrecipa, ...): scalarized vector
  math shows up here (the counts include the scalar ops a kernel really has, e.g. a row's final sum);
- libm / conversion calls: calls to libm functions and to `__extendhfsf2`/`__truncsfhf2`/`__truncdfhf2`;
- packets: `hexopt analyze --grid G` (cycle model: packets of one grid run, all programs), the busiest thread's
  packets with 4 HVX contexts, and the ratio of the estimate to the HVX roofline (docs/cycle-model.md);
- max error: `hexopt bench --target host|hexagon` (against the baseline pipeline, or the seed's numpy
  reference for flash attention); qemu runs the HVX-float-off build.
Prints the Markdown table of the README's kernel zoo section.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ZOO = ROOT / "test" / "mlir" / "zoo"
HEXOPT = [sys.executable, "-m", "hexopt"]

#: libm functions LLVM calls for scalarized math (with and without the f suffix)
LIBM = {
    f"{n}{s}"
    for n in (
        "exp",
        "exp2",
        "expm1",
        "log",
        "log2",
        "log10",
        "log1p",
        "tanh",
        "erf",
        "sqrt",
        "sin",
        "cos",
        "tan",
        "atan",
        "atan2",
        "pow",
        "floor",
        "ceil",
        "round",
        "trunc",
        "fmod",
        "fmax",
        "fmin",
        "rint",
        "nearbyint",
    )
    for s in ("", "f")
}
CONVERSIONS = {"__extendhfsf2", "__truncsfhf2", "__truncdfhf2", "__extendbfsf2", "__truncsfbf2"}
_CALL = re.compile(r"\bcall\s+([\w.$@]+)")
_HVX = re.compile(r"\b(?:v\d+(?::\d+)?|vmemu?|q[0-3])\b")
_SCALAR_FLOAT = re.compile(r"\bsf(?:add|sub|mpy|fma|recipa|invsqrta|fixupn|fixupd|fixupr|max|min|cmp\.\w+)\b")


def load_zoo() -> dict[str, dict[str, Any]]:
    return json.loads((ZOO / "zoo.json").read_text())


def instructions(asm: str) -> list[str]:
    out = []
    for line in asm.splitlines():
        if not line.startswith(("\t", " ")):
            continue
        body = line.split("//")[0].strip().strip("{}").strip()
        if body and not body.startswith((".", "}")):
            out.append(body)
    return out


def asm_counts(asm: str) -> dict[str, Any]:
    insns = instructions(asm)
    calls = Counter(m.group(1) for i in insns for m in [_CALL.search(i)] if m)
    return {
        "instructions": len(insns),
        "hvx": sum(1 for i in insns if _HVX.search(i)),
        "scalar_float": sum(1 for i in insns if _SCALAR_FLOAT.search(i) and not _HVX.search(i)),
        "libm_calls": {c: n for c, n in calls.items() if c in LIBM},
        "conversion_calls": {c: n for c, n in calls.items() if c in CONVERSIONS},
        "calls": dict(calls),
    }


def _run(argv: list[str], timeout: int = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def static(name: str, spec: dict[str, Any], work: Path, sets: list[str]) -> dict[str, Any]:
    src = ZOO / f"{name}.mlir"
    lowered, asm = work / f"{name}.llvm.mlir", work / f"{name}.s"
    extra = [a for s in sets for a in ("--set", s)]
    run = _run(HEXOPT + ["run", "hexagon", str(src), "-o", str(lowered), *extra])
    if run.returncode != 0:
        return {"lowers": False, "error": run.stderr.strip().splitlines()[0] if run.stderr.strip() else "failed"}
    ops = set(re.findall(r"^\s*(?:%[\w:#, ]+ = )?\"?([a-z_]+\.[\w.]+)", lowered.read_text(), re.M))
    foreign = sorted(o for o in ops if not o.startswith(("llvm.", "module")))
    tr = _run(HEXOPT + ["translate", str(lowered), "--arch", "v73", "--emit", "asm", "-o", str(asm)])
    if tr.returncode != 0:
        return {"lowers": False, "error": tr.stderr.strip().splitlines()[0]}
    out: dict[str, Any] = {"lowers": not foreign, "non_llvm_ops": foreign, **asm_counts(asm.read_text())}
    grid = 1
    for g in spec["grid"]:
        grid *= g
    an = _run(HEXOPT + ["analyze", str(asm), "--grid", str(grid), "--json"])
    if an.returncode == 0:
        est = json.loads(an.stdout)
        out["packets"] = est.get("packets_per_grid_run")
        out["packets_per_thread"] = est.get("packets_per_thread")  # busiest of `threads` HVX contexts (4)
        out["roofline_ratio"] = (est.get("roofline") or {}).get("ratio")
    else:
        out["packets"] = None
        out["analyze_error"] = an.stderr.strip().splitlines()[0] if an.stderr.strip() else "failed"
    return out


def numerics(name: str, spec: dict[str, Any], target: str, sets: list[str]) -> dict[str, Any]:
    argv = HEXOPT + [
        "bench",
        str(ZOO / f"{name}.mlir"),
        "--target",
        target,
        "--iterations",
        "1",
        "--grid",
        ",".join(map(str, spec["grid"])),
    ]
    for i, v in spec["args"].items():
        argv += ["--arg", f"{i}={v}"]
    if "tolerance" in spec:
        argv += ["--tolerance", spec["tolerance"]]
    for s in sets:
        argv += ["--set", s]
    proc = _run(argv)
    errors = [float(m) for m in re.findall(r"max_abs_err=([-+0-9.e]+|nan|inf)", proc.stderr)]
    passed = "Result:Pass" in proc.stdout
    res: dict[str, Any] = {"passed": passed, "max_abs_err": max(errors) if errors else None}
    if not passed:
        tail = [ln for ln in proc.stderr.strip().splitlines() if "error" in ln] or proc.stderr.strip().splitlines()[-1:]
        res["error"] = tail[0] if tail else f"exit {proc.returncode}"
    return res


def _calls(d: dict[str, int]) -> str:
    return ", ".join(f"{c} x{n}" for c, n in sorted(d.items())) or "0"


def _err(r: dict[str, Any] | None) -> str:
    if r is None:
        return "-"
    if r["max_abs_err"] is None:
        return "fail" if not r["passed"] else "pass"
    return f"{r['max_abs_err']:.2g}" + ("" if r["passed"] else " (fail)")


def table(results: dict[str, dict[str, Any]], zoo: dict[str, dict[str, Any]]) -> str:
    rows = [
        "| kernel | kind | dtype | lowers | HVX instructions (v73) | scalar float | libm / conversion calls "
        "| packets per grid run (cycle model) | busiest thread, 4 HVX contexts | x HVX roofline "
        "| max error host | max error qemu |",
        "| --- | --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in results.items():
        s = r["static"]
        if not s.get("lowers") and "hvx" not in s:
            rows.append(
                f"| {name} | {zoo[name]['kind']} | {zoo[name]['dtype']} | no: {s.get('error', '')} "
                "| - | - | - | - | - | - | - | - |"
            )
            continue
        calls = _calls({**s["libm_calls"], **s["conversion_calls"]})
        packets = f"{s['packets']:,.0f}" if s.get("packets") is not None else "-"
        per_thread = f"{s['packets_per_thread']:,.0f}" if s.get("packets_per_thread") is not None else "-"
        ratio = f"{s['roofline_ratio']:.1f}" if s.get("roofline_ratio") else "-"
        rows.append(
            f"| {name} | {zoo[name]['kind']} | {zoo[name]['dtype']} | {'yes' if s['lowers'] else 'no'} "
            f"| {s['hvx']} | {s['scalar_float']} | {calls} | {packets} | {per_thread} | {ratio} "
            f"| {_err(r.get('host'))} | {_err(r.get('hexagon'))} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="zoo kernels (default: all)")
    parser.add_argument("--numerics", action="store_true", help="also run hexopt bench on the host and under qemu")
    parser.add_argument("--host-only", action="store_true", help="with --numerics: only the host")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="K=V",
        help="a pipeline option for every run (e.g. multi-threading=false)",
    )
    parser.add_argument("--json", metavar="FILE", help="write the raw figures here")
    parser.add_argument(
        "--numerics-from", metavar="FILE", help="take the host/qemu results of an earlier --json run instead of running"
    )
    args = parser.parse_args()
    zoo = load_zoo()
    names = args.names or list(zoo)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="hexopt-zoo-") as tmp:
        for name in names:
            spec = zoo[name]
            r: dict[str, Any] = {"static": static(name, spec, Path(tmp), args.sets)}
            if args.numerics_from:
                earlier = json.loads(Path(args.numerics_from).read_text()).get(name, {})
                r.update({t: earlier[t] for t in ("host", "hexagon") if t in earlier})
            elif args.numerics:
                for target in ["host"] + ([] if args.host_only else ["hexagon"]):
                    r[target] = numerics(name, spec, target, args.sets)
            results[name] = r
            print(f"{name}: {json.dumps(r)}", file=sys.stderr, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    print(table(results, zoo))


if __name__ == "__main__":
    main()
