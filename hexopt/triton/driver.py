"""`HexagonDriver`: a Triton driver that compiles kernels with hexopt and runs them on the host JIT or
under qemu-hexagon.

    triton.runtime.driver.set_active(HexagonDriver())          # or HexagonDriver(target="host")
    kernel[grid](torch_tensor_or_numpy_array, ..., BLOCK=1024, enableMultiThreading=True)

Target: `target=` ("host" | "hexagon"), else $HEXOPT_TRITON_TARGET, else "hexagon". Arguments: CPU torch
tensors of any dtype (their memory, through data_ptr()), numpy arrays, Python and numpy scalars;
outputs are written in place. Triton's launch path is unchanged: JITFunction specializes the
arguments, compile() runs hexopt's stages (backend.py) or finds them in its cache, and the launcher
below calls the kernel once per program of the grid (1-3 dimensions).
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from triton.backends import Backend, backends
from triton.backends.compiler import GPUTarget
from triton.backends.driver import DriverBase

from . import toolchain
from .backend import TARGETS, HexoptBackend

_NP_TO_TRITON = {
    np.dtype(np.float32): "fp32",
    np.dtype(np.float16): "fp16",
    np.dtype(np.float64): "fp64",
    np.dtype(np.int8): "i8",
    np.dtype(np.int16): "i16",
    np.dtype(np.int32): "i32",
    np.dtype(np.int64): "i64",
    np.dtype(np.uint8): "u8",
    np.dtype(np.uint16): "u16",
    np.dtype(np.uint32): "u32",
    np.dtype(np.uint64): "u64",
    np.dtype(np.bool_): "i1",
}
_ITEMSIZE = {
    "fp32": 4,
    "fp16": 2,
    "bf16": 2,
    "fp64": 8,
    "i8": 1,
    "i16": 2,
    "i32": 4,
    "i64": 8,
    "u8": 1,
    "u16": 2,
    "u32": 4,
    "u64": 8,
    "i1": 1,
    "fp8e4nv": 1,
    "fp8e5": 1,
}
#: numpy dtype carrying the bytes of each Triton element type (bf16 and fp8 travel as raw integers)
_CARRIER = {
    "fp32": np.float32,
    "fp16": np.float16,
    "bf16": np.int16,
    "fp64": np.float64,
    "i8": np.int8,
    "i16": np.int16,
    "i32": np.int32,
    "i64": np.int64,
    "u8": np.uint8,
    "u16": np.uint16,
    "u32": np.uint32,
    "u64": np.uint64,
    "i1": np.int8,
    "fp8e4nv": np.int8,
    "fp8e5": np.int8,
}


def _register() -> None:
    """Make hexopt's backend known to Triton's make_backend() (once per process)."""
    if "hexopt" not in backends:
        backends["hexopt"] = Backend(compiler=HexoptBackend, driver=HexagonDriver)
    _install_numpy_specialization()


def _install_numpy_specialization() -> None:
    """Triton's argument specializer only knows torch-like tensors (data_ptr(), dtype) and Python
    scalars; for hexopt's backend, numpy arrays and scalars are specialized here too."""
    from triton.runtime import jit

    original = jit.native_specialize_impl
    if getattr(original, "_hexopt", False):
        return

    def specialize(backend: Any, arg: Any, is_const: bool, specialize_value: bool, align: bool) -> Any:
        if isinstance(backend, HexoptBackend):
            if isinstance(arg, np.ndarray):
                if arg.dtype not in _NP_TO_TRITON:
                    raise TypeError(f"numpy arrays of dtype {arg.dtype} are not supported")
                aligned = align and arg.ctypes.data % 16 == 0
                return (f"*{_NP_TO_TRITON[arg.dtype]}", "D" if aligned else "")
            if isinstance(arg, np.generic):
                arg = arg.item()
        return original(backend, arg, is_const, specialize_value, align)

    specialize._hexopt = True  # type: ignore[attr-defined]
    jit.native_specialize_impl = specialize


class _Utils:
    """The `driver.active.utils` Triton's CompiledKernel calls to load a binary."""

    def __init__(self, driver: HexagonDriver):
        self.driver = driver

    def load_binary(self, name: str, kernel: Any, shared: int, device: Any) -> tuple:
        if self.driver.target == "host":
            handle = toolchain.host_kernel(kernel if isinstance(kernel, str) else kernel.decode())
        else:
            import hashlib

            directory = toolchain.build_cache_dir()
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"{name}-{hashlib.sha256(kernel).hexdigest()[:16]}.elf"
            if not path.exists():
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(kernel)
                tmp.chmod(0o755)
                os.replace(tmp, path)
            handle = str(path)
        return handle, handle, 0, 0, 1 << 30

    def unload_module(self, module: Any) -> None:
        pass  # host JIT engines live as long as the process (see hexopt.runner.host)

    def get_device_properties(self, device: Any) -> dict:
        return {
            "max_shared_mem": 1 << 30,
            "multiprocessor_count": 1,
            "max_num_regs": 1 << 16,
            "warpSize": 1,
            "sm_clock_rate": 0,
            "mem_clock_rate": 0,
            "mem_bus_width": 0,
        }


