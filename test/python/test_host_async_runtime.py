"""The host JIT's async runtime: hexopt's own (hexopt/runtime/async_runtime.c built for this machine, the
calling thread helping with queued tasks) where a C compiler exists, upstream's libmlir_async_runtime with
HEXOPT_HOST_ASYNC_RUNTIME=upstream. Both give the same results; the tasks of a threaded kernel run in
hexopt's runtime (its counters say so)."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from hexopt import lower
from hexopt.kernels.flash_attention import FlashAttentionShape, attention_reference, generate
from hexopt.runner import host

needs_cc = pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None, reason="no C compiler")


@needs_cc
def test_the_jit_loads_hexopts_runtime_and_runs_tasks_in_it():
    libs = host.runtime_libraries()
    assert not any(lib.endswith("libmlir_async_runtime.so") for lib in libs)
    (own,) = [lib for lib in libs if "libhexopt_async_runtime-host" in lib]
    shape = FlashAttentionShape(n_ctx=256)
    kernel = host.compile_host(lower(generate(shape), "host", {}))
    rng = np.random.default_rng(0)
    q, k, v = (rng.random((1, 1, 256, 64), dtype=np.float32) for _ in range(3))
    out = np.zeros_like(q)
    runtime = ctypes.CDLL(own)  # the library the JIT loaded: the same handle, the same counters
    runtime.hexoptAsyncRuntimeTasksRun.restype = ctypes.c_int64
    before = runtime.hexoptAsyncRuntimeTasksRun()
    kernel.run([0, q, k, v, out], (4,))
    runtime.hexoptAsyncRuntimeQuiesce()
    assert runtime.hexoptAsyncRuntimeTasksRun() - before >= 4  # 4 programs, each at least one task
    assert np.allclose(out, attention_reference(q, k, v, 0.5), rtol=1e-5, atol=1e-8)


_RUN = """
import numpy as np, sys
from hexopt import lower
from hexopt.kernels.flash_attention import FlashAttentionShape, generate
from hexopt.runner.host import compile_host, runtime_libraries
print(runtime_libraries()[-1], file=sys.stderr)
kernel = compile_host(lower(generate(FlashAttentionShape(n_ctx=256)), "host", {}))
rng = np.random.default_rng(0)
q, k, v = (rng.random((1, 1, 256, 64), dtype=np.float32) for _ in range(3))
out = np.zeros_like(q)
kernel.run([0, q, k, v, out], (4,))
np.save(sys.argv[1], out)
"""


@needs_cc
def test_upstream_runtime_on_request_gives_the_same_result(tmp_path):
    results = {}
    for choice in ("hexopt", "upstream"):
        env = dict(os.environ)
        env.pop(host.ASYNC_RUNTIME_ENV, None)
        if choice == "upstream":
            env[host.ASYNC_RUNTIME_ENV] = "upstream"
        path = tmp_path / f"{choice}.npy"
        proc = subprocess.run([sys.executable, "-c", _RUN, str(path)], capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr[-2000:]
        lib = proc.stderr.strip().splitlines()[-1]
        assert ("libmlir_async_runtime.so" in lib) == (choice == "upstream"), lib
        results[choice] = np.load(path)
    assert np.array_equal(results["hexopt"], results["upstream"])
