"""`hexopt bench`: run any triton-shared kernel on the host JIT or under qemu-hexagon, check it, time it.

For a kernel hexopt knows (hexopt.kernels: chosen with `--kernel` or by its function's name) the
inputs, the grid and the reference come from the kernel. For any other kernel:
- arguments follow the signature; an array's shape is `--arg I=SHAPExDTYPE` (e.g. `1=1024xf32`),
  else a 1-D array as long as the extent analysis says the kernel reaches; scalars are `--arg I=VALUE`;
- inputs are random (seeded) or `--input I=FILE.npy`; outputs (the arguments the kernel writes) are
  checked against `--reference I=FILE.npy`, else against an independent lowering of the same input
  (the `baseline` pipeline on the host JIT).
Before running, the extent analysis (hexopt.runner.extents) checks that every access of the kernel
stays inside the buffers it is given for this grid; buffers also sit against guard pages, so an access
the analysis could not see stops the run with a clear error instead of corrupting memory.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hexopt.child import run_guarded
from hexopt.errors import CrashError, RunError, UsageError
from hexopt.kernels import Kernel, Tolerance, get_kernel, kernel_for_entry, tolerance_for

from . import abi

_DTYPES = {
    "f32": np.float32,
    "f16": np.float16,
    "f64": np.float64,
    "i8": np.int8,
    "i16": np.int16,
    "i32": np.int32,
    "i64": np.int64,
    "i1": np.bool_,
}


@dataclass
class BenchRequest:
    input: str
    target: str = "hexagon"
    pipeline: str | None = None
    sets: dict[str, str] = field(default_factory=dict)
    kernel: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    grid: tuple[int, ...] | None = None
    args: dict[int, str] = field(default_factory=dict)
    inputs: dict[int, str] = field(default_factory=dict)
    references: dict[int, str] = field(default_factory=dict)
    #: --tolerance: rtol and atol per output argument (key -1: every output)
    tolerances: dict[int, Tolerance] = field(default_factory=dict)
    check: str = "auto"  # auto | baseline | none
    iterations: int | None = None
    seed: int = 0
    threads: int | None = None
    arch: str | None = None
    keep: str | None = None
    #: --report: an HTML report of the target build's stages with the run's figures (None: $HEXOPT_REPORT)
    report: str | None = None


@dataclass
class BenchResult:
    name: str
    passed: bool
    perf_us: float | None
    max_errors: dict[int, float]
    notes: list[str]
    #: the cycle model's figures of the HVX build (hexopt.backend.cycles), with --target hexagon
    hexagon_estimate: dict[str, Any] | None = None
    #: the tolerance each checked output was held to, and whether it met it
    verdicts: dict[int, tuple[Tolerance, bool]] = field(default_factory=dict)

    def verdict(self, i: int) -> str:
        """` (rtol R, atol A: ok|FAIL)` for checked output `i`, else empty."""
        if i not in self.verdicts:
            return ""
        tol, ok = self.verdicts[i]
        return f" (rtol {tol.rtol:g}, atol {tol.atol:g}: {'ok' if ok else 'FAIL'})"

    @property
    def test_info(self) -> str:
        return abi.test_info(self.name, self.passed, self.perf_us)


def is_lowered(text: str) -> bool:
    return "llvm.func" in text and "func.func" not in text


def _parse_grid(text: str) -> tuple[int, ...]:
    try:
        grid = tuple(int(x) for x in re.split(r"[,x ]+", text.strip()) if x)
    except ValueError:
        raise UsageError(f"--grid: '{text}' is not 1 to 3 positive ints (e.g. 4 or 4,2)") from None
    if not 1 <= len(grid) <= 3 or any(g < 1 for g in grid):
        raise UsageError(f"--grid: '{text}' is not 1 to 3 positive ints (e.g. 4 or 4,2)")
    return grid


def _index_map(values: dict[str, str], option: str) -> dict[int, str]:
    out = {}
    for k, v in values.items():
        try:
            out[int(k)] = v
        except ValueError:
            raise UsageError(f"{option}: '{k}' is not an argument index (0 is the kernel's first argument)") from None
    return out


def _load_npy(path: str, option: str) -> np.ndarray:
    try:
        return np.asarray(np.load(path, allow_pickle=False))
    except (OSError, ValueError, EOFError) as e:
        raise UsageError(f"{option}={path}: not a readable .npy file ({e})") from None


def parse_tolerances(values: tuple[str, ...]) -> dict[int, Tolerance]:
    """--tolerance [I=]RTOL,ATOL: {argument index (-1 for every output): Tolerance}."""
    out: dict[int, Tolerance] = {}
    for text in values:
        key, _, value = text.rpartition("=")
        try:
            index = int(key) if key else -1
            rtol, atol = (float(x) for x in value.split(","))
        except ValueError:
            raise UsageError(f"--tolerance: '{text}' is not [I=]RTOL,ATOL (e.g. 1e-5,1e-5 or 1=1e-3,1e-3)") from None
        if index < -1 or not (rtol >= 0 and atol >= 0):
            raise UsageError(f"--tolerance: '{text}': the index and both tolerances must be >= 0")
        out[index] = Tolerance(rtol, atol)
    return out


def _scalar_value(text: str, type_: str, index: int) -> int | float:
    """The value of scalar argument `index` of MLIR type `type_` (f16/f32/f64: a float; else an int)."""
    if type_ in ("f16", "bf16", "f32", "f64"):
        try:
            return float(text)
        except ValueError:
            raise UsageError(f"--arg {index}: '{text}' is not a number (argument {index} is {type_})") from None
    try:
        return int(text, 0)
    except ValueError:
        raise UsageError(f"--arg {index}: '{text}' is not an integer (argument {index} is {type_})") from None


def _array_spec(text: str, default_dtype: str) -> tuple[tuple[int, ...], str]:
    """'1x1024xf32' -> ((1, 1024), 'f32'); '1024' -> ((1024,), default)."""
    parts = text.lower().split("x")
    dtype = default_dtype
    if parts and parts[-1] in _DTYPES:
        dtype = parts.pop()
    try:
        shape = tuple(int(p) for p in parts)
    except ValueError:
        raise UsageError(f"--arg: '{text}' is not SHAPExDTYPE (e.g. 1x1024x64xf32)") from None
    if not shape or any(d < 0 for d in shape):
        raise UsageError(f"--arg: '{text}' is not SHAPExDTYPE (e.g. 1x1024x64xf32)")
    return shape, dtype


def _random(shape: tuple[int, ...], dtype: str, rng: np.random.Generator) -> np.ndarray:
    dt = np.dtype(_DTYPES[dtype])
    if dt.kind == "f":
        return rng.random(shape).astype(dt)
    if dt.kind == "b":
        return rng.random(shape) < 0.5
    return rng.integers(-8, 8, shape).astype(dt)


def _signature(
    text: str, source: str, grid: tuple[int, ...] | None, scalars: dict[int, int | float], entry: str | None
) -> dict[str, Any]:
    g = abi.normalize_grid(grid) if grid else None
    run = run_guarded(
        "extents",
        {
            "text": text,
            "source_name": source,
            "grid": list(g) if g else None,
            "scalars": {str(k): v for k, v in scalars.items()},
            "entry": entry,
        },
    )
    return run.result()


def _check_extents(accesses: list[dict[str, Any]], args: list[Any], grid: tuple[int, ...], notes: list[str]) -> None:
    for a in accesses:
        i = a["index"]
        if a["unknown"]:
            notes.append(f"argument {i}: not checked statically ({a['unknown']}); guard pages catch stray accesses")
            continue
        if a["hi"] is None:
            continue
        have = int(np.asarray(args[i]).size)
        if a["lo"] < 0 or a["hi"] > have:
            what = "reads and writes" if a["read"] and a["written"] else "writes" if a["written"] else "reads"
            raise RunError(
                f"argument {i}: for grid {grid} the kernel {what} elements [{a['lo']}, {a['hi']}) but "
                f"the buffer has {have} ({'x'.join(map(str, np.shape(args[i])))} "
                f"{np.asarray(args[i]).dtype}): the kernel was compiled for another problem size or grid",
                hint="pass the shapes and grid the kernel was built for (--param/--arg/--grid), or "
                "regenerate the kernel for this problem size",
            )


def _host_run(
    llvm: str,
    args: list[Any],
    grid: tuple[int, ...],
    outputs: list[int],
    iterations: int,
    entry: str | None,
    work: Path,
) -> tuple[dict[int, np.ndarray], list[float]]:
    spec = []
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            path = work / f"arg{i}.npy"
            np.save(path, a)
            spec.append({"npy": str(path)})
        else:
            spec.append({"scalar": a})
    run = run_guarded(
        "run-host",
        {
            "llvm": llvm,
            "entry": entry,
            "args": spec,
            "grid": list(grid),
            "outputs": outputs,
            "out_dir": str(work),
            "iterations": iterations,
        },
    )
    error = run.error()
    if isinstance(error, CrashError) and run.returncode in (-11, -7):
        raise RunError(
            "the kernel accessed memory outside its arguments on the host (SIGSEGV at a guard page): "
            "its problem size or grid does not match the buffers it was given"
        )
    if error is not None:
        raise error
    done = run.result()
    return {i: np.load(work / f"out{i}.npy") for i in outputs}, done["times_us"]


def run_bench(req: BenchRequest, log: Any = None) -> BenchResult:
    """Build, run and check one kernel as `req` says; `log(line)` gets the human-readable notes. With a
    report (--report or $HEXOPT_REPORT), the target build's stages are recorded and the summary gets the
    run's figures (checks, time, the cycle model's estimate)."""
    from hexopt.report import report_path, report_run

    if report_path(req.report) is None:
        return _run_bench(req, log, None)
    text = Path(req.input).read_text()
    if is_lowered(text):
        raise UsageError("--report shows the stages of a Linalg input's build; this input is already lowered")
    from hexopt.lowering import lower
    from hexopt.pipeline import load_pipeline

    p = load_pipeline(req.pipeline or req.target, req.sets)
    with report_run(
        req.report, specs=p.passes, input_name=req.input, pipeline_name=p.name, input_text=text, target=req.target
    ) as rep:

        def build(source: str) -> str:
            return lower(source, p.passes, source_name=req.input, dump_dir=rep.dump_dir).text

        result = _run_bench(req, log, build)
        rep.backend.update(bench_figures(result, req.target))
    return result


def bench_figures(result: BenchResult, target: str) -> dict[str, str]:
    """The report summary's lines for a bench run."""
    where = "host JIT" if target == "host" else "qemu-hexagon (HVX float off)"
    figures = {"bench": f"{result.name} on the {where}: {'Pass' if result.passed else 'Fail'}"}
    if result.perf_us is not None:
        figures["time per grid run"] = f"{result.perf_us:.2f} us"
    for i, err in sorted(result.max_errors.items()):
        if i in result.verdicts:
            figures[f"argument {i}"] = f"max abs error {err:.3g}{result.verdict(i)}"
    est = result.hexagon_estimate
    if est:
        figures["Hexagon packets per grid run (cycle model)"] = f"{est['packets_per_grid_run']:,.0f}"
    return figures


