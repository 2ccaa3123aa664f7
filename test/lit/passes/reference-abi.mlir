// The kernel ABI of the hexagon pipeline. By default it is the reference's: each unranked memref is
// (i64 rank, ptr), each ranked one (ptr, ptr, i64 offset, i64 sizes..., i64 strides...), while the
// body computes with a 32-bit index. abi=compact gives i32 there too. A function that returns a
// value gets _mlir_ciface_ wrappers, as the reference's driver expects.
// RUN: hexopt run hexagon %s | filecheck %s --check-prefix=REF
// RUN: hexopt run hexagon --set abi=compact %s | filecheck %s --check-prefix=COMPACT
// RUN: hexopt run hexagon %S/Inputs/reference-abi-result.mlir | filecheck %s --check-prefix=RESULT
// RUN: hexopt run hexagon --set abi=compact %S/Inputs/reference-abi-result.mlir | filecheck %s --check-prefix=RESULT-COMPACT
// RUN: not hexopt run hexagon %S/Inputs/reference-abi-dim.mlir 2>&1 | filecheck %s --check-prefix=DIM
// RUN: hexopt run hexagon --set index-bitwidth=64 %S/Inputs/reference-abi-dim.mlir | filecheck %s --check-prefix=DIM64
// RUN: hexopt run hexagon --set abi=compact %S/Inputs/reference-abi-dim.mlir | filecheck %s --check-prefix=DIMCOMPACT

#id = affine_map<(d0) -> (d0)>
func.func @widen(%in: memref<*xf16>, %out: memref<256xf32>, %pid: i32) {
  %src = memref.reinterpret_cast %in to offset: [0], sizes: [256], strides: [1] : memref<*xf16> to memref<256xf16, strided<[1]>>
  %t = bufferization.to_tensor %src restrict : memref<256xf16, strided<[1]>> to tensor<256xf16>
  %e = tensor.empty() : tensor<256xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%t : tensor<256xf16>) outs(%e : tensor<256xf32>) {
  ^bb0(%a: f16, %o: f32):
    %w = arith.extf %a : f16 to f32
    linalg.yield %w : f32
  } -> tensor<256xf32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<256xf32>, memref<256xf32>) -> ()
  return
}
// REF-LABEL: llvm.func @widen(
// REF-SAME: %[[RANK:.*]]: i64, %[[DESC:.*]]: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i32)
// REF: %[[ALIGNED:.*]] = llvm.getelementptr %[[DESC]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// REF: llvm.load %[[ALIGNED]] : !llvm.ptr -> !llvm.ptr
// REF: llvm.fpext %{{.*}} : vector<64xf16> to vector<64xf32>
// COMPACT-LABEL: llvm.func @widen(
// COMPACT-SAME: %{{.*}}: i32, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32)
// COMPACT-NOT: _mlir_ciface_widen

// RESULT-LABEL: llvm.func @add(
// RESULT-SAME: attributes {llvm.emit_c_interface}
// RESULT: llvm.func @_mlir_ciface_add(
// RESULT-COMPACT-LABEL: llvm.func @add(
// RESULT-COMPACT-NOT: llvm.func @_mlir_ciface_add

// DIM: reference-abi-dim.mlir:5:10: error: 'memref.dim' reads the offset, sizes or strides of an unranked memref (memref<*xf32>); with the reference ABI the caller lays them out with 64 bits while this kernel's index is 32 bits: lower with --set index-bitwidth=64 (the reference's own lowering) or --set abi=compact
// DIM64: llvm.func @size(%{{.*}}: i64, %{{.*}}: !llvm.ptr) -> i64
// DIMCOMPACT: llvm.func @size(%{{.*}}: i32, %{{.*}}: !llvm.ptr) -> i32
