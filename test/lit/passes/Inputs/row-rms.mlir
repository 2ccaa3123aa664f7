// y = x * rsqrt(mean(x * x) + eps) * w over one row of 1024 per program; the statistic is a tensor<1xf32>
// broadcast by (d0) -> (0), as triton-shared writes a keep_dims reduction.
#id = affine_map<(d0) -> (d0)>
#first = affine_map<(d0) -> (0)>
#one = affine_map<(d0) -> (d0)>
module {
  func.func @row_rms(%xp: memref<*xf32>, %wp: memref<*xf32>, %op: memref<*xf32>,
                     %g0: i32, %g1: i32, %g2: i32, %g3: i32, %g4: i32, %g5: i32) {
    %c1024 = arith.constant 1024 : i32
    %row = arith.muli %g3, %c1024 : i32
    %off = arith.index_cast %row : i32 to index
    %zero = arith.constant 0.0 : f32
    %n = arith.constant 1024.0 : f32
    %eps = arith.constant 1.0e-5 : f32
    %xm = memref.reinterpret_cast %xp to offset: [%off], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32, strided<[1], offset: ?>>
    %wm = memref.reinterpret_cast %wp to offset: [0], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32, strided<[1]>>
    %om = memref.reinterpret_cast %op to offset: [%off], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32, strided<[1], offset: ?>>
    %x = bufferization.to_tensor %xm restrict : memref<1024xf32, strided<[1], offset: ?>> to tensor<1024xf32>
    %w = bufferization.to_tensor %wm restrict : memref<1024xf32, strided<[1]>> to tensor<1024xf32>
    %e1 = tensor.empty() : tensor<1xf32>
    %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1xf32>) -> tensor<1xf32>
    %ss = linalg.generic {indexing_maps = [#id, #first], iterator_types = ["reduction"]} ins(%x : tensor<1024xf32>) outs(%z1 : tensor<1xf32>) {
    ^bb0(%a: f32, %acc: f32):
      %sq = arith.mulf %a, %a : f32
      %s = arith.addf %acc, %sq : f32
      linalg.yield %s : f32
    } -> tensor<1xf32>
    %rs = linalg.generic {indexing_maps = [#one, #one], iterator_types = ["parallel"]} ins(%ss : tensor<1xf32>) outs(%e1 : tensor<1xf32>) {
    ^bb0(%s: f32, %o: f32):
      %m = arith.divf %s, %n : f32
      %v = arith.addf %m, %eps : f32
      %r = math.rsqrt %v : f32
      linalg.yield %r : f32
    } -> tensor<1xf32>
    %e = tensor.empty() : tensor<1024xf32>
    %y = linalg.generic {indexing_maps = [#id, #first, #id, #id], iterator_types = ["parallel"]} ins(%x, %rs, %w : tensor<1024xf32>, tensor<1xf32>, tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
    ^bb0(%a: f32, %r: f32, %b: f32, %o: f32):
      %t = arith.mulf %a, %r : f32
      %u = arith.mulf %t, %b : f32
      linalg.yield %u : f32
    } -> tensor<1024xf32>
    bufferization.materialize_in_destination %y in writable %om : (tensor<1024xf32>, memref<1024xf32, strided<[1], offset: ?>>) -> ()
    return
  }
}