@dataclass
class BenchSetup:
    """What a bench run works on: the kernel's arguments, which of them it writes, how each is checked.

    `prepare_bench(req)` makes one (the arguments of a run as `hexopt bench` would give them); `refs` then holds
    the known kernel's and the user's references, `text` the input and `notes` what the extent check said."""

    entry: str | None
    name: str
    grid: tuple[int, ...]
    args: list[Any]
    outputs: list[int]
    tolerances: dict[int, Tolerance]
    refs: dict[int, np.ndarray] = field(default_factory=dict)
    kernel: Kernel | None = None
    problem: Any = None
    text: str = ""
    lowered: bool = False
    notes: list[str] = field(default_factory=list)


def _known_kernel_setup(req: BenchRequest, kernel: Kernel, entry: str | None, n_params: int, rng: Any) -> BenchSetup:
    """A kernel of hexopt/kernels: its inputs, grid, outputs and tolerance."""
    problem = kernel.problem(req.params)
    args = kernel.inputs(problem, rng)
    if len(args) != n_params:
        raise RunError(
            f"@{entry} takes {n_params} arguments, kernel '{kernel.name}' gives {len(args)}: "
            f"is the input the '{kernel.name}' kernel?"
        )
    outputs = list(kernel.outputs)
    grid = tuple(req.grid or kernel.grid(problem))
    tolerances = {i: kernel.tolerance for i in outputs}
    return BenchSetup(entry, kernel.entry, grid, args, outputs, tolerances, kernel=kernel, problem=problem)


