"""The triton-shared kernel ABI, shared by the host JIT runner and the Hexagon runner.

A triton-shared kernel `@k` lowered to the LLVM dialect takes, in the order of its source
arguments:
  - each `memref<*xT>` tensor as two values: the rank and a `ptr` to a ranked descriptor
    `{T* allocated, T* aligned, index offset, index sizes[rank], index strides[rank]}`
    (the unranked-memref calling convention). With the reference's ABI (the host, and Hexagon by
    default: `abi=reference`) the rank and the descriptor's `index` fields are 64-bit, whatever
    index the kernel computes with inside; with `abi=compact` on Hexagon they are 32-bit. The
    rank's type says which: `KernelSignature.index_bitwidth`;
  - each scalar by value (`i32`, `i64`, `f32`, ...);
  - six trailing `i32`: num_programs x, y, z, then program_id x, y, z.
The runner calls the kernel once per program of the grid. This module knows nothing about MLIR
or ctypes callers; it classifies the lowered signature, enumerates the grid, lays descriptors
out in memory and formats the reference report (Test_Info).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from hexopt.errors import RunError
from hexopt.textsplit import split_stripped

#: Number of trailing i32 grid arguments (num_programs x/y/z, program_id x/y/z).
GRID_ARGS = 6

_SCALAR_TYPES = {"i1", "i8", "i16", "i32", "i64", "f16", "f32", "f64"}


@dataclass(frozen=True)
class Param:
    """One source-level kernel parameter: an unranked memref (two lowered values) or a scalar."""

    kind: str  # "memref" | "scalar"
    type: str  # memref: the type of its rank (the index type, "i64" or "i32"); scalar: "i32", "f32", ...


@dataclass(frozen=True)
class KernelSignature:
    name: str
    lowered: tuple[str, ...]  # LLVM types of the lowered function, in order
    params: tuple[Param, ...]  # user-visible parameters (the six grid i32 excluded)
    #: the index the kernel computes with inside (the module's DLTI index), when known: the width of the
    #: descriptors the body itself builds (for memrefCopy); the reference ABI keeps 32 behind 64-bit ranks
    body_index_bits: int | None = None

    @property
    def index_bitwidth(self) -> int | None:
        """Width of the descriptors' `index` fields at the kernel's interface (the type of the memref ranks):
        64 with the reference ABI, 32 with Hexagon's compact one; None without memrefs."""
        ranks = {p.type for p in self.params if p.kind == "memref"}
        if len(ranks) > 1:
            raise RunError(f"@{self.name}: memref ranks of different types {sorted(ranks)}")
        return int(ranks.pop()[1:]) if ranks else None


_FUNC_RE = re.compile(r"^\s*llvm\.func\s+(?P<linkage>(?:\w+\s+)*)@(?P<name>[\w$.]+)\((?P<args>.*)\)(?P<rest>.*)$", re.M)


def _split_types(arg_text: str) -> list[str]:
    """`%arg0: i32 {attr}, %arg1: !llvm.ptr` -> ["i32", "ptr"] (attributes dropped)."""
    out = []
    for t in split_stripped(arg_text):
        if t.startswith("%") and ":" in t:
            t = t.split(":", 1)[1].strip()
        t = re.sub(r"\{.*\}$", "", t).strip()
        out.append("ptr" if t in ("!llvm.ptr", "ptr") else t)
    return out


def _functions(llvm_text: str) -> list[tuple[str, str, bool, bool]]:
    """(name, argument text, is a definition, is public) of each llvm.func, in order."""
    out = []
    for m in _FUNC_RE.finditer(llvm_text):
        line = m.group(0).rstrip()
        # `llvm.func @f(...) -> T attributes {...} {`: a definition's line opens its body
        is_def = line.endswith("{")
        args = m.group("args")
        if ") ->" in args or ") attributes" in args:  # greedy match ran past the argument list
            args = args.split(")", 1)[0]
        linkage = m.group("linkage").split()
        public = not linkage or linkage == ["external"]
        public = public and 'sym_visibility = "private"' not in line
        out.append((m.group("name"), args, is_def, public))
    return out


def kernel_names(llvm_text: str) -> list[str]:
    """Public functions defined in LLVM-dialect MLIR text whose signature fits the kernel ABI."""
    names = []
    for name, args, is_def, public in _functions(llvm_text):
        if is_def and public and not name.startswith(("_mlir_", "__")):
            try:
                classify(name, _split_types(args))
            except RunError:
                continue
            names.append(name)
    return names


