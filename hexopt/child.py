"""The crash guard: run work that touches the MLIR bindings or LLVM in a child process.

The bindings are an assertions build: malformed-but-parsed IR can abort or segfault deep in C++, and
so can LLVM's code generator. The CLI never imports them; it runs `python -m hexopt.worker TASK FD`
with a JSON request on stdin, and the worker reports on the pipe FD as messages: one JSON line each,
followed by `bytes` raw bytes when the line says so (an object file, IR text). Every child process
of hexopt goes through `run_guarded`:

- the child dies with its parent (PR_SET_PDEATHSIG on Linux), ignores Ctrl-C (the parent owns the
  terminal and kills it) and writes no core dump;
- when the child dies, the caller learns how (signal or status) and what it was doing last (its last
  "start" message), so it can name the pass and save a reproducer;
- results travel through the pipe, so no file is left behind when either process is killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from .errors import CrashError, HexoptError, InternalError


def _prepare_child() -> None:  # runs in the child between fork and exec
    import resource

    parent = os.getppid()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # stays ignored across exec: Ctrl-C is the parent's
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the child notices a closed stdin/pipe instead
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


@dataclass
class ChildRun:
    """What a child process did: its exit status, its messages and the payloads they carried."""

    task: str
    returncode: int
    events: list[dict[str, Any]] = field(default_factory=list)
    payloads: dict[str, bytes] = field(default_factory=dict)

    def last(self, ev: str) -> dict[str, Any] | None:
        return next((e for e in reversed(self.events) if e.get("ev") == ev), None)

    @property
    def cause(self) -> str:
        rc = self.returncode
        if rc < 0:
            try:
                return f"killed by signal {signal.Signals(-rc).name}"
            except ValueError:
                return f"killed by signal {-rc}"
        return f"exited with status {rc}"

    def error(self) -> HexoptError | None:
        """The error the child reported, or the one its death amounts to; None when it finished."""
        reported = self.last("error")
        if reported is not None:
            return HexoptError.from_json(reported["error"])
        internal = self.last("internal")
        if internal is not None:
            return InternalError(f"internal error in {self.task}: {internal['message']} (a hexopt bug)")
        if self.returncode == 0 and self.last("done") is not None:
            return None
        return CrashError(f"{self.task} crashed ({self.cause})")

    def result(self) -> dict[str, Any]:
        """The `done` message; raises the error otherwise."""
        err = self.error()
        if err is not None:
            raise err
        done = self.last("done")
        assert done is not None
        return done


def _read_messages(fd: int, run: ChildRun) -> None:
    with os.fdopen(fd, "rb") as pipe:
        while True:
            line = pipe.readline()
            if not line:
                return
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            size = event.pop("bytes", None)
            if size is not None:
                data = pipe.read(size)
                run.payloads[event.get("payload", "data")] = data
            run.events.append(event)


def run_guarded(
    task: str, request: dict[str, Any], timeout: float | None = None, env: dict[str, str] | None = None
) -> ChildRun:
    """Run worker task `task` on `request` in a child process and collect what it reports.

    Interrupts (Ctrl-C, SIGTERM turned into an exception by the CLI) kill the child and propagate."""
    rfd, wfd = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hexopt.worker", task, str(wfd)],
            stdin=subprocess.PIPE,
            pass_fds=(wfd,),
            env=env if env is not None else dict(os.environ),
            preexec_fn=_prepare_child,
        )
    except BaseException:
        os.close(rfd)
        raise
    finally:
        os.close(wfd)
    run = ChildRun(task, 0)
    reader = threading.Thread(target=_read_messages, args=(rfd, run), daemon=True)
    reader.start()
    try:
        assert proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(request).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        run.returncode = proc.wait(timeout=timeout)
        reader.join()
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise CrashError(f"{task} timed out after {timeout:.0f} s") from None
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return run


class Channel:
    """The worker's side of the pipe."""

    def __init__(self, fd: int):
        self._out = os.fdopen(fd, "wb", buffering=0)

    def emit(self, event: dict[str, Any], payload: bytes | None = None, name: str = "data") -> None:
        if payload is not None:
            event = dict(event, bytes=len(payload), payload=name)
        data = (json.dumps(event) + "\n").encode()
        self._out.write(data + (payload or b""))

    def close(self) -> None:
        self._out.close()