def _generic_setup(
    req: BenchRequest, text: str, lowered: bool, entry: str | None, params: list[dict[str, str]], rng: Any
) -> BenchSetup:
    """Any other kernel: scalars from --arg, arrays sized by the extent analysis (or --arg/--input), the
    arrays it writes are its outputs."""
    if req.params:
        raise UsageError("--param needs a known kernel (--kernel NAME); use --arg for other kernels")
    grid = tuple(req.grid or (1,))
    setup = BenchSetup(entry, entry or "kernel", grid, [], [], {})
    scalars: dict[int, int | float] = {}
    for i, p in enumerate(params):
        if p["kind"] == "scalar":
            if i not in req.args:
                raise UsageError(
                    f"argument {i} of @{entry} is a scalar {p['type']}: give its value with --arg {i}=VALUE"
                )
            scalars[i] = _scalar_value(req.args[i], p["type"], i)
    accesses = {} if lowered else {a["index"]: a for a in _signature(text, req.input, grid, scalars, entry)["args"]}
    for i, p in enumerate(params):
        if p["kind"] == "scalar":
            setup.args.append(scalars[i])
            continue
        access = accesses.get(i)
        dtype = p["type"] if p["type"] in _DTYPES else "f32"
        if i in req.inputs:
            arr = _load_npy(req.inputs[i], f"--input {i}")
        else:
            if i in req.args:
                shape, dtype = _array_spec(req.args[i], dtype)
            elif access and not access["unknown"] and access["hi"] is not None:
                shape = (int(access["hi"]),)
            else:
                why = access["unknown"] if access and access["unknown"] else "the input is lowered"
                raise UsageError(f"cannot tell the size of argument {i} ({why}): give it with --arg {i}=SHAPExDTYPE")
            written = bool(access and access["written"]) or lowered
            only_written = written and not (access and access["read"])
            arr = np.zeros(shape, _DTYPES[dtype]) if only_written else _random(shape, dtype, rng)
        setup.args.append(np.ascontiguousarray(arr))
        if (access and access["written"]) or (lowered and i not in req.inputs):
            setup.outputs.append(i)
            setup.tolerances[i] = tolerance_for(setup.args[i].dtype)
    return setup


