"""`hexopt.lower`: run a pipeline on MLIR text, by default in a guarded child process.

This is the one entry point every caller uses (the `run`, `compile` and `bench` commands, the
Triton driver, the tests). The passes run in `hexopt.worker` (see hexopt.child): when one fails or
the process dies, the error names the pass and where it came from, and, unless the input is at
fault, a reproducer is saved (the IR entering the pass + the pass) with the one command that
reproduces it. Reproducers go to `--repro-dir`, else to `<cache>/repro/` (hexopt.toolchain.cache_dir),
where only the newest KEEP_REPRODUCERS are kept.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .child import ChildRun, run_guarded
from .errors import CrashError, HexoptError, InputError, InternalError, PassError, UnsupportedError
from .pipeline import PassSpec, load_pipeline, parse_textual

KEEP_REPRODUCERS = 20


@dataclass
class LowerResult:
    """The lowered module's text and the time of each pass."""

    text: str
    timings: list[tuple[str, float]] = field(default_factory=list)
    specs: list[PassSpec] = field(default_factory=list)


def pipeline_specs(pipeline: str | list[PassSpec], sets: dict[str, str] | None = None) -> list[PassSpec]:
    """The checked passes of a pipeline: a YAML name or path, a textual pipeline, or PassSpecs."""
    if isinstance(pipeline, list):
        return pipeline
    if "(" in pipeline or "," in pipeline:
        if sets:
            raise InputError("--set applies to YAML pipelines, not to a textual pipeline")
        return parse_textual(pipeline, "<pass-pipeline>")
    return load_pipeline(pipeline, {k: str(v) for k, v in (sets or {}).items()}).passes


def lower(
    text: str,
    pipeline: str | list[PassSpec] = "hexagon",
    sets: dict[str, str] | None = None,
    *,
    source_name: str = "<input>",
    guarded: bool = True,
    verify: bool = True,
    print_ir_after_all: bool = False,
    print_ir_after: tuple[str, ...] = (),
    dump_dir: str | None = None,
    repro_dir: str | None = None,
    allow_unregistered: bool = False,
) -> LowerResult:
    """Run `pipeline` on the MLIR `text`; returns the result's text. Raises HexoptError (a PipelineError for a
    bad pipeline, InputError for bad input, PassError/CrashError/InternalError with a reproducer hint)."""
    specs = pipeline_specs(pipeline, sets)
    request = {
        "input_text": text,
        "source_name": source_name,
        "specs": [s.to_json() for s in specs],
        "verify": verify,
        "print_ir_after_all": print_ir_after_all,
        "print_ir_after": list(print_ir_after),
        "dump_dir": dump_dir,
        "allow_unregistered": allow_unregistered,
    }
    run = run_guarded("lower", request) if guarded else _in_process(request)
    error = _error_of(run, request, specs, repro_dir)
    if error is not None:
        raise error
    done = run.result()
    return LowerResult(run.payloads.get("output", b"").decode(), [(n, s) for n, s in done["timings"]], specs)


def _in_process(request: dict[str, Any]) -> ChildRun:
    """The worker task in this process (no crash guard: for benchmarks and debugging)."""
    import traceback

    from .driver import lower_task

    run = ChildRun("lower", 0)
    try:
        fields, payload = lower_task(request, run.events.append)
        run.events.append({"ev": "done", **fields})
        run.payloads["output"] = payload
    except HexoptError as e:
        run.events.append({"ev": "error", "error": e.to_json()})
    except Exception as e:
        run.events.append(
            {"ev": "internal", "message": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()}
        )
    return run


def _error_of(
    run: ChildRun, request: dict[str, Any], specs: list[PassSpec], repro_dir: str | None
) -> HexoptError | None:
    """The error a lowering run ended with (reproducer saved where useful), or None."""
    error = run.error()
    if error is None:
        return None
    starts = [e for e in run.events if e.get("ev") == "start"]
    if isinstance(error, (InternalError, CrashError)):
        if not starts:
            internal = run.last("internal")
            if internal is not None:
                return InternalError(
                    f"internal error while reading {request['source_name']}: {internal['message']} (a hexopt bug)"
                )
            return CrashError(
                f"the MLIR bindings crashed while parsing {request['source_name']} ({run.cause})",
                hint="the input is malformed in a way the MLIR parser does not diagnose; check it with mlir-opt",
            )
        index = starts[-1]["i"]
        spec = specs[index]
        internal = run.last("internal")
        hint = save_reproducer(request, specs, index, repro_dir, internal["traceback"] if internal else None)
        where = f" ({spec.origin})" if spec.origin else ""
        if internal is not None:
            return InternalError(
                f"internal error in pass '{spec.text()}'{where}: {internal['message']} "
                "(a hexopt bug: please report it with the reproducer)",
                hint=hint,
                pass_index=index,
            )
        return CrashError(
            f"pass '{spec.text()}'{where} crashed inside the MLIR bindings ({run.cause})", hint=hint, pass_index=index
        )
    if isinstance(error, PassError) and not isinstance(error, UnsupportedError) and error.pass_index is not None:
        error.hint = save_reproducer(request, specs, error.pass_index, repro_dir)
    return error


def _reproducer_dir(repro_dir: str | None, spec: PassSpec) -> Path:
    if repro_dir:
        d = Path(repro_dir)
        if d.exists() and not d.is_dir():
            raise InputError(f"--repro-dir {repro_dir}: exists and is not a directory")
        d.mkdir(parents=True, exist_ok=True)
        return d
    from .toolchain import cache_dir

    root = cache_dir() / "repro"
    root.mkdir(parents=True, exist_ok=True)
    old = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for stale in old[: max(0, len(old) - KEEP_REPRODUCERS + 1)]:
        shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-") + spec.name + "-", dir=root))


def save_reproducer(
    request: dict[str, Any], specs: list[PassSpec], index: int, repro_dir: str | None, traceback: str | None = None
) -> str:
    """Save the IR entering pass `index` and the pass; return the note that says where and how to rerun it."""
    spec = specs[index]
    try:
        d = _reproducer_dir(repro_dir, spec)
    except OSError as e:
        return f"no reproducer saved: {e.strerror}: {e.filename}"
    if traceback:
        (d / "traceback.txt").write_text(traceback)
    ir_path = d / "input.mlir"
    text = request["input_text"]
    passes = [spec]
    if index > 0:
        before = run_guarded(
            "lower",
            dict(request, specs=request["specs"][:index], print_ir_after_all=False, print_ir_after=[], dump_dir=None),
        )
        if before.error() is None:
            text = before.payloads.get("output", b"").decode()
        else:  # the passes before it fail too: keep them all
            passes = specs[: index + 1]
    what = (
        "the IR entering the pass and the pass"
        if len(passes) == 1
        else "the input and the passes up to the failing one"
    )
    ir_path.write_text(text)
    pipeline = "builtin.module(" + ",".join(s.nested_text() for s in passes) + ")"
    (d / "pipeline.txt").write_text(pipeline + "\n")
    return (
        f"reproducer saved in {d}{os.sep} ({what}); reproduce with:\n"
        f"  hexopt run -p {shlex.quote(pipeline)} {shlex.quote(str(ir_path))}"
    )
