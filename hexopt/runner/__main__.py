"""Run a flash-attention kernel on the host JIT and print the reference `Test_Info` block.

    python -m hexopt.runner lowered.mlir --grid 4                 # LLVM-dialect input
    python -m hexopt.runner test/mlir/flash_attention.mlir --pipeline host --grid 4

Inputs are uniform [0, 1) f32 tensors (1, 1, N_CTX, D_HEAD) like the seed's `torch.rand`; the
kernel takes (pid1, Q, K, V, Out) then the grid. Result is Pass when the output is allclose
(rtol 1e-5, atol 1e-8) to softmax(Q K^T * scale) V computed in float64. Exit status 1 on Fail.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m hexopt.runner", description=__doc__.splitlines()[0])
    p.add_argument("input", help="LLVM-dialect MLIR, or Linalg IR with --pipeline")
    p.add_argument("--pipeline", help="lower the input with this YAML pipeline first (e.g. host, baseline)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                   help="pipeline option override (repeatable)")
    p.add_argument("--grid", type=int, default=4, help="number of programs (default 4)")
    p.add_argument("--n-ctx", type=int, default=1024)
    p.add_argument("--d-head", type=int, default=64)
    p.add_argument("--scale", type=float, default=0.5)
    p.add_argument("--iterations", type=int, default=10, help="timed runs of the whole grid (default 10)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the inputs")
    p.add_argument("--name", help="name in the report (default: the kernel's)")
    a = p.parse_args(argv)

    from .abi import attention_reference, test_info
    from .host import compile_host, lower

    with open(a.input) as fh:
        text = fh.read()
    if a.pipeline:
        sets = dict(s.split("=", 1) for s in a.sets)
        text = lower(text, a.pipeline, sets)
    kernel = compile_host(text)
    rng = np.random.default_rng(a.seed)
    q, k, v = (rng.random((1, 1, a.n_ctx, a.d_head), dtype=np.float32) for _ in range(3))
    out = np.zeros_like(q)
    args = [0, q, k, v, out]
    kernel.run(args, (a.grid,))
    ref = attention_reference(q, k, v, a.scale)
    passed = bool(np.allclose(out, ref, rtol=1e-5, atol=1e-8))
    err = float(np.abs(out - ref).max())
    res = kernel.benchmark(args, (a.grid,), iterations=a.iterations, warmup=0)
    print(test_info(a.name or kernel.name, passed, res.average_us))
    print(f"max abs error {err:.3e}; median {res.median_us:.1f} us over {len(res.times_us)} runs", file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
