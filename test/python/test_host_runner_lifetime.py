"""Freeing one JIT-compiled async kernel must not break another live one (shared async runtime)."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import gc, importlib.util, sys
    import numpy as np
    from hexopt.runner import attention_reference, compile_linalg, run_attention
    spec = importlib.util.spec_from_file_location("gen", sys.argv[1])
    gen = importlib.util.module_from_spec(spec); sys.modules["gen"] = gen; spec.loader.exec_module(gen)
    text = gen.generate(gen.FlashAttentionShape(n_ctx=128, d_head=32, block_n=32, threads=2, scale=0.5))
    rng = np.random.default_rng(1)
    q, k, v = (rng.random((1, 1, 128, 32), dtype=np.float32) for _ in range(3))
    a = compile_linalg(text, "host")
    b = compile_linalg(text, "host", {"num-threads": "2"})
    run_attention(a, q, k, v, grid=(2,))
    del a
    gc.collect()
    out = run_attention(b, q, k, v, grid=(2,))
    print("max-err", float(np.abs(out - attention_reference(q, k, v, 0.5)).max()))
""")


def test_freeing_one_async_kernel_keeps_the_others_working():
    # In a child process: the failure mode is a segfault, which would take pytest down with it.
    p = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "tools" / "gen_flash_attention.py")],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"exit {p.returncode}: {p.stderr[-2000:]}"
    assert float(p.stdout.split("max-err")[1]) < 1e-5