def _tensor_memory(arg: Any, elem: str) -> np.ndarray:
    """A numpy array over the memory a torch tensor (or numpy array) starts at: the kernel sees a flat buffer
    from data_ptr(), so the array spans every element the tensor's strides reach."""
    if isinstance(arg, np.ndarray):
        if not (arg.flags.c_contiguous or arg.flags.f_contiguous):
            raise ValueError("numpy arrays passed to a kernel must be contiguous")
        return arg.reshape(-1, order="A")
    if getattr(arg, "device", None) is not None and getattr(arg.device, "type", "cpu") != "cpu":
        raise ValueError(f"tensors must be on the CPU, got one on {arg.device}")
    n = 1
    if arg.numel():
        n = 1 + sum((s - 1) * st for s, st in zip(arg.shape, arg.stride(), strict=True))
    carrier = np.dtype(_CARRIER[elem])
    buf: Any = (ctypes.c_byte * (n * carrier.itemsize)).from_address(arg.data_ptr())
    return np.frombuffer(buf, dtype=carrier, count=n)


class Launcher:
    """Calls a compiled kernel with Triton's launch arguments (`driver.active.launcher_cls(src, metadata)`)."""

    def __init__(self, src: Any, metadata: Any):
        self.name = metadata.name
        self.iterations = int(getattr(metadata, "iterations", 0) or 0)
        self.target = metadata.target.arch
        # Triton type of every kernel parameter in order ("constexpr" for constexprs)
        types = list(src.signature.values()) if isinstance(src.signature, dict) else list(src.signature)
        self.types = types

    def __call__(
        self,
        gx: int,
        gy: int,
        gz: int,
        stream: Any,
        function: Any,
        packed_metadata: Any,
        launch_metadata: Any,
        enter_hook: Any,
        exit_hook: Any,
        *args: Any,
    ) -> None:
        if enter_hook is not None:
            enter_hook(launch_metadata)
        grid = (max(1, int(gx)), max(1, int(gy)), max(1, int(gz)))
        values, memrefs = self._arguments(args)
        if self.target == "host":
            perf = toolchain.run_host(function, values, grid, self.iterations)
            if self.iterations > 0:
                print(toolchain.test_info(self.name, True, perf))
                sys.stdout.flush()
        else:
            res = toolchain.run_hexagon(function, self.name, values, grid, self.iterations, memrefs)
            for i in memrefs:
                np.copyto(values[i], res.outputs[i].reshape(values[i].shape))
            if self.iterations > 0:
                print(res.test_info)
                sys.stdout.flush()
        if exit_hook is not None:
            exit_hook(launch_metadata)

    def _arguments(self, args: Sequence[Any]) -> tuple[list, list[int]]:
        values: list = []
        memrefs: list[int] = []
        runtime_types = [t for t in self.types if t != "constexpr"]
        runtime_args = [a for a, t in zip(args, self.types, strict=True) if t != "constexpr"]
        for t, a in zip(runtime_types, runtime_args, strict=True):
            if t.startswith("*"):
                memrefs.append(len(values))
                values.append(_tensor_memory(a, t[1:]))
            elif isinstance(a, np.generic):
                values.append(a.item())
            elif isinstance(a, bool):
                values.append(int(a))
            else:
                values.append(a)
        return values, memrefs


class HexagonDriver(DriverBase):
    """Compile `@triton.jit` kernels with hexopt; run them on the host JIT or under qemu-hexagon."""

    def __init__(self, target: str | None = None):
        super().__init__()
        target = (target or os.environ.get("HEXOPT_TRITON_TARGET") or "hexagon").lower()
        if target not in TARGETS:
            raise ValueError(f"HexagonDriver target must be one of {', '.join(TARGETS)}, got {target!r}")
        self.target = target
        self.utils = _Utils(self)
        self.launcher_cls = Launcher
        _register()

    @classmethod
    def is_active(cls) -> bool:
        return False  # never picked automatically; set_active(HexagonDriver()) selects it

    def map_python_to_cpp_type(self, ty: str) -> str:
        if ty.startswith("*"):
            return "void*"
        return {
            "i1": "int8_t",
            "i8": "int8_t",
            "i16": "int16_t",
            "i32": "int32_t",
            "i64": "int64_t",
            "u8": "uint8_t",
            "u16": "uint16_t",
            "u32": "uint32_t",
            "u64": "uint64_t",
            "fp16": "uint16_t",
            "bf16": "uint16_t",
            "fp32": "float",
            "fp64": "double",
        }.get(ty, "void*")

    def get_current_target(self) -> GPUTarget:
        return GPUTarget("hexopt", self.target, 1)

    def get_current_device(self) -> str:
        return f"hexopt:{self.target}"

    def set_current_device(self, device: Any) -> None:
        pass

    def get_current_stream(self, device: Any = None) -> int:
        return 0

    def get_active_torch_device(self) -> Any:
        import torch

        return torch.device("cpu")

    def get_device_interface(self) -> Any:
        import torch

        return torch.cpu

    def get_benchmarker(self) -> Any:
        return _benchmark

    def get_empty_cache_for_benchmark(self) -> Any:
        return None

    def clear_cache(self, cache: Any) -> None:
        pass


def _benchmark(kernel_call: Any, quantiles: Any = None, warmup: int = 1, rep: int = 10, **kwargs: Any) -> Any:
    """Triton's benchmarker interface (triton.testing.do_bench): wall-clock milliseconds per call."""
    for _ in range(max(0, warmup)):
        kernel_call()
    times = []
    for _ in range(max(1, rep)):
        t0 = time.perf_counter()
        kernel_call()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    if quantiles:
        return [times[min(len(times) - 1, int(q * len(times)))] for q in quantiles]
    return sum(times) / len(times)
