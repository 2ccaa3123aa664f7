// out[idx[0] + i] = 1.0 for i < 64: the store offset comes from data the kernel loads, so no static
// analysis can bound it; the runner's guard pages must catch a bad index.
module {
  func.func @scatter(%idx: memref<*xi32>, %out: memref<*xf32>,
                     %nx: i32, %ny: i32, %nz: i32, %px: i32, %py: i32, %pz: i32) {
    %c0 = arith.constant 0 : index
    %one = arith.constant 1.0 : f32
    %ri = memref.reinterpret_cast %idx to offset: [0], sizes: [1], strides: [1] : memref<*xi32> to memref<1xi32, strided<[1]>>
    %ti = bufferization.to_tensor %ri restrict : memref<1xi32, strided<[1]>> to tensor<1xi32>
    %i = tensor.extract %ti[%c0] : tensor<1xi32>
    %off = arith.index_cast %i : i32 to index
    %ro = memref.reinterpret_cast %out to offset: [%off], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1], offset: ?>>
    %e = tensor.empty() : tensor<64xf32>
    %f = linalg.fill ins(%one : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
    bufferization.materialize_in_destination %f in writable %ro : (tensor<64xf32>, memref<64xf32, strided<[1], offset: ?>>) -> ()
    return
  }
}