def _apply_user_checks(req: BenchRequest, setup: BenchSetup) -> None:
    """--reference and --tolerance: each names an output of the right size (usage errors before any run)."""
    for i, path in req.references.items():
        ref = _load_npy(path, f"--reference {i}")
        if i not in setup.outputs:
            raise UsageError(f"--reference {i}={path}: argument {i} is not an output the kernel writes")
        have = np.asarray(setup.args[i])
        if ref.size != have.size:
            raise UsageError(
                f"--reference {i}={path}: {ref.size} elements {ref.shape}, "
                f"but argument {i} has {have.size} {have.shape}"
            )
        setup.refs[i] = ref
    for i in req.tolerances:
        if i >= 0 and i not in setup.outputs:
            raise UsageError(f"--tolerance {i}=...: argument {i} is not an output the kernel writes")
    for i in setup.outputs:
        given = req.tolerances.get(i, req.tolerances.get(-1))
        if given is not None:
            setup.tolerances[i] = given


def _compare(
    setup: BenchSetup, refs: dict[int, np.ndarray], got: dict[int, np.ndarray]
) -> tuple[dict[int, float], dict[int, tuple[Tolerance, bool]]]:
    """Max abs error and verdict of each output that has a reference (NaN/inf in a float output fails)."""
    errors, verdicts = {}, {}
    for i in setup.outputs:
        if i not in refs:
            continue
        want = np.asarray(refs[i]).reshape(got[i].shape)
        have = got[i].astype(np.float64) if got[i].dtype.kind in "fc" else got[i]
        errors[i] = float(np.max(np.abs(have - want))) if have.size else 0.0
        tolerance = setup.tolerances.get(i, Tolerance(1e-5, 1e-8))
        finite = bool(np.isfinite(have).all()) if have.dtype.kind == "f" else True
        verdicts[i] = (tolerance, tolerance.check(got[i], want) and finite)
    return errors, verdicts


