"""Interrupting hexopt: Ctrl-C and SIGTERM exit 130/143 with one line, SIGKILL leaves no orphan worker,
and no temp file is ever left beside the output (issue: reliability, interrupts)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "test" / "lit" / "cli" / "Inputs" / "small.mlir"


def _start(tmp_path: Path, hang: bool = True) -> tuple[subprocess.Popen[str], Path]:
    out = tmp_path / "out.mlir"
    out.write_text("old\n")
    env = dict(os.environ, HEXOPT_INJECT_HANG="cse" if hang else "")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hexopt",
            "run",
            "-p",
            "builtin.module(canonicalize,func.func(cse))",
            str(SMALL),
            "-o",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    return proc, out


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _wait_for_worker(proc: subprocess.Popen[str]) -> int:
    deadline = time.time() + 30
    while time.time() < deadline:
        kids = _children(proc.pid)
        if kids:
            time.sleep(1.5)  # let the worker import the bindings and reach the hanging pass
            return kids[0]
        time.sleep(0.05)
    raise AssertionError("no worker process started")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def _only_output(tmp_path: Path) -> None:
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mlir"]
    assert (tmp_path / "out.mlir").read_text() == "old\n"


pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")


def test_ctrl_c_during_a_pass(tmp_path):
    proc, _ = _start(tmp_path)
    worker = _wait_for_worker(proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "hexopt: interrupted"
    assert "Traceback" not in err and "Aborted!" not in err
    assert _gone(worker)
    _only_output(tmp_path)


def test_ctrl_c_while_the_worker_starts(tmp_path):
    proc, _ = _start(tmp_path)
    deadline = time.time() + 10
    while not _children(proc.pid) and time.time() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    _only_output(tmp_path)


def test_sigterm(tmp_path):
    proc, _ = _start(tmp_path)
    worker = _wait_for_worker(proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "hexopt: terminated"
    assert "Traceback" not in err
    assert _gone(worker)
    _only_output(tmp_path)


def test_sigkill_takes_the_worker_along(tmp_path):
    proc, _ = _start(tmp_path)
    worker = _wait_for_worker(proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert _gone(worker), "the worker outlived the killed CLI"
    _only_output(tmp_path)
