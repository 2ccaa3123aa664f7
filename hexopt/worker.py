"""The child process that owns the MLIR bindings: `python -m hexopt.worker EVENT_FD`.

It reads one JSON request on stdin, parses the input, runs the passes and writes the result to
the file the parent named. It reports progress on EVENT_FD as JSON lines ("start" before each
pass, then "done" or "error"), so that when it dies of an abort the parent knows which pass did it.
"""

from __future__ import annotations

import json
import os
import sys

from .diagnostics import HexoptError


def execute(request: dict, emit) -> None:
    """Run one request; emit(dict) reports events. Errors are reported, not raised."""
    from .driver import RunOptions, parse_module, run_pipeline
    from .ir import Context
    from .pipeline import PassSpec

    specs = [PassSpec.from_json(s) for s in request["specs"]]
    stop = request.get("stop_before")
    if stop is not None:
        specs = specs[:stop]
    try:
        with Context() as ctx:
            # Generic-form Triton IR (convert-triton-to-linalg's input) is the one foreign dialect accepted.
            ctx.allow_unregistered_dialects = bool(request.get("allow_unregistered", False)) or \
                '"tt.func"()' in request["input_text"]
            module = parse_module(request["input_text"], request.get("source_name", "-"))
            if request.get("verify", True):
                from .driver import diagnostics_of
                from .ir import MLIRError
                try:
                    module.operation.verify()
                except MLIRError as e:
                    raise HexoptError(f"invalid input {request.get('source_name', '-')}",
                                      diagnostics_of(e, request.get("source_name", "-"))) from None
            opts = RunOptions(verify=request.get("verify", True),
                              print_ir_after_all=request.get("print_ir_after_all", False),
                              print_ir_after=tuple(request.get("print_ir_after", ())),
                              dump_dir=request.get("dump_dir"), source_name=request.get("source_name", "-"),
                              on_start=lambda i, s: emit({"ev": "start", "i": i, "pass": s.text()}))
            timings = run_pipeline(module, specs, opts)
            text = str(module)
            if request.get("output"):
                with open(request["output"], "w") as f:
                    f.write(text + "\n")  # byte-identical to mlir-opt's output
            emit({"ev": "done", "timings": [[t.name, t.seconds] for t in timings]})
    except HexoptError as e:
        emit({"ev": "error", "message": e.message, "hint": e.hint, "pass_index": getattr(e, "pass_index", None),
              "diagnostics": [d.to_json() for d in e.diagnostics]})
    except Exception as e:  # a bug in a hexopt pass: reported like a crash, with a reproducer
        import traceback

        emit({"ev": "internal", "message": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()})


def main() -> None:
    fd = int(sys.argv[1])
    out = os.fdopen(fd, "w", buffering=1)

    def emit(event: dict) -> None:
        out.write(json.dumps(event) + "\n")
        out.flush()

    request = json.load(sys.stdin)
    execute(request, emit)
    out.close()


if __name__ == "__main__":
    main()
