// tensor.reshape of a 64x32 block into 2048 elements (test/lit/bench/layout-ops.test).
func.func @k(%a: memref<*xf32>, %b: memref<*xf32>, %n0: i32, %n1: i32, %n2: i32, %p0: i32, %p1: i32, %p2: i32) {
  %ra = memref.reinterpret_cast %a to offset: [0], sizes: [64, 32], strides: [32, 1] : memref<*xf32> to memref<64x32xf32, strided<[32, 1]>>
  %t = bufferization.to_tensor %ra restrict : memref<64x32xf32, strided<[32, 1]>> to tensor<64x32xf32>
  %shape = arith.constant dense<[2048]> : tensor<1xi64>
  %f = tensor.reshape %t(%shape) : (tensor<64x32xf32>, tensor<1xi64>) -> tensor<2048xf32>
  %rb = memref.reinterpret_cast %b to offset: [0], sizes: [2048], strides: [1] : memref<*xf32> to memref<2048xf32, strided<[1]>>
  bufferization.materialize_in_destination %f in writable %rb : (tensor<2048xf32>, memref<2048xf32, strided<[1]>>) -> ()
  return
}
