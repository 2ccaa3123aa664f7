// Matmul: C = A @ B with A 64x128 (program x reads rows 64x..), B 128x96, C 64x96.
module {
  func.func @matmul_kernel(%a: memref<*xf32>, %b: memref<*xf32>, %c: memref<*xf32>,
                           %nx: i32, %ny: i32, %nz: i32, %px: i32, %py: i32, %pz: i32) {
    %c8192 = arith.constant 8192 : i32
    %c6144 = arith.constant 6144 : i32
    %zero = arith.constant 0.0 : f32
    %ai = arith.muli %px, %c8192 : i32
    %ci = arith.muli %px, %c6144 : i32
    %aoff = arith.index_cast %ai : i32 to index
    %coff = arith.index_cast %ci : i32 to index
    %ra = memref.reinterpret_cast %a to offset: [%aoff], sizes: [64, 128], strides: [128, 1] : memref<*xf32> to memref<64x128xf32, strided<[128, 1], offset: ?>>
    %rb = memref.reinterpret_cast %b to offset: [0], sizes: [128, 96], strides: [96, 1] : memref<*xf32> to memref<128x96xf32, strided<[96, 1]>>
    %rc = memref.reinterpret_cast %c to offset: [%coff], sizes: [64, 96], strides: [96, 1] : memref<*xf32> to memref<64x96xf32, strided<[96, 1], offset: ?>>
    %ta = bufferization.to_tensor %ra restrict : memref<64x128xf32, strided<[128, 1], offset: ?>> to tensor<64x128xf32>
    %tb = bufferization.to_tensor %rb restrict : memref<128x96xf32, strided<[96, 1]>> to tensor<128x96xf32>
    %init = tensor.empty() : tensor<64x96xf32>
    %zeros = linalg.fill ins(%zero : f32) outs(%init : tensor<64x96xf32>) -> tensor<64x96xf32>
    %r = linalg.matmul ins(%ta, %tb : tensor<64x128xf32>, tensor<128x96xf32>) outs(%zeros : tensor<64x96xf32>) -> tensor<64x96xf32>
    bufferization.materialize_in_destination %r in writable %rc : (tensor<64x96xf32>, memref<64x96xf32, strided<[96, 1], offset: ?>>) -> ()
    return
  }
}
