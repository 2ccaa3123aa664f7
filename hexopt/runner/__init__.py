"""Run lowered triton-shared kernels: on the host with the MLIR JIT (`host`), ABI shared with the Hexagon runner."""

from __future__ import annotations

from .abi import AbiError, attention_reference, programs, test_info
from .host import HostKernel, HostRunError, RunResult, compile_host, compile_linalg, lower, run_attention

__all__ = ["AbiError", "HostKernel", "HostRunError", "RunResult", "attention_reference", "compile_host",
           "compile_linalg", "lower", "programs", "run_attention", "test_info"]
