#!/usr/bin/env python3
"""Write triton-shared-style Linalg IR of the flash-attention forward kernel for any shape.

    python tools/gen_flash_attention.py --n-ctx 512 --d-head 32 -o fa_512_32.mlir

The generator is hexopt.kernels.flash_attention (the same one `hexopt bench` and the tests use).
"""

from __future__ import annotations

import argparse
import sys

from hexopt.kernels.flash_attention import FlashAttentionShape, generate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n-ctx", type=int, default=1024, help="sequence length N_CTX (default 1024)")
    p.add_argument("--d-head", type=int, default=64, help="head dimension D_HEAD (default 64)")
    p.add_argument("--block-n", type=int, default=64, help="keys per KV-loop trip BLOCK_N (default 64)")
    p.add_argument("--threads", type=int, default=4, help="programs in the grid; BLOCK_M = N_CTX / threads (default 4)")
    p.add_argument("--scale", type=float, default=0.5, help="softmax scale sm_scale (default 0.5)")
    p.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    a = p.parse_args(argv)
    try:
        text = generate(FlashAttentionShape(a.n_ctx, a.d_head, a.block_n, a.threads, a.scale))
    except ValueError as e:
        p.error(str(e))
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
