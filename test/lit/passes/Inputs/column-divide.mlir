// out = x / colsum(x)[None, :] on one 64x128 block: the column sums broadcast over the rows, as a
// triton-shared kernel writes `x / tl.sum(x, axis=0)[None, :]`.
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
module {
  func.func @column_divide(%xp: memref<*xf32>, %op: memref<*xf32>, %g0: i32, %g1: i32, %g2: i32, %g3: i32, %g4: i32, %g5: i32) {
    %zero = arith.constant 0.0 : f32
    %xm = memref.reinterpret_cast %xp to offset: [0], sizes: [64, 128], strides: [128, 1] : memref<*xf32> to memref<64x128xf32, strided<[128, 1]>>
    %om = memref.reinterpret_cast %op to offset: [0], sizes: [64, 128], strides: [128, 1] : memref<*xf32> to memref<64x128xf32, strided<[128, 1]>>
    %x = bufferization.to_tensor %xm restrict : memref<64x128xf32, strided<[128, 1]>> to tensor<64x128xf32>
    %e1 = tensor.empty() : tensor<128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%e1 : tensor<128xf32>) -> tensor<128xf32>
    %s = linalg.reduce ins(%x : tensor<64x128xf32>) outs(%z : tensor<128xf32>) dimensions = [0]
      (%a: f32, %acc: f32) {
        %t = arith.addf %a, %acc : f32
        linalg.yield %t : f32
      }
    %e = tensor.empty() : tensor<64x128xf32>
    %b = linalg.generic {indexing_maps = [#col, #id], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<128xf32>) outs(%e : tensor<64x128xf32>) {
    ^bb0(%a: f32, %o: f32):
      linalg.yield %a : f32
    } -> tensor<64x128xf32>
    %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %b : tensor<64x128xf32>, tensor<64x128xf32>) outs(%x : tensor<64x128xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %q = arith.divf %a, %c : f32
      linalg.yield %q : f32
    } -> tensor<64x128xf32>
    bufferization.materialize_in_destination %r in writable %om : (tensor<64x128xf32>, memref<64x128xf32, strided<[128, 1]>>) -> ()
    return
  }
}
