"""Regenerate the kernel zoo: the Linalg our Triton front end makes of each kernel kind (test/mlir/zoo/).

    python tools/gen_kernel_zoo.py            # rewrite test/mlir/zoo/*.mlir and zoo.json (needs triton)
    python tools/gen_kernel_zoo.py --check    # exit 1 if a stored kernel differs from what the front end makes now
    python tools/gen_kernel_zoo.py softmax_f16 ...   # only these

Each zoo kernel is `hexopt triton FILE.py:KERNEL --emit linalg` of a kernel in test/python/triton/ for one
specialization (signature, constexprs). The lit tests (test/lit/zoo/) and the numerics tests
(test/python/test_kernel_zoo.py) read the stored Linalg, so they run without Triton. `zoo.json` records, per
kernel, what a run needs: the grid, the values of the scalar arguments (by argument index, as
`hexopt bench --arg I=VALUE` takes them) and the element type, so that `hexopt bench` can run it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZOO = ROOT / "test" / "mlir" / "zoo"
KERNELS = "test/python/triton/kernels.py"
F32 = "*fp32:16"
F16 = "*fp16:16"


@dataclass(frozen=True)
class ZooKernel:
    """One zoo entry: a Triton kernel specialized for one problem, and how to run it."""

    name: str
    kind: str  # the kernel kind of the Triton suite it stands for
    source: str  # FILE.py:KERNEL
    signature: str  # runtime parameters in order: NAME=TYPE,...
    constexprs: str
    grid: tuple[int, ...]
    dtype: str
    scalars: dict[str, str] = field(default_factory=dict)  # scalar parameter -> value
    #: `hexopt bench --tolerance`, when the default (f32: rtol 1e-5, atol 1e-8) is not the kind's own
    tolerance: str = ""

    def scalar_args(self) -> dict[str, str]:
        """{argument index: value} for `hexopt bench --arg I=VALUE`."""
        names = [p.partition("=")[0] for p in self.signature.split(",")]
        return {str(names.index(k)): v for k, v in self.scalars.items()}


def _sig(*params: str) -> str:
    return ",".join(params)


ZOO_KERNELS: list[ZooKernel] = [
    ZooKernel(
        "vadd_1d",
        "vector add 1-D",
        f"{KERNELS}:vadd_kernel",
        _sig(f"a_ptr={F32}", f"b_ptr={F32}", f"c_ptr={F32}"),
        "BLOCK=1024",
        (1,),
        "f32",
    ),
    ZooKernel(
        "vadd_2d",
        "vector add 2-D (block pointers)",
        f"{KERNELS}:vadd_2d_block_ptr_kernel",
        _sig(f"a_ptr={F32}", f"b_ptr={F32}", f"c_ptr={F32}"),
        "ROWS=64,COLS=128,BLOCK_R=32,BLOCK_C=64",
        (2, 2),
        "f32",
    ),
    ZooKernel(
        "vadd_2d_boundary",
        "vector add 2-D (block pointers, boundary check)",
        f"{KERNELS}:vadd_block_ptr_boundary_kernel",
        _sig(f"a_ptr={F32}", f"c_ptr={F32}", "rows=i32", "cols=i32"),
        "BLOCK_R=32,BLOCK_C=64",
        (2, 2),
        "f32",
        {"rows": "50", "cols": "70"},
    ),
    ZooKernel(
        "vadd_masked",
        "vector add masked (runtime n)",
        f"{KERNELS}:vadd_masked_kernel",
        _sig(f"a_ptr={F32}", f"b_ptr={F32}", f"c_ptr={F32}", "n=i32"),
        "BLOCK=1024",
        (1,),
        "f32",
        {"n": "1000"},
    ),
    ZooKernel(
        "vadd_multi_program",
        "vector add multi-program",
        f"{KERNELS}:vadd_masked_kernel",
        _sig(f"a_ptr={F32}", f"b_ptr={F32}", f"c_ptr={F32}", "n=i32"),
        "BLOCK=256",
        (4,),
        "f32",
        {"n": "1000"},
    ),
    ZooKernel(
        "vadd_scalar",
        "vector add of a runtime scalar",
        f"{KERNELS}:vadd_scalar_kernel",
        _sig(f"a_ptr={F32}", f"c_ptr={F32}", "alpha=fp32", "n=i32"),
        "BLOCK=256",
        (4,),
        "f32",
        {"alpha": "2.5", "n": "1000"},
    ),
    ZooKernel(
        "static_alloc_vadd",
        "static-allocator vadd",
        f"{KERNELS}:vadd_masked_kernel",
        _sig(f"a_ptr={F32}", f"b_ptr={F32}", f"c_ptr={F32}", "n=i32"),
        "BLOCK=32768",
        (4,),
        "f32",
        {"n": "131072"},
    ),
    ZooKernel(
        "vdiv_2d",
        "2-D divide (masks on both axes)",
        f"{KERNELS}:vdiv_2d_kernel",
        _sig(f"a_ptr={F32}", f"b_ptr={F32}", f"c_ptr={F32}", "rows=i32", "cols=i32", "stride_row=i32"),
        "BLOCK_R=32,BLOCK_C=64",
        (2, 2),
        "f32",
        {"rows": "50", "cols": "70", "stride_row": "70"},
    ),
    ZooKernel(
        "gelu_f32", "gelu", f"{KERNELS}:gelu_kernel", _sig(f"x_ptr={F32}", f"y_ptr={F32}"), "BLOCK=1024", (4,), "f32"
    ),
    ZooKernel(
        "gelu_f16", "gelu", f"{KERNELS}:gelu_kernel", _sig(f"x_ptr={F16}", f"y_ptr={F16}"), "BLOCK=1024", (4,), "f16"
    ),
    ZooKernel(
        "gelu_4d_f16",
        "gelu through 4-D block pointers",
        f"{KERNELS}:gelu_4d_block_ptr_kernel",
        _sig(f"x_ptr={F16}", f"y_ptr={F16}"),
        "D0=4,D1=8,D2=16,D3=32,B0=2",
        (2,),
        "f16",
    ),
    ZooKernel(
        "gelu_4d_d3_2_f16",
        "gelu through 4-D block pointers (last dim 2)",
        f"{KERNELS}:gelu_4d_block_ptr_kernel",
        _sig(f"x_ptr={F16}", f"y_ptr={F16}"),
        "D0=4,D1=8,D2=16,D3=2,B0=2",
        (2,),
        "f16",
    ),
    ZooKernel(
        "silu_f32",
        "silu",
        f"{KERNELS}:silu_kernel",
        _sig(f"x_ptr={F32}", f"y_ptr={F32}", "n=i32"),
        "BLOCK=512",
        (2,),
        "f32",
        {"n": "1000"},
    ),
    ZooKernel(
        "silu_f16",
        "silu",
        f"{KERNELS}:silu_kernel",
        _sig(f"x_ptr={F16}", f"y_ptr={F16}", "n=i32"),
        "BLOCK=512",
        (2,),
        "f16",
        {"n": "1000"},
    ),
    ZooKernel(
        "gelu_double_buffer",
        "double-buffered gelu",
        f"{KERNELS}:gelu_double_buffer_kernel",
        _sig(f"x_ptr={F32}", f"y_ptr={F32}"),
        "BLOCK=4096,CHUNK=1024",
        (2,),
        "f32",
    ),
    ZooKernel(
        "libdevice",
        "libdevice calls (rsqrt, tanh, exp)",
        f"{KERNELS}:libdevice_kernel",
        _sig(f"x_ptr={F32}", f"rsqrt_ptr={F32}", f"tanh_ptr={F32}", f"sigmoid_ptr={F32}"),
        "BLOCK=1024",
        (1,),
        "f32",
    ),
    ZooKernel(
        "cos_sin",
        "cos/sin",
        f"{KERNELS}:cos_sin_kernel",
        _sig(f"x_ptr={F32}", f"cos_ptr={F32}", f"sin_ptr={F32}"),
        "BLOCK=1024",
        (2,),
        "f32",
    ),
    ZooKernel(
        "layer_norm",
        "layer norm",
        f"{KERNELS}:layer_norm_kernel",
        _sig(
            f"x_ptr={F32}",
            f"y_ptr={F32}",
            f"w_ptr={F32}",
            f"b_ptr={F32}",
            f"mean_ptr={F32}",
            f"rstd_ptr={F32}",
            "n_rows=i32",
            "n_cols=i32",
            "eps=fp32",
        ),
        "BLOCK=128",
        (4,),
        "f32",
        {"n_rows": "37", "n_cols": "100", "eps": "1e-5"},
        # the reference's layer-norm test uses atol 1e-5: outputs near zero differ by the summation order
        tolerance="1e-5,1e-5",
    ),
    ZooKernel(
        "rms_norm_f32",
        "rms norm",
        f"{KERNELS}:rms_norm_kernel",
        _sig(f"x_ptr={F32}", f"y_ptr={F32}", f"w_ptr={F32}", "n_cols=i32", "eps=fp32"),
        "BLOCK=128",
        (16,),
        "f32",
        {"n_cols": "100", "eps": "1e-6"},
    ),
    ZooKernel(
        "rms_norm_f16",
        "rms norm",
        f"{KERNELS}:rms_norm_kernel",
        _sig(f"x_ptr={F16}", f"y_ptr={F16}", f"w_ptr={F16}", "n_cols=i32", "eps=fp32"),
        "BLOCK=128",
        (16,),
        "f16",
        {"n_cols": "100", "eps": "1e-6"},
    ),
    ZooKernel(
        "softmax_f32",
        "softmax",
        f"{KERNELS}:softmax_kernel",
        _sig(f"x_ptr={F32}", f"y_ptr={F32}", "n_cols=i32"),
        "BLOCK=128",
        (8,),
        "f32",
        {"n_cols": "100"},
    ),
    ZooKernel(
        "softmax_f16",
        "softmax",
        f"{KERNELS}:softmax_kernel",
        _sig(f"x_ptr={F16}", f"y_ptr={F16}", "n_cols=i32"),
        "BLOCK=128",
        (8,),
        "f16",
        {"n_cols": "100"},
    ),
    ZooKernel(
        "softmax_rows",
        "softmax, rows split across programs",
        f"{KERNELS}:softmax_rows_kernel",
        _sig(f"x_ptr={F32}", f"y_ptr={F32}"),
        "ROWS_PER_PROGRAM=16,N_COLS=128",
        (4,),
        "f32",
    ),
    ZooKernel(
        "online_softmax",
        "online softmax",
        f"{KERNELS}:online_softmax_kernel",
        _sig(f"x_ptr={F32}", f"y_ptr={F32}"),
        "N_COLS=512,BLOCK=128",
        (4,),
        "f32",
    ),
    ZooKernel(
        "l2_norm",
        "reduction with a custom combine function (L2 norm)",
        f"{KERNELS}:norm_kernel",
        _sig(f"x_ptr={F32}", f"out_ptr={F32}"),
        "BLOCK=256",
        (1,),
        "f32",
    ),
    ZooKernel(
        "flash_attention",
        "flash attention (the seed)",
        "test/python/triton/flash_attention.py:attention_fwd_kernel",
        _sig("pid1=i32:16", f"Q={F32}", f"K={F32}", f"V={F32}", f"Out={F32}"),
        "sm_scale=0.5,H=1,N_CTX=1024,BLOCK_M=256,BLOCK_DMODEL=64,BLOCK_N=64,STAGE=1,stride_0=65536,"
        "stride_1=65536,stride_2=64,stride_3=1",
        (4,),
        "f32",
        {"pid1": "0"},
    ),
    ZooKernel(
        "matmul_f16",
        "f16 matmul",
        f"{KERNELS}:matmul_kernel",
        _sig(f"a_ptr={F16}", f"b_ptr={F16}", f"c_ptr={F16}"),
        "M=64,N=64,K=64,BLOCK_M=32,BLOCK_N=32,BLOCK_K=32",
        (2, 2),
        "f16",
    ),
    ZooKernel(
        "sum",
        "sum",
        f"{KERNELS}:sum_kernel",
        _sig(f"x_ptr={F32}", f"out_ptr={F32}", "n=i32"),
        "BLOCK=1024",
        (1,),
        "f32",
        {"n": "1000"},
    ),
    ZooKernel(
        "sum_threads",
        "sum (big enough for threads)",
        f"{KERNELS}:sum_kernel",
        _sig(f"x_ptr={F32}", f"out_ptr={F32}", "n=i32"),
        "BLOCK=262144",
        (1,),
        "f32",
        {"n": "262144"},
    ),
    ZooKernel("grid_3d", "3-D grid", f"{KERNELS}:grid_3d_kernel", _sig("out_ptr=*i32:16"), "", (4, 3, 2), "i32"),
    ZooKernel(
        "rope_f32",
        "rope",
        f"{KERNELS}:rope_kernel",
        _sig(f"x_ptr={F32}", f"y_ptr={F32}", "base=fp32"),
        "SEQ=8,DIM=32",
        (1,),
        "f32",
        {"base": "10000.0"},
    ),
    ZooKernel(
        "rope_f16",
        "rope",
        f"{KERNELS}:rope_kernel",
        _sig(f"x_ptr={F16}", f"y_ptr={F16}", "base=fp32"),
        "SEQ=8,DIM=32",
        (1,),
        "f16",
        {"base": "10000.0"},
    ),
]


def generate(k: ZooKernel) -> str:
    argv = [
        sys.executable,
        "-m",
        "hexopt",
        "triton",
        str(ROOT / k.source),
        "--emit",
        "linalg",
        "--signature",
        k.signature,
    ]
    if k.constexprs:
        argv += ["--constexpr", k.constexprs]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{k.name}: hexopt triton failed:\n{proc.stderr}")
    header = (
        f"// The kernel zoo's {k.name}: {k.kind}. Generated by tools/gen_kernel_zoo.py from\n"
        f"// {k.source} ({k.constexprs or 'no constexprs'}); do not edit.\n"
    )
    return header + proc.stdout


def manifest() -> str:
    entries = {
        k.name: {
            "kind": k.kind,
            "source": k.source,
            "constexprs": k.constexprs,
            "grid": list(k.grid),
            "dtype": k.dtype,
            "args": k.scalar_args(),
            **({"tolerance": k.tolerance} if k.tolerance else {}),
        }
        for k in ZOO_KERNELS
    }
    return json.dumps(entries, indent=1) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("names", nargs="*", help="zoo kernels to regenerate (default: all)")
    args = parser.parse_args()
    known = {k.name: k for k in ZOO_KERNELS}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        raise SystemExit(f"unknown zoo kernels: {', '.join(unknown)} (known: {', '.join(known)})")
    stale = []
    outputs = {ZOO / f"{n}.mlir": (lambda k=known[n]: generate(k)) for n in (args.names or known)}
    outputs[ZOO / "zoo.json"] = manifest
    for path, make in outputs.items():
        text = make()
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"stale: {', '.join(stale)} (run python tools/gen_kernel_zoo.py)", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
