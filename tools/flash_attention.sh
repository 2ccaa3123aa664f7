#!/usr/bin/env bash
# The main job: the seed's flash-attention kernel from its Triton source (Python) through all six stages
# of the reference flow, then run and checked against softmax(QK^T*0.5)V on the host (MLIR JIT) and under
# qemu-hexagon. Build products go to build/flash_attention/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
out=build/flash_attention
mkdir -p "$out"
kernel=test/python/triton/flash_attention.py:attention_fwd_kernel
p16='*fp32:16'
signature="pid1=i32:16,Q=$p16,K=$p16,V=$p16,Out=$p16"
constexprs="sm_scale=0.5,H=1,N_CTX=1024,BLOCK_M=256,BLOCK_DMODEL=64,BLOCK_N=64,STAGE=1"
constexprs="$constexprs,stride_0=65536,stride_1=65536,stride_2=64,stride_3=1"

echo "== stages 1-2: Triton kernel -> Triton IR -> Linalg (hexopt triton; the seed's kernel, verbatim)"
hexopt triton "$kernel" --signature "$signature" --constexpr "$constexprs" --emit ttir -o "$out/kernel.ttir"
hexopt triton "$kernel" --signature "$signature" --constexpr "$constexprs" -o "$out/kernel.linalg.mlir"
hexopt run -p 'builtin.module(cse)' "$out/kernel.linalg.mlir" -o "$out/kernel.linalg.cse.mlir"
hexopt run -p 'builtin.module(cse)' test/mlir/flash_attention.mlir -o "$out/seed.cse.mlir"
python test/lit/triton/Inputs/same_ops.py "$out/seed.cse.mlir" "$out/kernel.linalg.cse.mlir" >/dev/null
echo "   the same ops as the seed's Linalg IR (test/mlir/flash_attention.mlir)"

echo "== stage 3: Linalg -> LLVM dialect (hexopt run hexagon); every stage in $out/report.html"
hexopt run hexagon "$out/kernel.linalg.mlir" -o "$out/kernel.llvm.mlir" --report "$out/report.html"
echo "== stage 4: LLVM dialect -> Hexagon v73 object, LLVM IR and assembly (hexopt translate)"
hexopt translate "$out/kernel.llvm.mlir" --emit obj -o "$out/kernel.o"
hexopt translate "$out/kernel.llvm.mlir" --emit llvm -o "$out/kernel.ll"
hexopt translate "$out/kernel.llvm.mlir" --emit asm -o "$out/kernel.s"
echo "== stage 5: link (hexopt link)"
hexopt link "$out/kernel.o" -o "$out/libattention_fwd_kernel.so"
echo "== the HVX build, statically (hexopt analyze: packets of one grid run of 4 programs)"
hexopt analyze "$out/kernel.o" --grid 4 --threads 4
echo "== stage 6a: run on the host (MLIR JIT, host pipeline), 10 iterations"
hexopt bench "$out/kernel.linalg.mlir" --target host
echo "== stage 6b: run under qemu-hexagon (harness + kernel + hexopt's async runtime, HVX float off)"
hexopt bench "$out/kernel.linalg.mlir" --target hexagon
echo "== the seed's own test, through hexopt's Triton driver (pytest)"
python -m pytest -q -s -p no:cacheprovider test/python/triton/test_flash_attention.py -k host