def prepare_bench(req: BenchRequest) -> BenchSetup:
    """The arguments, grid, outputs, tolerances and references of the run `req` describes, as `hexopt bench`
    sets them up: a known kernel's inputs, else arrays sized by the extent analysis (random, seeded by
    `req.seed`), scalars from `req.args`; the extents are checked against the buffers. Nothing is run."""
    text = Path(req.input).read_text()
    lowered = is_lowered(text)
    params: list[dict[str, str]]
    if lowered:
        sig = abi.parse_signature(text)
        entry: str | None = sig.name
        params = [{"kind": p.kind, "type": "f32" if p.kind == "memref" else p.type} for p in sig.params]
    else:
        info = _signature(text, req.input, None, {}, None)
        entry, params = info["entry"], info["params"]
    kernel = get_kernel(req.kernel) if req.kernel else kernel_for_entry(entry or "")
    rng = np.random.default_rng(req.seed)
    if kernel is not None:
        setup = _known_kernel_setup(req, kernel, entry, len(params), rng)
    else:
        setup = _generic_setup(req, text, lowered, entry, params, rng)
    setup.text, setup.lowered = text, lowered
    _apply_user_checks(req, setup)
    if not lowered:
        scalars = {i: a for i, a in enumerate(setup.args) if not isinstance(a, np.ndarray)}
        _check_extents(
            _signature(text, req.input, setup.grid, scalars, entry)["args"], setup.args, setup.grid, setup.notes
        )
    if kernel is not None:
        inputs = [a.copy() if isinstance(a, np.ndarray) else a for a in setup.args]
        setup.refs = {**kernel.reference(setup.problem, inputs), **setup.refs}  # --reference overrides the kernel's
    return setup


