"""The child process that owns the MLIR bindings and LLVM: `python -m hexopt.worker TASK FD`.

It reads one JSON request on stdin, runs TASK and reports on the pipe FD (hexopt.child's protocol):
progress messages ("start" before each pass, for `lower`), then "done" with the result as a payload,
or "error" (a HexoptError as JSON), or "internal" (a Python exception: a hexopt bug, with its
traceback). When the process dies instead, the parent knows from the last "start" what it was doing.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
from typing import Any

from .child import Channel
from .errors import HexoptError

#: task name -> "module:function(request, emit) -> (done fields, payload bytes or None)"
TASKS = {
    "lower": "hexopt.driver:lower_task",
    "translate": "hexopt.backend.translate:translate_task",
    "run-host": "hexopt.runner.host:run_task",
    "extents": "hexopt.runner.extents:extents_task",
}


def execute(task: str, request: dict[str, Any], channel: Channel) -> None:
    """Run one task; report its result or its error on `channel` (errors are reported, not raised)."""
    try:
        module_name, _, function = TASKS[task].partition(":")
        fields, payload = getattr(importlib.import_module(module_name), function)(request, channel.emit)
        channel.emit({"ev": "done", **fields}, payload, "output")
    except HexoptError as e:
        channel.emit({"ev": "error", "error": e.to_json()})
    except Exception as e:  # a bug in hexopt: reported like a crash, with a reproducer and the traceback
        channel.emit({"ev": "internal", "message": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()})


def main() -> None:
    task, fd = sys.argv[1], int(sys.argv[2])
    channel = Channel(fd)
    try:
        request = json.load(sys.stdin)
        execute(task, request, channel)
        channel.close()
    except BrokenPipeError:  # the parent is gone: nobody to report to
        os._exit(1)


if __name__ == "__main__":
    main()
