"""Run the MLIR work in a child process, so that an abort in the bindings is a clean error.

The bindings are an assertions build: malformed-but-parsed IR can abort or segfault deep in C++.
The CLI never imports them; it sends the work to `hexopt.worker` and, when the worker dies,
names the pass that was running, saves a reproducer (the IR entering that pass + the pass) and
prints the one command that reproduces it. Cost: one Python start-up and the bindings' import in
the child (measured by tools/bench_guard.py).
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, HexoptError
from .pipeline import PassSpec


@dataclass
class Result:
    timings: list[tuple[str, float]] = field(default_factory=list)


def _no_core_dumps() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _spawn(request: dict) -> tuple[int, list[dict]]:
    rfd, wfd = os.pipe()
    env = dict(os.environ)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "hexopt.worker", str(wfd)], stdin=subprocess.PIPE,
                                pass_fds=(wfd,), env=env, preexec_fn=_no_core_dumps)
    finally:
        os.close(wfd)
    events: list[dict] = []
    try:
        assert proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(request).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        with os.fdopen(rfd, "r") as r:
            for line in r:
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        rc = proc.wait()
    except KeyboardInterrupt:
        proc.kill()
        proc.wait()
        raise
    return rc, events


def _in_process(request: dict) -> tuple[int, list[dict]]:
    from .worker import execute

    events: list[dict] = []
    execute(request, events.append)
    return 0, events


def run_request(request: dict, guarded: bool = True, repro_dir: str | None = None) -> Result:
    """Run a worker request; raise HexoptError for errors, crashes included (with a reproducer)."""
    rc, events = (_spawn if guarded else _in_process)(request)
    for ev in events:
        if ev["ev"] == "error":
            hint = ev.get("hint")
            index = ev.get("pass_index")
            if index is not None and request.get("stop_before") is None:
                spec = PassSpec.from_json(request["specs"][index])
                hint = _save_reproducer(request, index, spec, repro_dir)
            raise HexoptError(ev["message"], [Diagnostic.from_json(d) for d in ev["diagnostics"]], hint)
        if ev["ev"] == "done" and rc == 0:
            return Result([(n, s) for n, s in ev["timings"]])
    starts = [ev for ev in events if ev["ev"] == "start"]
    internal = next((ev for ev in events if ev["ev"] == "internal"), None)
    cause = f"killed by signal {signal.Signals(-rc).name}" if rc < 0 else f"exited with status {rc}"
    specs = [PassSpec.from_json(s) for s in request["specs"]]
    if not starts:
        if internal:
            raise HexoptError(f"internal error while reading {request.get('source_name', '-')}: "
                              f"{internal['message']}")
        raise HexoptError(f"the MLIR bindings crashed while parsing {request.get('source_name', '-')} ({cause})",
                          hint="the input is malformed in a way the MLIR parser does not diagnose; "
                               "check it with mlir-opt")
    index = starts[-1]["i"]
    spec = specs[index]
    repro = _save_reproducer(request, index, spec, repro_dir, internal.get("traceback") if internal else None)
    where = f" ({spec.origin.file}:{spec.origin.line}:{spec.origin.col})" if spec.origin else ""
    if internal:
        raise HexoptError(f"internal error in pass '{spec.text()}'{where}: {internal['message']} "
                          "(a hexopt bug: please report it with the reproducer)", hint=repro)
    raise HexoptError(
        f"pass '{spec.text()}'{where} crashed inside the MLIR bindings ({cause})",
        hint=repro)


def _save_reproducer(request: dict, index: int, spec: PassSpec, repro_dir: str | None,
                     traceback: str | None = None) -> str:
    d = repro_dir or tempfile.mkdtemp(prefix="hexopt-repro-")
    os.makedirs(d, exist_ok=True)
    if traceback:
        with open(os.path.join(d, "traceback.txt"), "w") as f:
            f.write(traceback)
    ir_path = os.path.join(d, "input.mlir")
    if index == 0:
        with open(ir_path, "w") as f:
            f.write(request["input_text"])
    else:
        again = dict(request, stop_before=index, output=ir_path, print_ir_after_all=False, print_ir_after=[],
                     dump_dir=None)
        rc, events = _spawn(again)
        if not any(ev["ev"] == "done" for ev in events):  # the passes before crash too: keep them all
            with open(ir_path, "w") as f:
                f.write(request["input_text"])
            spec_text = "builtin.module(" + ",".join(PassSpec.from_json(s).anchored_text()[15:-1]
                                                     for s in request["specs"][:index + 1]) + ")"
            _write_pipeline(d, spec_text)
            return (f"reproducer saved in {d}/ (the input and the passes up to the failing one); reproduce with:\n"
                    f"  hexopt run -p {shlex.quote(spec_text)} {shlex.quote(ir_path)}")
    text = spec.anchored_text()
    _write_pipeline(d, text)
    return (f"reproducer saved in {d}/ (the IR entering the pass and the pass); reproduce with:\n"
            f"  hexopt run -p {shlex.quote(text)} {shlex.quote(ir_path)}")


def _write_pipeline(d: str, text: str) -> None:
    with open(os.path.join(d, "pipeline.txt"), "w") as f:
        f.write(text + "\n")
