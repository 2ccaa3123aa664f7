// C = A B for 64x64 f16 A and B, in f32 (extf generics, a linalg.matmul, a truncf generic), as triton-shared
// emits an f16 tl.dot with an f32 accumulator.
#map = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @matmul_f16(%arg0: memref<*xf16>, %arg1: memref<*xf16>, %arg2: memref<*xf16>, %arg3: i32, %arg4: i32, %arg5: i32, %arg6: i32, %arg7: i32, %arg8: i32) {
    %cst = arith.constant 0.000000e+00 : f32
    %a = memref.reinterpret_cast %arg0 to offset: [0], sizes: [64, 64], strides: [64, 1] : memref<*xf16> to memref<64x64xf16, strided<[64, 1]>>
    %b = memref.reinterpret_cast %arg1 to offset: [0], sizes: [64, 64], strides: [64, 1] : memref<*xf16> to memref<64x64xf16, strided<[64, 1]>>
    %at = bufferization.to_tensor %a restrict : memref<64x64xf16, strided<[64, 1]>> to tensor<64x64xf16>
    %bt = bufferization.to_tensor %b restrict : memref<64x64xf16, strided<[64, 1]>> to tensor<64x64xf16>
    %e32 = tensor.empty() : tensor<64x64xf32>
    %a32 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%at : tensor<64x64xf16>) outs(%e32 : tensor<64x64xf32>) {
    ^bb0(%x: f16, %o: f32):
      %y = arith.extf %x : f16 to f32
      linalg.yield %y : f32
    } -> tensor<64x64xf32>
    %b32 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%bt : tensor<64x64xf16>) outs(%e32 : tensor<64x64xf32>) {
    ^bb0(%x: f16, %o: f32):
      %y = arith.extf %x : f16 to f32
      linalg.yield %y : f32
    } -> tensor<64x64xf32>
    %z = linalg.fill ins(%cst : f32) outs(%e32 : tensor<64x64xf32>) -> tensor<64x64xf32>
    %c = linalg.matmul ins(%a32, %b32 : tensor<64x64xf32>, tensor<64x64xf32>) outs(%z : tensor<64x64xf32>) -> tensor<64x64xf32>
    %e16 = tensor.empty() : tensor<64x64xf16>
    %c16 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%c : tensor<64x64xf32>) outs(%e16 : tensor<64x64xf16>) {
    ^bb0(%x: f32, %o: f16):
      %y = arith.truncf %x : f32 to f16
      linalg.yield %y : f16
    } -> tensor<64x64xf16>
    %out = memref.reinterpret_cast %arg2 to offset: [0], sizes: [64, 64], strides: [64, 1] : memref<*xf16> to memref<64x64xf16, strided<[64, 1]>>
    bufferization.materialize_in_destination %c16 in writable %out : (tensor<64x64xf16>, memref<64x64xf16, strided<[64, 1]>>) -> ()
    return
  }
}
