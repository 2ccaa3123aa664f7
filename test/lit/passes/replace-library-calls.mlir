// RUN: hexopt run -p 'builtin.module(replace-library-calls)' %s | filecheck %s
// Through the hexagon pipeline the op is neither generalized nor turned into loops: the kernel calls the
// routine through its C interface (pointers to 64-bit descriptors, the reference ABI).
// RUN: hexopt run hexagon %S/Inputs/library-call.mlir | filecheck %s --check-prefix=PIPE

// CHECK-LABEL: func.func private @vendor_gemm(memref<8x16xf32, strided<[?, ?], offset: ?>>, memref<16x4xf32, strided<[?, ?], offset: ?>>, memref<8x4xf32, strided<[?, ?], offset: ?>>)
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @gemm(
// CHECK-SAME: %[[A:.*]]: memref<8x16xf32>, %[[B:.*]]: memref<16x4xf32>, %[[C:.*]]: memref<8x4xf32>)
// CHECK: %[[CA:.*]] = memref.cast %[[A]] : memref<8x16xf32> to memref<8x16xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[CB:.*]] = memref.cast %[[B]]
// CHECK: %[[CC:.*]] = memref.cast %[[C]]
// CHECK: call @vendor_gemm(%[[CA]], %[[CB]], %[[CC]])
// CHECK-NOT: linalg.matmul
// Without the attribute the op stays for convert-linalg-to-loops.
// CHECK-LABEL: func.func @plain(
// CHECK: linalg.matmul ins
func.func @gemm(%a: memref<8x16xf32>, %b: memref<16x4xf32>, %c: memref<8x4xf32>) {
  linalg.matmul {library_call = "vendor_gemm"} ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  return
}
func.func @plain(%a: memref<8x16xf32>, %b: memref<16x4xf32>, %c: memref<8x4xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  return
}

// PIPE-LABEL: llvm.func private @vendor_gemm(
// PIPE: llvm.call @_mlir_ciface_vendor_gemm(%{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// PIPE-LABEL: llvm.func @gemm_tile(
// PIPE-NOT: llvm.fmul
// PIPE: llvm.call @vendor_gemm(
// PIPE-NOT: llvm.fmul
// PIPE: llvm.return
