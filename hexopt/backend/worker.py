"""Run a translation in a child process: the MLIR bindings are an assertions build and may abort
on malformed input; the parent turns a crash into one clear error line.

    python -m hexopt.backend.worker  < request.json
request: {"input": path or null, "text": str or null, "emit": ..., "out": path, "options": {...}}
Exit 0: `out` written. Exit 3: a BackendError, its message on stderr.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import asdict

from .errors import BackendError
from .translate import TargetOptions


def translate_guarded(options: TargetOptions, emit: str, out: str, path: str | None = None,
                      text: str | None = None, timeout: float = 600) -> None:
    """translate() in a child process; writes `out` (the caller makes it atomic)."""
    request = {"input": path, "text": text, "emit": emit, "out": out, "options": asdict(options)}
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-m", "hexopt.backend.worker"], input=json.dumps(request),
                          capture_output=True, text=True, env=env, timeout=timeout)
    if proc.returncode == 0:
        return
    if proc.returncode == 3:
        raise BackendError(proc.stderr.strip() or "translation failed")
    if proc.returncode < 0:
        cause = f"killed by signal {signal.Signals(-proc.returncode).name}"
    else:
        cause = f"exit status {proc.returncode}"
    last = proc.stderr.strip().splitlines()[-1:] or [""]
    raise BackendError(f"translation crashed inside LLVM/MLIR ({cause}) {last[0]}".strip())


def main() -> None:
    request = json.load(sys.stdin)
    from .translate import translate

    try:
        result = translate(request.get("text"), TargetOptions(**request["options"]), request["emit"],
                           path=request.get("input"))
    except BackendError as e:
        sys.stderr.write(e.message + "\n")
        sys.exit(3)
    mode = "wb" if isinstance(result, bytes) else "w"
    with open(request["out"], mode) as f:
        f.write(result)


if __name__ == "__main__":
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    main()
