"""Run a pipeline on a module in this process, one pass at a time (the worker's side of `lower`).

One loop runs the passes and owns verification, timing, IR printing and dumps. It runs inside the
worker process (hexopt.worker, started by hexopt.child.run_guarded) so that an abort inside the MLIR
bindings cannot take the user's session down; `hexopt.lowering` is the caller's side.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostic, parse_location
from .errors import HexoptError, InputError, PassError, PipelineError, UnsupportedError
from .passes import PassFailure, get_pass_class
from .pipeline import PassSpec, all_pass_names
from .pipeline.spec import error_at


@dataclass
class StageReport:
    index: int
    name: str
    seconds: float


@dataclass
class RunOptions:
    verify: bool = True
    print_ir_after_all: bool = False
    print_ir_after: tuple[str, ...] = ()
    dump_dir: str | None = None
    source_name: str = "-"
    on_start: Callable[[int, PassSpec], None] | None = None
    timings: list[StageReport] = field(default_factory=list)


def diagnostics_of(error: Any, source_name: str) -> list[Diagnostic]:
    """Plain Diagnostics from an MLIRError (locations "-" renamed to the input's name)."""
    out = []

    def convert(info: Any, severity: str | None = None) -> Diagnostic:
        file, line, col = parse_location(str(info.location))
        if file == "-":
            file = source_name
        sev = severity or str(info.severity).rsplit(".", 1)[-1].lower()
        message = info.message
        if "unregistered dialect" in message:  # MLIR suggests a flag of mlir-opt's that hexopt does not have
            what = (
                "type"
                if " type created " in message
                else "attribute"
                if " attribute created " in message
                else "operation"
            )
            message = f"{what} of a dialect hexopt does not know (none of its passes can handle it)"
        return Diagnostic(
            message,
            sev if sev in ("error", "warning", "note", "remark") else "error",
            file,
            line,
            col,
            [convert(n, "note") for n in info.notes],
        )

    for info in getattr(error, "error_diagnostics", []) or []:
        out.append(convert(info, "error"))
    if not out:
        out.append(Diagnostic(str(error)))
    return out


def parse_module(text: str, source_name: str = "-", verify: bool = True) -> Any:
    """Parse (and verify) MLIR text into a new ir.Module in the current Context; InputError on failure."""
    from .ir import ir

    try:
        module = ir.Module.parse(text)
    except ir.MLIRError as e:
        raise InputError(f"cannot parse {source_name}", diagnostics_of(e, source_name)) from None
    if verify:
        try:
            module.operation.verify()
        except ir.MLIRError as e:
            raise InputError(f"invalid input {source_name}", diagnostics_of(e, source_name)) from None
    return module


def _inject_faults(spec: PassSpec) -> None:
    """Test hooks, by pass name: HEXOPT_INJECT_FAULT raises a Python exception in the pass,
    HEXOPT_INJECT_ABORT aborts the process (as an assertion in the bindings does), HEXOPT_INJECT_HANG
    makes the pass sleep for a minute (to test interrupts)."""
    if os.environ.get("HEXOPT_INJECT_FAULT") == spec.name:
        raise RuntimeError(f"fault injected into '{spec.name}' by HEXOPT_INJECT_FAULT")
    if os.environ.get("HEXOPT_INJECT_ABORT") == spec.name:
        sys.stderr.flush()
        os.abort()
    if os.environ.get("HEXOPT_INJECT_HANG") == spec.name:
        time.sleep(60)


def run_pass(module: Any, spec: PassSpec, verify: bool = True, source_name: str = "-") -> None:
    """Run one pass (hexopt or upstream) on `module`; a PassError (or UnsupportedError) when it fails."""
    from .ir import ir, passmanager

    _inject_faults(spec)
    if spec.is_hexopt:
        try:
            get_pass_class(spec.name).from_options(spec.options).apply(module)
            if verify:
                module.operation.verify()
        except PassFailure as e:
            kind = UnsupportedError if e.unsupported else PassError
            if e.op is not None:
                file, line, col = parse_location(str(e.op.location))
                diag = Diagnostic(str(e), "error", source_name if file == "-" else file, line, col)
                raise kind(f"pass '{spec.name}' failed", [diag]) from None
            message = f"pass '{spec.name}' failed: {e}"
            where = spec.origin
            raise kind(
                message,
                [
                    Diagnostic(message, "error", where.file, where.line, where.col)
                    if where and where.line > 0
                    else Diagnostic(message)
                ],
            ) from None
        except ir.MLIRError as e:
            raise PassError(f"pass '{spec.name}' failed", diagnostics_of(e, source_name)) from None
        return
    try:
        pm = passmanager.PassManager.parse(spec.anchored_text(), context=module.context)
    except (ValueError, ir.MLIRError) as e:
        raise _pipeline_error(spec, str(e)) from None
    pm.enable_verifier(verify)
    try:
        pm.run(module.operation)
    except ir.MLIRError as e:
        raise PassError(f"pass '{spec.name}' failed", diagnostics_of(e, source_name)) from None


def _pipeline_error(spec: PassSpec, text: str) -> PipelineError:
    """The error of an upstream pass that PassManager.parse rejects (unknown name or bad options)."""
    from .options import did_you_mean

    first = text.strip().splitlines()[0] if text.strip() else "invalid pass"
    if "does not refer to a registered pass" in text:
        return error_at(spec.origin, f"unknown pass '{spec.name}'{did_you_mean(spec.name, all_pass_names())}")
    details = [ln.strip() for ln in text.strip().splitlines()[1:] if ln.strip()] or [first]
    return error_at(spec.origin, f"invalid options for pass '{spec.name}': {'; '.join(details)}")


def check_pipeline(specs: list[PassSpec], context: Any) -> None:
    """Reject unknown upstream passes and bad upstream options before anything runs."""
    from .ir import ir, passmanager

    for spec in specs:
        if spec.is_hexopt:
            continue
        try:
            passmanager.PassManager.parse(spec.anchored_text(), context=context)
        except (ValueError, ir.MLIRError) as e:
            raise _pipeline_error(spec, str(e)) from None


def _print_ir(module: Any, title: str) -> None:
    sys.stderr.write(f"// -----// IR Dump After {title} //----- //\n{module}\n\n")
    sys.stderr.flush()


def write_dump(path: str, text: str) -> None:
    """Write one stage file of a dump directory atomically, with a temp name no other run uses."""
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def prepare_dump_dir(dump_dir: str) -> None:
    """Create the dump directory and remove the stage files an earlier (longer) run left there."""
    if os.path.exists(dump_dir) and not os.path.isdir(dump_dir):
        raise InputError(f"--dump-dir {dump_dir}: not a directory")
    try:
        os.makedirs(dump_dir, exist_ok=True)
        for stale in glob.glob(os.path.join(glob.escape(dump_dir), "[0-9][0-9]-*.mlir")):
            with contextlib.suppress(FileNotFoundError):  # another run sharing the directory removed it first
                os.unlink(stale)
    except OSError as e:
        raise InputError(f"--dump-dir {dump_dir}: {e.strerror}") from None


def run_pipeline(module: Any, specs: list[PassSpec], options: RunOptions | None = None) -> list[StageReport]:
    """Run `specs` on `module` in place; errors carry the index of the failing pass."""
    opts = options or RunOptions()
    check_pipeline(specs, module.context)
    dump_all = opts.print_ir_after_all or os.environ.get("MLIR_ENABLE_DUMP", "") not in ("", "0")
    if opts.dump_dir:
        prepare_dump_dir(opts.dump_dir)
        write_dump(os.path.join(opts.dump_dir, "00-input.mlir"), str(module))
        write_dump(os.path.join(opts.dump_dir, "timings.json"), "[]")  # seconds of the passes so far (hexopt.report)
    for index, spec in enumerate(specs):
        if opts.on_start:
            opts.on_start(index, spec)
        start = time.perf_counter()
        try:
            run_pass(module, spec, opts.verify, opts.source_name)
        except HexoptError as e:
            e.pass_index = index
            raise
        opts.timings.append(StageReport(index, spec.text(), time.perf_counter() - start))
        if dump_all or spec.name in opts.print_ir_after:
            _print_ir(module, spec.text())
        if opts.dump_dir:
            write_dump(os.path.join(opts.dump_dir, f"{index + 1:02d}-{spec.name}.mlir"), str(module))
            timings = json.dumps([[t.name, t.seconds] for t in opts.timings])
            write_dump(os.path.join(opts.dump_dir, "timings.json"), timings)
    return opts.timings


def lower_task(request: dict[str, Any], emit: Callable[..., None]) -> tuple[dict[str, Any], bytes]:
    """The worker task `lower`: parse the input, run the passes, return (done fields, the output text)."""
    from .ir import ir

    specs = [PassSpec.from_json(s) for s in request["specs"]]
    stop = request.get("stop_before")
    if stop is not None:
        specs = specs[:stop]
    source = request.get("source_name", "-")
    with ir.Context() as ctx:
        # Generic-form Triton IR (convert-triton-to-linalg's input) is the one foreign dialect accepted.
        ctx.allow_unregistered_dialects = (
            bool(request.get("allow_unregistered", False)) or '"tt.func"()' in request["input_text"]
        )
        module = parse_module(request["input_text"], source, request.get("verify", True))
        opts = RunOptions(
            verify=request.get("verify", True),
            print_ir_after_all=request.get("print_ir_after_all", False),
            print_ir_after=tuple(request.get("print_ir_after", ())),
            dump_dir=request.get("dump_dir"),
            source_name=source,
            on_start=lambda i, s: emit({"ev": "start", "i": i, "pass": s.text()}),
        )
        # A Python exception in a pass (a hexopt bug) goes up to the worker, which reports it with its
        # traceback; the last "start" message names the pass.
        timings = run_pipeline(module, specs, opts)
        text = str(module) + "\n"  # byte-identical to mlir-opt's output
    return {"timings": [[t.name, t.seconds] for t in timings]}, text.encode()
