"""Flash attention (forward), the seed kernel: its triton-shared-style Linalg IR for any shape, inputs,
reference and argument layout.

The IR has the structure of test/mlir/flash_attention.mlir (the tutorial's "Linalg Initial IR"):
with the seed's parameters (N_CTX 1024, D_HEAD 64, BLOCK_N 64, 4 programs, scale 0.5) the op
sequence is identical. Shapes:  M = BLOCK_M = N_CTX / threads rows per program, N = BLOCK_N
keys per KV-loop trip, D = D_HEAD. Where the seed shares one tensor between M x N and M x D
(they coincide there), separate `tensor.empty`/`linalg.fill` ops appear when N != D.

    python tools/gen_flash_attention.py --n-ctx 512 --d-head 32 -o fa_512_32.mlir

Arguments (the seed's): (pid1 = 0, Q, K, V, Out), Q/K/V/Out of shape (1, 1, N_CTX, D_HEAD) f32, then the
grid (threads programs, each BLOCK_M = N_CTX / threads rows). Out = softmax(Q K^T * scale) V.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import Kernel

LOG2E = 1.44269504  # the kernel's qk_scale *= 1/ln(2)


@dataclass(frozen=True)
class FlashAttentionShape:
    n_ctx: int = 1024
    d_head: int = 64
    block_n: int = 64
    threads: int = 4  # grid size = number of programs; BLOCK_M = n_ctx / threads
    scale: float = 0.5

    @property
    def block_m(self) -> int:
        return self.n_ctx // self.threads

    def check(self) -> None:
        for name in ("n_ctx", "d_head", "block_n", "threads"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive")
        if self.n_ctx % self.threads:
            raise ValueError(f"N_CTX ({self.n_ctx}) must be a multiple of threads ({self.threads})")
        if self.n_ctx % self.block_n:
            raise ValueError(f"N_CTX ({self.n_ctx}) must be a multiple of BLOCK_N ({self.block_n})")


def _f32(x: float) -> str:
    """The shortest decimal literal that MLIR reads back as the same f32 as `x`."""
    v = np.float32(x)
    for digits in range(1, 10):
        t = f"{float(v):.{digits}e}"
        if np.float32(float(t)) == v:
            return t
    return repr(float(v))


def _elementwise(
    res: str,
    maps: str,
    iters: str,
    ins: list[tuple[str, str]],
    out: tuple[str, str],
    body: str | None,
    indent: str,
    extra_attrs: str = "",
) -> str:
    """A linalg.generic in triton-shared style; body None = yield the first input (broadcast copy)."""
    in_vals = ", ".join(v for v, _ in ins)
    in_types = ", ".join(t for _, t in ins)
    args = ", ".join([f"%in{'_' + str(i) if i else ''}: f32" for i in range(len(ins))] + ["%out: f32"])
    lines = [
        f"{indent}{res} = linalg.generic {{indexing_maps = [{maps}], iterator_types = [{iters}]}}",
        f"{indent}    ins({in_vals} : {in_types}) outs({out[0]} : {out[1]}){extra_attrs} {{",
        f"{indent}^bb0({args}):",
    ]
    if body is None:
        lines.append(f"{indent}  linalg.yield %in : f32")
    else:
        lines.append(f"{indent}  %r = {body} : f32")
        lines.append(f"{indent}  linalg.yield %r : f32")
    lines.append(f"{indent}}} -> {out[1]}")
    return "\n".join(lines)


def generate(shape: FlashAttentionShape = FlashAttentionShape()) -> str:
    """The Linalg IR text of attention_fwd_kernel for `shape`."""
    shape.check()
    M, N, D, C = shape.block_m, shape.block_n, shape.d_head, shape.n_ctx
    MD, MN, NM, ND, DN = (f"tensor<{a}x{b}xf32>" for a, b in ((M, D), (M, N), (N, M), (N, D), (D, N)))
    VM = f"tensor<{M}xf32>"
    VM1 = f"tensor<{M}x1xf32>"
    strided_md = f"memref<{M}x{D}xf32, strided<[{D}, 1], offset: ?>>"
    strided_nd = f"memref<{N}x{D}xf32, strided<[{D}, 1], offset: ?>>"
    ID1, ID2, BC = "#map", "#map1", "#map2"
    par1, par2 = '"parallel"', '"parallel", "parallel"'
    i = "      "  # loop body indent
    f = "    "  # function body indent

    def ew(res, ins, out, body, ind, maps=None, iters=None, attrs=""):
        rank2 = out[1] != VM
        maps = maps or ", ".join([ID2 if rank2 else ID1] * (len(ins) + 1))
        return _elementwise(res, maps, iters or (par2 if rank2 else par1), ins, out, body, ind, attrs)

    bcast_attrs = " attrs =  {broadcastDims = array<i64: 1>}"
    # Where the seed reuses one M x D tensor for an M x N value, N != D needs its own.
    empty_mn, zero_mn = ("%0", "%6") if N == D else ("%empty_mn", "%zero_mn")

    out = []
    out.append("#map = affine_map<(d0) -> (d0)>")
    out.append("#map1 = affine_map<(d0, d1) -> (d0, d1)>")
    out.append("#map2 = affine_map<(d0, d1) -> (d0, 0)>")
    out.append('module attributes {llvm.target_triple = "hexagon"} {')
    out.append("  func.func @attention_fwd_kernel(")
    out.append("    %arg0: i32 {tt.divisibility = 16 : i32},")
    for a in range(1, 5):
        out.append(f"    %arg{a}: memref<*xf32> {{tt.divisibility = 16 : i32}},")
    out.append("    %arg5: i32, %arg6: i32, %arg7: i32, %arg8: i32, %arg9: i32, %arg10: i32) {")
    out += [
        f"{f}%cst = arith.constant {_f32(shape.scale * LOG2E)} : f32",
        f"{f}%c0_i64 = arith.constant 0 : i64",
        f"{f}%c_block_n_i64 = arith.constant {N} : i64",
        f"{f}%c_d_head = arith.constant {D} : index",
        f"{f}%c0_i32 = arith.constant 0 : i32",
        f"{f}%cst_0 = arith.constant 1.000000e+00 : f32",
        f"{f}%cst_1 = arith.constant -1.000000e+14 : f32",
        f"{f}%c_n_ctx_i32 = arith.constant {C} : i32",
        f"{f}%c_block_n_i32 = arith.constant {N} : i32",
        f"{f}%cst_2 = arith.constant 0.000000e+00 : f32",
        f"{f}%c_block_m_i32 = arith.constant {M} : i32",
        f"{f}%c_stride0_i32 = arith.constant {C * D} : i32",
        f"{f}%cst_3 = arith.constant 0xFF800000 : f32",
        f"{f}%0 = tensor.empty() : {MD}",
    ]
    if N != D:
        out.append(f"{f}%empty_mn = tensor.empty() : {MN}")
    out += [
        f"{f}%1 = linalg.fill ins(%cst : f32) outs({empty_mn} : {MN}) -> {MN}",
        f"{f}%2 = tensor.empty() : {VM}",
        f"{f}%3 = linalg.fill ins(%cst : f32) outs(%2 : {VM}) -> {VM}",
        f"{f}%4 = linalg.fill ins(%cst_0 : f32) outs(%2 : {VM}) -> {VM}",
        f"{f}%5 = linalg.fill ins(%cst_1 : f32) outs(%2 : {VM}) -> {VM}",
        f"{f}%6 = linalg.fill ins(%cst_2 : f32) outs(%0 : {MD}) -> {MD}",
    ]
    if N != D:
        out.append(f"{f}%zero_mn = linalg.fill ins(%cst_2 : f32) outs(%empty_mn : {MN}) -> {MN}")
    out += [
        f"{f}%7 = arith.muli %arg0, %c_stride0_i32 : i32",
        f"{f}%8 = arith.index_cast %7 : i32 to index",
        f"{f}%9 = arith.muli %arg8, %c_block_m_i32 : i32",
        f"{f}%10 = arith.index_cast %9 : i32 to index",
        f"{f}%11 = arith.muli %10, %c_d_head : index",
        f"{f}%12 = arith.addi %8, %11 : index",
        f"{f}%reinterpret_cast = memref.reinterpret_cast %arg1 to offset: [%12], sizes: [{M}, {D}], "
        f"strides: [{D}, 1] : memref<*xf32> to {strided_md}",
        f"{f}%13 = bufferization.to_tensor %reinterpret_cast restrict : {strided_md} to {MD}",
        f"{f}%14:5 = scf.for %arg11 = %c0_i32 to %c_n_ctx_i32 step %c_block_n_i32 "
        f"iter_args(%arg12 = %6, %arg13 = %4, %arg14 = %5, %arg15 = %c0_i64, %arg16 = %c0_i64) "
        f"-> ({MD}, {VM}, {VM}, i64, i64) : i32 {{",
        # K block, QK^T
        f"{i}%17 = arith.index_cast %arg15 : i64 to index",
        f"{i}%18 = arith.muli %17, %c_d_head : index",
        f"{i}%19 = arith.addi %8, %18 : index",
        f"{i}%reinterpret_cast_5 = memref.reinterpret_cast %arg2 to offset: [%19], sizes: [{N}, {D}], "
        f"strides: [{D}, 1] : memref<*xf32> to {strided_nd}",
        f"{i}%20 = bufferization.to_tensor %reinterpret_cast_5 restrict : {strided_nd} to {ND}",
        f"{i}%21 = tensor.empty() : {DN}",
        f"{i}%transposed = linalg.transpose ins(%20 : {ND}) outs(%21 : {DN}) permutation = [1, 0]",
        f"{i}%22 = linalg.matmul ins(%13, %transposed : {MD}, {DN}) outs({zero_mn} : {MN}) -> {MN}",
        # row max of qk
        f"{i}%23 = tensor.empty() : {NM}",
        f"{i}%transposed_6 = linalg.transpose ins(%22 : {MN}) outs(%23 : {NM}) permutation = [1, 0]",
        f"{i}%24 = linalg.fill ins(%cst_3 : f32) outs(%2 : {VM}) -> {VM}",
        f"{i}%reduced = linalg.reduce ins(%transposed_6 : {NM}) outs(%24 : {VM}) dimensions = [0]",
        f"{i}  (%in: f32, %init: f32) {{",
        f"{i}    %r = arith.maxnumf %in, %init : f32",
        f"{i}    linalg.yield %r : f32",
        f"{i}  }}",
        ew("%25", [("%reduced", VM), ("%3", VM)], ("%reduced", VM), "arith.mulf %in, %in_1", i),
        ew("%26", [("%arg14", VM), ("%25", VM)], ("%arg14", VM), "arith.maxnumf %in, %in_1", i),
        ew("%27", [("%22", MN), ("%1", MN)], ("%22", MN), "arith.mulf %in, %in_1", i),
        f"{i}%expanded_7 = tensor.expand_shape %26 [[0, 1]] output_shape [{M}, 1] : {VM} into {VM1}",
        ew("%28", [("%expanded_7", VM1)], (empty_mn, MN), None, i, maps=f"{BC}, {ID2}", attrs=bcast_attrs),
        ew("%29", [("%27", MN), ("%28", MN)], ("%27", MN), "arith.subf %in, %in_1", i),
        ew("%30", [("%29", MN)], ("%29", MN), "math.exp2 %in", i),
        # row sum of p
        f"{i}%transposed_8 = linalg.transpose ins(%30 : {MN}) outs(%23 : {NM}) permutation = [1, 0]",
        f"{i}%31 = linalg.fill ins(%cst_2 : f32) outs(%2 : {VM}) -> {VM}",
        f"{i}%reduced_9 = linalg.reduce ins(%transposed_8 : {NM}) outs(%31 : {VM}) dimensions = [0]",
        f"{i}  (%in: f32, %init: f32) {{",
        f"{i}    %r = arith.addf %in, %init : f32",
        f"{i}    linalg.yield %r : f32",
        f"{i}  }}",
        # alpha, l_i
        ew("%32", [("%arg14", VM), ("%26", VM)], ("%arg14", VM), "arith.subf %in, %in_1", i),
        ew("%33", [("%32", VM)], ("%32", VM), "math.exp2 %in", i),
        ew("%34", [("%arg13", VM), ("%33", VM)], ("%arg13", VM), "arith.mulf %in, %in_1", i),
        ew("%35", [("%34", VM), ("%reduced_9", VM)], ("%34", VM), "arith.addf %in, %in_1", i),
        # acc = acc * alpha[:, None] + p @ v
        f"{i}%expanded_10 = tensor.expand_shape %33 [[0, 1]] output_shape [{M}, 1] : {VM} into {VM1}",
        ew("%36", [("%expanded_10", VM1)], ("%0", MD), None, i, maps=f"{BC}, {ID2}", attrs=bcast_attrs),
        ew("%37", [("%arg12", MD), ("%36", MD)], ("%arg12", MD), "arith.mulf %in, %in_1", i),
        f"{i}%38 = arith.index_cast %arg16 : i64 to index",
        f"{i}%39 = arith.muli %38, %c_d_head : index",
        f"{i}%40 = arith.addi %8, %39 : index",
        f"{i}%reinterpret_cast_11 = memref.reinterpret_cast %arg3 to offset: [%40], sizes: [{N}, {D}], "
        f"strides: [{D}, 1] : memref<*xf32> to {strided_nd}",
        f"{i}%41 = bufferization.to_tensor %reinterpret_cast_11 restrict : {strided_nd} to {ND}",
        f"{i}%42 = linalg.matmul ins(%30, %41 : {MN}, {ND}) outs(%6 : {MD}) -> {MD}",
        ew("%43", [("%37", MD), ("%42", MD)], ("%37", MD), "arith.addf %in, %in_1", i),
        f"{i}%44 = arith.addi %arg16, %c_block_n_i64 : i64",
        f"{i}%45 = arith.addi %arg15, %c_block_n_i64 : i64",
        f"{i}scf.yield %43, %35, %26, %45, %44 : {MD}, {VM}, {VM}, i64, i64",
        f"{f}}}",
        # epilogue: acc / l_i[:, None], store
        f"{f}%expanded = tensor.expand_shape %14#1 [[0, 1]] output_shape [{M}, 1] : {VM} into {VM1}",
        ew("%15", [("%expanded", VM1)], ("%0", MD), None, f, maps=f"{BC}, {ID2}", attrs=bcast_attrs),
        ew("%16", [("%14#0", MD), ("%15", MD)], ("%14#0", MD), "arith.divf %in, %in_1", f),
        f"{f}%reinterpret_cast_4 = memref.reinterpret_cast %arg4 to offset: [%12], sizes: [{M}, {D}], "
        f"strides: [{D}, 1] : memref<*xf32> to {strided_md}",
        f"{f}bufferization.materialize_in_destination %16 in writable %reinterpret_cast_4 : ({MD}, {strided_md}) -> ()",
        f"{f}return",
        "  }",
        "}",
    ]
    return "\n".join(out) + "\n"


def attention_reference(q: np.ndarray, k: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    """softmax(q @ k^T * scale) @ v over the last two axes, computed in float64."""
    q64, k64, v64 = (np.asarray(x, dtype=np.float64) for x in (q, k, v))
    s = np.matmul(q64, np.swapaxes(k64, -1, -2)) * scale
    s -= s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=-1, keepdims=True)
    return np.matmul(p, v64)


class FlashAttention(Kernel):
    name = "flash_attention"
    entry = "attention_fwd_kernel"
    description = "flash attention forward, f32: Out = softmax(Q K^T * scale) V on (1, 1, N_CTX, D_HEAD)"
    Problem = FlashAttentionShape
    outputs = (4,)

    def linalg(self, problem: Any) -> str:
        return generate(problem)

    def grid(self, problem: Any) -> tuple[int, ...]:
        return (problem.threads,)

    def inputs(self, problem: Any, rng: np.random.Generator) -> list[Any]:
        q, k, v = (rng.random((1, 1, problem.n_ctx, problem.d_head), dtype=np.float32) for _ in range(3))
        return [0, q, k, v, np.zeros_like(q)]

    def reference(self, problem: Any, args: list[Any]) -> dict[int, np.ndarray]:
        return {4: attention_reference(args[1], args[2], args[3], problem.scale)}


KERNEL = FlashAttention()
