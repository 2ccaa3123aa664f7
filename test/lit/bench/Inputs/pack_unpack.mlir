// pack into 32x32 tiles and unpack again: the output equals the input (test/lit/bench/layout-ops.test).
func.func @k(%a: memref<*xf32>, %b: memref<*xf32>, %n0: i32, %n1: i32, %n2: i32, %p0: i32, %p1: i32, %p2: i32) {
  %ra = memref.reinterpret_cast %a to offset: [0], sizes: [64, 64], strides: [64, 1] : memref<*xf32> to memref<64x64xf32, strided<[64, 1]>>
  %t = bufferization.to_tensor %ra restrict : memref<64x64xf32, strided<[64, 1]>> to tensor<64x64xf32>
  %e = tensor.empty() : tensor<2x2x32x32xf32>
  %p = linalg.pack %t inner_dims_pos = [0, 1] inner_tiles = [32, 32] into %e : tensor<64x64xf32> -> tensor<2x2x32x32xf32>
  %e2 = tensor.empty() : tensor<64x64xf32>
  %u = linalg.unpack %p inner_dims_pos = [0, 1] inner_tiles = [32, 32] into %e2 : tensor<2x2x32x32xf32> -> tensor<64x64xf32>
  %rb = memref.reinterpret_cast %b to offset: [0], sizes: [64, 64], strides: [64, 1] : memref<*xf32> to memref<64x64xf32, strided<[64, 1]>>
  bufferization.materialize_in_destination %u in writable %rb : (tensor<64x64xf32>, memref<64x64xf32, strided<[64, 1]>>) -> ()
  return
}
