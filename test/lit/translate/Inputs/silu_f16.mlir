// silu on f16 data computed in f32 (x * 1 / (1 + exp(-x))), as triton-shared emits it for an f16 tensor.
#map = affine_map<(d0) -> (d0)>
module {
  func.func @silu_kernel(%arg0: memref<*xf16>, %arg1: memref<*xf16>, %arg2: i32, %arg3: i32, %arg4: i32,
                         %arg5: i32, %arg6: i32, %arg7: i32) {
    %c1024_i32 = arith.constant 1024 : i32
    %one = arith.constant 1.000000e+00 : f32
    %zero = arith.constant 0.000000e+00 : f32
    %0 = arith.muli %arg5, %c1024_i32 : i32
    %1 = arith.index_cast %0 : i32 to index
    %in = memref.reinterpret_cast %arg0 to offset: [%1], sizes: [1024], strides: [1]
        : memref<*xf16> to memref<1024xf16, strided<[1], offset: ?>>
    %alloc = memref.alloc() : memref<1024xf16>
    memref.copy %in, %alloc : memref<1024xf16, strided<[1], offset: ?>> to memref<1024xf16>
    %2 = bufferization.to_tensor %alloc restrict writable : memref<1024xf16> to tensor<1024xf16>
    %3 = tensor.empty() : tensor<1024xf32>
    %4 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
        ins(%2 : tensor<1024xf16>) outs(%3 : tensor<1024xf32>) {
    ^bb0(%x16: f16, %o: f32):
      %x = arith.extf %x16 : f16 to f32
      %n = arith.subf %zero, %x : f32
      %e = math.exp %n : f32
      %d = arith.addf %one, %e : f32
      %s = arith.divf %one, %d : f32
      %y = arith.mulf %x, %s : f32
      linalg.yield %y : f32
    } -> tensor<1024xf32>
    %6 = tensor.empty() : tensor<1024xf16>
    %7 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
        ins(%4 : tensor<1024xf32>) outs(%6 : tensor<1024xf16>) {
    ^bb0(%y: f32, %o: f16):
      %t = arith.truncf %y : f32 to f16
      linalg.yield %t : f16
    } -> tensor<1024xf16>
    %out = memref.reinterpret_cast %arg1 to offset: [%1], sizes: [1024], strides: [1]
        : memref<*xf16> to memref<1024xf16, strided<[1], offset: ?>>
    bufferization.materialize_in_destination %7 in writable %out
        : (tensor<1024xf16>, memref<1024xf16, strided<[1], offset: ?>>) -> ()
    return
  }
}
