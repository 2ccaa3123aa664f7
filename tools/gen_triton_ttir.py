"""Regenerate the stored Triton IR the converter's lit tests read (test/lit/triton/Inputs/*.ttir).

    python tools/gen_triton_ttir.py           # rewrite the inputs (needs triton: pip install -e .[triton])
    python tools/gen_triton_ttir.py --check   # exit 1 if a stored input differs from what Triton emits now
    python tools/gen_triton_ttir.py --triton37 /path/to/python   # the *.tt37.ttir inputs (block pointers)

Each input is `hexopt triton FILE.py:KERNEL --emit ttir` of a kernel in test/python/triton/, with the
absolute path in its locations made relative to the repository, so that the lit suite runs without
Triton and its diagnostics name test/python/triton/<file>.py.

The `*.tt37` inputs come from Triton 3.5-3.7, whose TTIR keeps block pointers as tt.make_tensor_ptr /
tt.advance (3.8 lowers them to pointer arithmetic): give a Python that has triton 3.7 installed (its
front end runs hexopt.triton.child with this checkout on PYTHONPATH; it needs nothing else of hexopt's).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNELS = "test/python/triton/kernels.py"
INPUTS = ROOT / "test" / "lit" / "triton" / "Inputs"
P16 = "*fp32:16"

#: output name -> (file:kernel, signature, constexprs)
SPECS: dict[str, tuple[str, str, str]] = {
    # the seed, launched as its test does: pid1=0 and 16-byte aligned tensors are "divisible by 16"
    "attention_fwd_kernel": (
        "test/python/triton/flash_attention.py:attention_fwd_kernel",
        f"pid1=i32:16,Q={P16},K={P16},V={P16},Out={P16}",
        "sm_scale=0.5,H=1,N_CTX=1024,BLOCK_M=256,BLOCK_DMODEL=64,BLOCK_N=64,STAGE=1,stride_0=65536,"
        "stride_1=65536,stride_2=64,stride_3=1",
    ),
    "vadd": (f"{KERNELS}:vadd_kernel", f"a_ptr={P16},b_ptr={P16},c_ptr={P16}", "BLOCK=1024"),
    "vadd_masked": (f"{KERNELS}:vadd_masked_kernel", f"a_ptr={P16},b_ptr={P16},c_ptr={P16},n=i32", "BLOCK=256"),
    "vadd_2d_block_ptr": (
        f"{KERNELS}:vadd_2d_block_ptr_kernel",
        f"a_ptr={P16},b_ptr={P16},c_ptr={P16}",
        "ROWS=64,COLS=128,BLOCK_R=32,BLOCK_C=64",
    ),
    "vdiv_2d": (
        f"{KERNELS}:vdiv_2d_kernel",
        f"a_ptr={P16},b_ptr={P16},c_ptr={P16},rows=i32,cols=i32,stride_row=i32",
        "BLOCK_R=32,BLOCK_C=64",
    ),
    "gelu_f16": (f"{KERNELS}:gelu_kernel", "x_ptr=*fp16:16,y_ptr=*fp16:16", "BLOCK=1024"),
    "layer_norm": (
        f"{KERNELS}:layer_norm_kernel",
        f"x_ptr={P16},y_ptr={P16},w_ptr={P16},b_ptr={P16},mean_ptr={P16},rstd_ptr={P16},n_rows=i32,n_cols=i32,eps=fp32",
        "BLOCK=128",
    ),
    "softmax": (f"{KERNELS}:softmax_kernel", f"x_ptr={P16},y_ptr={P16},n_cols=i32", "BLOCK=128"),
    "softmax_rows": (f"{KERNELS}:softmax_rows_kernel", f"x_ptr={P16},y_ptr={P16}", "ROWS_PER_PROGRAM=16,N_COLS=128"),
    "online_softmax": (f"{KERNELS}:online_softmax_kernel", f"x_ptr={P16},y_ptr={P16}", "N_COLS=512,BLOCK=128"),
    "norm": (f"{KERNELS}:norm_kernel", f"x_ptr={P16},out_ptr={P16}", "BLOCK=256"),
    "matmul": (
        f"{KERNELS}:matmul_kernel",
        "a_ptr=*fp16:16,b_ptr=*fp16:16,c_ptr=*fp16:16",
        "M=64,N=64,K=64,BLOCK_M=32,BLOCK_N=32,BLOCK_K=32",
    ),
    "sum": (f"{KERNELS}:sum_kernel", f"x_ptr={P16},out_ptr={P16},n=i32", "BLOCK=1024"),
    "grid_3d": (f"{KERNELS}:grid_3d_kernel", "out_ptr=*i32:16", ""),
    "libdevice": (
        f"{KERNELS}:libdevice_kernel",
        f"x_ptr={P16},rsqrt_ptr={P16},tanh_ptr={P16},sigmoid_ptr={P16}",
        "BLOCK=1024",
    ),
    "rope": (f"{KERNELS}:rope_kernel", f"x_ptr={P16},y_ptr={P16},base=fp32", "SEQ=8,DIM=32"),
    "gather": (
        "test/python/triton/unsupported.py:gather_kernel",
        f"x_ptr={P16},idx_ptr=*i32:16,out_ptr={P16}",
        "BLOCK=64",
    ),
    "atomic": ("test/python/triton/unsupported.py:atomic_kernel", f"x_ptr={P16},out_ptr={P16}", "BLOCK=64"),
    "even_mask": ("test/python/triton/unsupported.py:even_mask_kernel", f"x_ptr={P16},out_ptr={P16}", "BLOCK=64"),
    "select_pointer": (
        "test/python/triton/unsupported.py:select_pointer_kernel",
        f"x_ptr={P16},y_ptr={P16},out_ptr={P16},flag=i32",
        "BLOCK=64",
    ),
}


#: inputs made with Triton 3.7 (block pointers as tt.make_tensor_ptr / tt.advance)
SPECS_37: dict[str, tuple[str, str, str]] = {
    "attention_fwd_kernel.tt37": SPECS["attention_fwd_kernel"],
    "vadd_2d_block_ptr.tt37": SPECS["vadd_2d_block_ptr"],
    "online_softmax.tt37": SPECS["online_softmax"],
    "block_ptr_boundary.tt37": (
        f"{KERNELS}:vadd_block_ptr_boundary_kernel",
        f"a_ptr={P16},c_ptr={P16},rows=i32,cols=i32",
        "BLOCK_R=32,BLOCK_C=64",
    ),
}


def generate_with(python: str, name: str) -> str:
    """The input made by another Python's triton through hexopt.triton.child (this checkout on PYTHONPATH)."""
    from hexopt.commands.triton import _pairs, parse_signature

    spec, signature, constexprs = SPECS_37[name]
    file, _, kernel = spec.rpartition(":")
    sig, attrs = parse_signature([signature])
    request = {
        "file": str(ROOT / file),
        "kernel": kernel,
        "signature": sig,
        "attrs": attrs,
        "constexprs": dict(_pairs([constexprs], "--constexpr")) if constexprs else {},
    }
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [python, "-m", "hexopt.triton.child"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    reply = json.loads(proc.stdout or "{}")
    if "ttir" not in reply:
        raise SystemExit(f"{name}: {reply.get('error') or proc.stderr}")
    return reply["ttir"].replace(f'"{ROOT}/', '"')


def generate(name: str) -> str:
    spec, signature, constexprs = SPECS[name]
    argv = [sys.executable, "-m", "hexopt", "triton", str(ROOT / spec), "--emit", "ttir", "--signature", signature]
    if constexprs:
        argv += ["--constexpr", constexprs]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{name}: hexopt triton failed:\n{proc.stderr}")
    return proc.stdout.replace(f'"{ROOT}/', '"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--triton37", metavar="PYTHON", help="regenerate the *.tt37 inputs with this Python's triton")
    parser.add_argument("names", nargs="*", help=f"inputs to regenerate (default: all of {', '.join(SPECS)})")
    args = parser.parse_args()
    stale = []
    names = args.names or list(SPECS_37 if args.triton37 else SPECS)
    for name in names:
        text = generate_with(args.triton37, name) if args.triton37 else generate(name)
        path = INPUTS / f"{name}.ttir"
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"stale: {', '.join(stale)} (run python tools/gen_triton_ttir.py)", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
