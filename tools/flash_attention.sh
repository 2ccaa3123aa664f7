#!/usr/bin/env bash
# The main job: the seed flash-attention kernel from Linalg to a Hexagon object and a shared library,
# then run and checked against softmax(QK^T*0.5)V: on the host (MLIR JIT) and under qemu-hexagon.
# Build products go to build/flash_attention/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export ZIG_GLOBAL_CACHE_DIR=${ZIG_GLOBAL_CACHE_DIR:-$PWD/build/zig-cache}
seed=test/mlir/flash_attention.mlir
out=build/flash_attention
mkdir -p "$out"

echo "== stage 3: Linalg -> LLVM dialect (hexopt run hexagon), IR of every stage in $out/stages/"
rm -rf "$out/stages"
hexopt run hexagon "$seed" -o "$out/kernel.llvm.mlir" --dump-dir "$out/stages"
echo "== stage 4: LLVM dialect -> Hexagon v73 object, LLVM IR and assembly (hexopt translate)"
hexopt translate "$out/kernel.llvm.mlir" --emit obj -o "$out/kernel.o"
hexopt translate "$out/kernel.llvm.mlir" --emit llvm -o "$out/kernel.ll"
hexopt translate "$out/kernel.llvm.mlir" --emit asm -o "$out/kernel.s"
echo "   HVX instructions in kernel.s: $(grep -cE '\bv[0-9]+(:[0-9]+)?(\.[a-z0-9]+)? = |vmem' "$out/kernel.s")," \
     "calls to expf/exp2f: $(grep -cE 'call (expf|exp2f)' "$out/kernel.s" || true)"
echo "== stage 5: link (hexopt link)"
hexopt link "$out/kernel.o" -o "$out/libattention_fwd_kernel.so"
echo "== stage 6a: run on the host (MLIR JIT, host pipeline), 10 iterations"
hexopt bench "$seed" --target host
echo "== stage 6b: run under qemu-hexagon (static executable: harness + kernel + hexopt's async runtime)"
hexopt bench "$seed" --target hexagon
