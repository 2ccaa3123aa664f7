"""Stage 5: a kernel object -> `lib<kernel>.so` with ld.lld, checked.

The library may leave undefined only what the device runtime provides: hexopt's async runtime
(`mlirAsyncRuntime*`), the compiler's builtins (`__hexagon_*`, ...) and the C library. Any other
undefined symbol is an error naming it (lld is run with `--no-undefined` turned into warnings, so
that every undefined symbol is reported at once). The kernel symbol must be exported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hexopt.errors import BackendError
from hexopt.toolchain import lld, llvm_tool, run_tool

ASYNC_RUNTIME_PREFIX = "mlirAsyncRuntim"  # covers the lowering's misspelled GetNumWorkerThreads
# What the C library / libm of a Hexagon Linux (musl) or QuRT device provides and lowered code calls.
LIBC_SYMBOLS = frozenset(
    [
        "malloc",
        "free",
        "calloc",
        "realloc",
        "aligned_alloc",
        "posix_memalign",
        "memcpy",
        "memmove",
        "memset",
        "memcmp",
        "abort",
        "exit",
        "puts",
        "printf",
        "fprintf",
        "putchar",
        "fflush",
        "stdout",
        "stderr",
        "expf",
        "exp2f",
        "logf",
        "log2f",
        "log10f",
        "sqrtf",
        "powf",
        "sinf",
        "cosf",
        "tanf",
        "tanhf",
        "erff",
        "fmaf",
        "fminf",
        "fmaxf",
        "fabsf",
        "floorf",
        "ceilf",
        "roundf",
        "truncf",
        "rintf",
        "nearbyintf",
        "fmodf",
        "exp",
        "exp2",
        "log",
        "log2",
        "log10",
        "sqrt",
        "pow",
        "sin",
        "cos",
        "tan",
        "tanh",
        "erf",
        "fma",
        "fmin",
        "fmax",
        "fabs",
        "floor",
        "ceil",
        "round",
        "trunc",
        "rint",
        "nearbyint",
        "fmod",
    ]
)
BUILTIN_PREFIXES = (
    "__hexagon_",
    "__divsi3",
    "__udivsi3",
    "__modsi3",
    "__umodsi3",
    "__divdi3",
    "__udivdi3",
    "__moddi3",
    "__umoddi3",
    "__ashldi3",
    "__lshrdi3",
    "__ashrdi3",
    "__muldi3",
    "__mulsf3",
    "__divsf3",
    "__extend",
    "__trunc",
    "__fix",
    "__float",
    "__truncdfsf2",
    "__gnu_",
)


def symbol_kind(name: str) -> str | None:
    """Which part of the runtime provides an undefined symbol; None if none does."""
    if name.startswith(ASYNC_RUNTIME_PREFIX):
        return "async-runtime"
    if name.startswith(BUILTIN_PREFIXES):
        return "builtins"
    if name in LIBC_SYMBOLS or name.startswith("pthread_") or name in ("atoi", "getenv", "sysconf"):
        return "libc"  # pthread_*, atoi, getenv: what the async runtime (--with-runtime) needs from libc
    return None


@dataclass
class LinkResult:
    path: Path
    exported: list[str]  # defined global functions
    undefined: dict[str, str]  # symbol -> provider ("async-runtime" | "builtins" | "libc")


def _nm(path: str | Path, *flags: str) -> list[tuple[str, str]]:
    out = run_tool([llvm_tool("llvm-nm"), *flags, str(path)], "llvm-nm")
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            syms.append((parts[-2], parts[-1]))
    return syms


def defined_functions(obj: str | Path) -> list[str]:
    """Global functions an object defines, without the `_mlir_ciface_`/`_mlir_` wrappers."""
    return [n for t, n in _nm(obj) if t == "T" and not n.startswith("_mlir_")]


def default_kernel(obj: str | Path) -> str:
    funcs = defined_functions(obj)
    if len(funcs) != 1:
        raise BackendError(
            f"{obj} defines {len(funcs)} global functions ({', '.join(funcs) or 'none'}): name the kernel with --kernel"
        )
    return funcs[0]


_MACHINES = {164: "Hexagon", 62: "x86-64", 183: "AArch64", 40: "ARM", 3: "x86", 243: "RISC-V"}
EM_HEXAGON = 164


def check_hexagon_object(path: str | Path, hint: str = "") -> None:
    """Refuse anything but a Hexagon ELF file (an x86-64 object would link into an x86-64 library, and
    disassemble into nonsense for the cycle model)."""
    try:
        with open(path, "rb") as f:
            header = f.read(20)
    except OSError as e:
        raise BackendError(f"cannot read {path}: {e.strerror}") from None
    if len(header) < 20 or header[:4] != b"\x7fELF":
        raise BackendError(f"{path}: not an ELF object")
    machine = int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")
    if machine != EM_HEXAGON:
        what = _MACHINES.get(machine, f"machine {machine}")
        raise BackendError(f"{path}: not a Hexagon object (an ELF file for {what}){hint}")


def link_shared(
    obj: str | Path, out: str | Path, kernel: str | None = None, extra_objects: list[Path] | None = None
) -> LinkResult:
    """Link `obj` (and `extra_objects`, e.g. the async runtime) into the shared library `out` and check its
    symbols; `out` is written by hexopt.output only when everything checks out."""
    import subprocess

    from hexopt.output import staged_output

    obj, out = Path(obj), Path(out)
    if not obj.is_file():
        raise BackendError(f"cannot read {obj}: no such file")
    check_hexagon_object(obj, "; translate it with --target hexagon")
    kernel = kernel or default_kernel(obj)
    with staged_output(str(out), ".so") as tmp:
        argv = lld() + [
            "-shared",
            "-soname",
            out.name,
            "--no-undefined",
            "--warn-unresolved-symbols",
            "--gc-sections",
            "-o",
            str(tmp),
            str(obj),
            *[str(o) for o in extra_objects or []],
        ]
        proc = subprocess.run(argv, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BackendError(f"ld.lld failed: {proc.stderr.strip().splitlines()[0] if proc.stderr else ''}")
        undefined = sorted(set(re.findall(r"undefined symbol: (\S+)", proc.stderr)))
        unknown = [s for s in undefined if symbol_kind(s) is None]
        if unknown:
            raise BackendError(f"{obj}: undefined symbol(s) that no runtime provides: {', '.join(unknown)}")
        exported = [n for t, n in _nm(tmp, "-D", "--defined-only") if t == "T"]
        if kernel not in exported:
            raise BackendError(
                f"{out.name} does not export the kernel '{kernel}' (exported: {', '.join(exported) or 'nothing'})"
            )
    return LinkResult(out, exported, {s: symbol_kind(s) or "" for s in undefined})