def _run_bench(req: BenchRequest, log: Any, build: Any) -> BenchResult:
    from hexopt.lowering import lower

    def say(line: str) -> None:
        if log:
            log(line)

    setup = prepare_bench(req)
    text, lowered, notes, kernel, entry = setup.text, setup.lowered, setup.notes, setup.kernel, setup.entry
    args, grid, outputs = setup.args, setup.grid, setup.outputs
    inputs = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    refs = dict(setup.refs)
    estimate = None
    with tempfile.TemporaryDirectory(prefix="hexopt-bench-") as tmp:
        work = Path(req.keep) if req.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if lowered:
            llvm = text
        elif build is not None:
            llvm = build(text)
        else:
            llvm = lower(text, req.pipeline or req.target, req.sets, source_name=req.input).text
        if req.keep:
            (work / "kernel.llvm.mlir").write_text(llvm)
        if req.check != "none" and not refs and kernel is None:
            if lowered:
                raise UsageError(
                    "a lowered input has no independent lowering to check against: give --reference "
                    "I=FILE.npy for its outputs, or --check none"
                )
            say("hexopt: checking against the baseline pipeline (an independent lowering) on the host")
            base = lower(text, "baseline", source_name=req.input).text
            refs, _ = _host_run(
                base, [a.copy() if isinstance(a, np.ndarray) else a for a in inputs], grid, outputs, 0, entry, work
            )
        if req.target == "host":
            got, times = _host_run(llvm, args, grid, outputs, req.iterations or 10, entry, work)
            perf = sum(times) / len(times) if times else None
        else:
            got, perf = _qemu_run(llvm, args, grid, outputs, req, work, say)
            estimate = _cycle_estimate(llvm, grid, req, say)
    errors, verdicts = _compare(setup, refs, got)
    if req.check != "none" and not errors:
        raise RunError(
            "nothing was checked: the kernel writes no argument the analysis could see "
            "(give --reference I=FILE.npy, or --check none)"
        )
    for n in notes:
        say(f"hexopt: note: {n}")
    passed = all(ok for _, ok in verdicts.values())
    hexagon = estimate if req.target == "hexagon" else None
    return BenchResult(setup.name, passed, perf, errors, notes, hexagon, verdicts)


def _cycle_estimate(llvm: str, grid: tuple[int, ...], req: BenchRequest, say: Any) -> dict[str, Any] | None:
    """The cycle model's estimate of the HVX build (which qemu cannot run), or None with a note why."""
    from hexopt.backend.cycles import estimate
    from hexopt.backend.translate import TargetOptions, translate_guarded
    from hexopt.errors import HexoptError

    options = TargetOptions(arch=req.arch).resolve()
    threads = req.threads or 4
    try:
        asm = translate_guarded(options, "asm", text=llvm).decode()
        est = estimate(asm, grid=int(np.prod(grid)), threads=threads, arch=options.arch or "v73")
    except HexoptError as e:
        say(f"hexopt: note: no cycle estimate of the HVX build: {e.message}")
        return None
    ratio = est.roofline_ratio
    say(
        f"hexopt: Hexagon {options.arch} HVX build (cycle model, hexopt analyze): "
        f"{est.packets_per_grid_run:,.0f} packets per grid run ({est.own_packets_per_grid_run:,.0f} own code); "
        f"busiest thread with {threads} HVX contexts: {est.packets_per_thread(threads):,.0f}"
        + (f"; {ratio:.2f}x the HVX roofline" if ratio else "")
    )
    return est.to_json()


def _qemu_run(
    llvm: str, args: list[Any], grid: tuple[int, ...], outputs: list[int], req: BenchRequest, work: Path, say: Any
) -> tuple[dict[int, np.ndarray], float | None]:
    from hexopt.backend.translate import TargetOptions, translate_guarded

    from . import hexagon

    options = TargetOptions(arch=req.arch, hvx_float=False).resolve()
    obj = work / "kernel.o"
    obj.write_bytes(translate_guarded(options, "obj", text=llvm))
    sig = abi.parse_signature(llvm)
    exe = hexagon.build_executable(obj, sig, work / f"{sig.name}.elf", arch=options.arch or "v73")
    res = hexagon.run_qemu(
        exe, args, grid=grid, iterations=req.iterations or 1, name=sig.name, outputs=outputs, threads=req.threads
    )
    say(
        f"hexopt: qemu-hexagon -cpu {hexagon.QEMU_CPU}: {res.seconds:.1f} s emulator wall time; "
        f"{res.stdout.splitlines()[0]}"
    )
    perf = float(res.info["avg_us"]) if "avg_us" in res.info else None
    return res.outputs, perf


def print_result(result: BenchResult) -> None:
    for i, err in sorted(result.max_errors.items()):
        print(f"hexopt: argument {i}: max_abs_err={err:.3g}{result.verdict(i)}", file=sys.stderr)
    print(result.test_info)
    sys.stdout.flush()