def parse_signature(llvm_text: str, name: str | None = None) -> KernelSignature:
    """The triton-shared signature of kernel `name` (default: the first function fitting the ABI)."""
    found: dict[str, str] = {}
    for fname, args, is_def, _ in _functions(llvm_text):
        if is_def:
            found.setdefault(fname, args)
    if name is None:
        kernels = kernel_names(llvm_text)
        if not kernels:
            raise RunError(
                "no public llvm.func definition with the kernel ABI (tensors, scalars, six i32) found "
                "(is the input lowered to the LLVM dialect?)"
            )
        name = kernels[0]
    if name not in found:
        raise RunError(f"no function @{name} defined in the module (definitions: {', '.join(found) or 'none'})")
    sig = classify(name, _split_types(found[name]))
    body = re.search(r"dlti\.dl_spec<index = (\d+) : i64>", llvm_text)
    return replace(sig, body_index_bits=int(body.group(1))) if body else sig


def classify(name: str, lowered: Sequence[str]) -> KernelSignature:
    """Group lowered LLVM argument types into source parameters; check the six grid i32."""
    lowered = tuple(lowered)
    if len(lowered) < GRID_ARGS or any(t != "i32" for t in lowered[-GRID_ARGS:]):
        raise RunError(
            f"@{name}: expected six trailing i32 grid arguments (num_programs x/y/z, program_id x/y/z), "
            f"got ({', '.join(lowered)})"
        )
    params = []
    i = 0
    body = lowered[:-GRID_ARGS]
    while i < len(body):
        t = body[i]
        if t in ("i32", "i64") and i + 1 < len(body) and body[i + 1] == "ptr":
            params.append(Param("memref", t))
            i += 2
        elif t in _SCALAR_TYPES:
            params.append(Param("scalar", t))
            i += 1
        else:
            raise RunError(f"@{name}: argument type {t} is neither a scalar nor an unranked memref")
    return KernelSignature(name, lowered, tuple(params))


def check_args(sig: KernelSignature, args: Sequence[object]) -> None:
    """Raise RunError unless `args` (numpy arrays for memrefs, numbers for scalars) fit `sig`."""
    if len(args) != len(sig.params):
        kinds = ", ".join("array" if p.kind == "memref" else p.type for p in sig.params)
        raise RunError(f"@{sig.name} takes {len(sig.params)} arguments ({kinds}) before the grid, got {len(args)}")
    for i, (p, a) in enumerate(zip(sig.params, args, strict=False)):
        if p.kind == "memref":
            if not isinstance(a, np.ndarray):
                raise RunError(f"argument {i} of @{sig.name} is a tensor: pass a numpy array, got {type(a).__name__}")
            if not a.flags.c_contiguous:
                raise RunError(f"argument {i} of @{sig.name}: the array must be C-contiguous")
        elif isinstance(a, np.ndarray) or not isinstance(a, (int, float, np.number)):
            raise RunError(f"argument {i} of @{sig.name} is a scalar {p.type}, got {type(a).__name__}")


def normalize_grid(grid: Sequence[int] | int) -> tuple[int, int, int]:
    g = (grid,) if isinstance(grid, int) else tuple(int(x) for x in grid)
    if not 1 <= len(g) <= 3 or any(x < 1 for x in g):
        raise RunError(f"grid must be 1 to 3 positive ints, got {grid!r}")
    return tuple(list(g) + [1] * (3 - len(g)))  # type: ignore[return-value]


def programs(grid: Sequence[int] | int) -> Iterator[tuple[int, int, int, int, int, int]]:
    """The six grid arguments of every program, x fastest: (nx, ny, nz, px, py, pz)."""
    nx, ny, nz = normalize_grid(grid)
    for pz in range(nz):
        for py in range(ny):
            for px in range(nx):
                yield (nx, ny, nz, px, py, pz)


def descriptor_bytes(address: int, shape: Sequence[int], index_bits: int, pointer_bits: int | None = None) -> bytes:
    """A ranked memref descriptor for a dense row-major buffer at `address`, little-endian.

    Layout: allocated ptr, aligned ptr, offset, sizes[rank], strides[rank] (strides in elements).
    `index_bits` is the signature's (KernelSignature.index_bitwidth); `pointer_bits` defaults to it
    (the host: 64 and 64); for Hexagon give pointer_bits=32 (64-bit fields with the reference ABI).
    """
    pointer_bits = pointer_bits or index_bits
    strides = [1] * len(shape)
    for d in range(len(shape) - 2, -1, -1):
        strides[d] = strides[d + 1] * int(shape[d + 1])
    p = {32: "I", 64: "Q"}[pointer_bits]
    x = {32: "i", 64: "q"}[index_bits]
    fields = [address, address, 0, *map(int, shape), *strides]
    return struct.pack("<" + p + p + x * (1 + 2 * len(shape)), *fields)


def test_info(name: str, passed: bool, perf_us: float | None) -> str:
    """The reference runner's report block (perf: average microseconds per grid run)."""
    perf = "xxxx" if perf_us is None else f"{perf_us:.2f}"
    return (
        "Test_Info: {\n"
        f"        Name:{name}\n"
        f"        Result:{'Pass' if passed else 'Fail'}\n"
        f"        Perf: {perf}\n"
        "        Units:us\n"
        "}"
    )
