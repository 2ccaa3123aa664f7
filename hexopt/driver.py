"""Run a pipeline on a module in this process, one pass at a time.

One callback runs after every pass and owns verification, timing, IR printing and dumps.
This is the in-process engine; `hexopt.guard` runs it in a child process so that an abort
inside the MLIR bindings (an assertions build) cannot take the user's shell session down.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

from .diagnostics import Diagnostic, HexoptError, parse_location
from .pipeline import PassSpec, parse_textual
from .passes import PassFailure, get_pass_class


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


def diagnostics_of(error, source_name: str) -> list[Diagnostic]:
    """Plain Diagnostics from an MLIRError (locations "-" renamed to the input's name)."""
    out = []

    def convert(info, severity=None) -> Diagnostic:
        file, line, col = parse_location(str(info.location))
        if file == "-":
            file = source_name
        sev = severity or str(info.severity).rsplit(".", 1)[-1].lower()
        return Diagnostic(info.message, sev if sev in ("error", "warning", "note", "remark") else "error",
                          file, line, col, [convert(n, "note") for n in info.notes])

    for info in getattr(error, "error_diagnostics", []) or []:
        out.append(convert(info, "error"))
    if not out:
        out.append(Diagnostic(str(error)))
    return out


def parse_module(text: str, source_name: str = "-"):
    """Parse MLIR text into a new ir.Module in the current Context; HexoptError with positions on failure."""
    from .ir import MLIRError, Module

    try:
        return Module.parse(text)
    except MLIRError as e:
        raise HexoptError(f"cannot parse {source_name}", diagnostics_of(e, source_name)) from None


def run_pass(module, spec: PassSpec, verify: bool = True, source_name: str = "-") -> None:
    """Run one pass (hexopt or upstream) on `module`."""
    from .ir import MLIRError, PassManager

    if os.environ.get("HEXOPT_INJECT_FAULT") == spec.name:  # tests of the internal-error path
        raise RuntimeError(f"fault injected into '{spec.name}' by HEXOPT_INJECT_FAULT")
    try:
        if spec.is_hexopt:
            inst = get_pass_class(spec.name).from_options(spec.options)
            inst.apply(module)
            if verify:
                module.operation.verify()
        else:
            pm = PassManager.parse(spec.anchored_text(), context=module.context)
            pm.enable_verifier(verify)
            pm.run(module.operation)
    except PassFailure as e:
        if e.op is not None:
            file, line, col = parse_location(str(e.op.location))
            diag = Diagnostic(str(e), "error", source_name if file == "-" else file, line, col)
            raise HexoptError(f"pass '{spec.name}' failed", [diag]) from None
        raise HexoptError(f"pass '{spec.name}' failed: {e}", [_at(spec, f"pass '{spec.name}' failed: {e}")]) from None
    except MLIRError as e:
        diags = diagnostics_of(e, source_name)
        msg = str(e).split("\n")[0]
        if "does not refer to a registered pass" in msg or "failed to add" in msg or "Unknown command line" in \
                str(e) or "parse" in msg.lower() and not spec.is_hexopt:
            raise _pipeline_error(spec, str(e), diags) from None
        raise HexoptError(f"pass '{spec.name}' failed", diags) from None
    except ValueError as e:  # PassManager.parse raises ValueError for unknown passes/options
        raise _pipeline_error(spec, str(e), []) from None


def _at(spec: PassSpec, message: str) -> Diagnostic:
    if spec.origin is None:
        return Diagnostic(message)
    return Diagnostic(message, "error", spec.origin.file, spec.origin.line, spec.origin.col)


def _pipeline_error(spec: PassSpec, text: str, diags: list[Diagnostic]) -> HexoptError:
    from .passes import REGISTRY, close_names

    first = text.strip().splitlines()[0] if text.strip() else "invalid pass"
    if "does not refer to a registered pass" in text:
        close = close_names(spec.name, list(REGISTRY) + upstream_pass_names())
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        msg = f"unknown pass '{spec.name}'{hint}"
    else:
        details = [d.message for d in diags if d.message] or [first]
        msg = f"invalid options for pass '{spec.name}': {'; '.join(details)}"
    return HexoptError(msg, [_at(spec, msg)])


_UPSTREAM: list[str] | None = None


def upstream_pass_names() -> list[str]:
    """Names of the upstream passes, read from `mlir-opt --help` (only needed to suggest names)."""
    global _UPSTREAM
    if _UPSTREAM is None:
        import re
        import subprocess

        from .tools import find_tool

        names: list[str] = []
        try:
            out = subprocess.run([find_tool("mlir-opt"), "--help"], capture_output=True, text=True,
                                 timeout=30).stdout
            names = re.findall(r"^ {6}--([a-z][\w\-.]*)\s", out, re.M)
        except (OSError, subprocess.SubprocessError, FileNotFoundError):
            pass
        _UPSTREAM = names
    return _UPSTREAM


def check_pipeline(specs: list[PassSpec], context) -> None:
    """Reject unknown upstream passes and bad upstream options before anything runs."""
    from .ir import MLIRError, PassManager

    for spec in specs:
        if spec.is_hexopt:
            continue
        try:
            PassManager.parse(spec.anchored_text(), context=context)
        except (ValueError, MLIRError) as e:
            raise _pipeline_error(spec, str(e), []) from None


def _print_ir(module, title: str) -> None:
    sys.stderr.write(f"// -----// IR Dump After {title} //----- //\n{module}\n\n")
    sys.stderr.flush()


def run_pipeline(module, pipeline, options: RunOptions | None = None) -> list[StageReport]:
    """Run `pipeline` (a textual pipeline or a list of PassSpec) on `module` in place."""
    opts = options or RunOptions()
    specs = parse_textual(pipeline) if isinstance(pipeline, str) else list(pipeline)
    check_pipeline(specs, module.context)
    dump_all = opts.print_ir_after_all or os.environ.get("MLIR_ENABLE_DUMP", "") not in ("", "0")
    if opts.dump_dir:
        os.makedirs(opts.dump_dir, exist_ok=True)
        _write(os.path.join(opts.dump_dir, "00-input.mlir"), str(module))
    for index, spec in enumerate(specs):
        if opts.on_start:
            opts.on_start(index, spec)
        start = time.perf_counter()
        try:
            run_pass(module, spec, opts.verify, opts.source_name)
        except HexoptError as e:
            e.pass_index = index  # type: ignore[attr-defined]  # the guard saves a reproducer for it
            raise
        opts.timings.append(StageReport(index, spec.text(), time.perf_counter() - start))
        if dump_all or spec.name in opts.print_ir_after:
            _print_ir(module, spec.text())
        if opts.dump_dir:
            _write(os.path.join(opts.dump_dir, f"{index + 1:02d}-{spec.file_label()}.mlir"), str(module))
    return opts.timings


def _write(path: str, text: str) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
