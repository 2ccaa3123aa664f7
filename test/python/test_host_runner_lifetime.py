"""Freeing one JIT-compiled async kernel must not break another live one (shared async runtime)."""

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import gc
    import numpy as np
    from hexopt import lower
    from hexopt.kernels.flash_attention import FlashAttentionShape, attention_reference, generate
    from hexopt.runner.host import compile_host
    text = generate(FlashAttentionShape(n_ctx=128, d_head=32, block_n=32, threads=2, scale=0.5))
    rng = np.random.default_rng(1)
    q, k, v = (rng.random((1, 1, 128, 32), dtype=np.float32) for _ in range(3))
    a = compile_host(lower(text, "host"))
    b = compile_host(lower(text, "host", {"num-threads": "2"}))
    a.run([0, q, k, v, np.zeros_like(q)], (2,))
    del a
    gc.collect()
    out = np.zeros_like(q)
    b.run([0, q, k, v, out], (2,))
    print("max-err", float(np.abs(out - attention_reference(q, k, v, 0.5)).max()))
""")


def test_freeing_one_async_kernel_keeps_the_others_working():
    # In a child process: the failure mode is a segfault, which would take pytest down with it.
    p = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"exit {p.returncode}: {p.stderr[-2000:]}"
    assert float(p.stdout.split("max-err")[1]) < 1e-5
