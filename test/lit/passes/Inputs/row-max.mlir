// m = max(x) over 2048 elements (maxnumf), one program, stored in out[0]
#id = affine_map<(d0) -> (d0)>
#sc = affine_map<(d0) -> ()>
module {
  func.func @rowmax(%xp: memref<*xf32>, %op: memref<*xf32>, %g0: i32, %g1: i32, %g2: i32, %g3: i32, %g4: i32, %g5: i32) {
    %ninf = arith.constant 0xFF800000 : f32
    %xm = memref.reinterpret_cast %xp to offset: [0], sizes: [2048], strides: [1] : memref<*xf32> to memref<2048xf32, strided<[1]>>
    %om = memref.reinterpret_cast %op to offset: [0], sizes: [], strides: [] : memref<*xf32> to memref<f32, strided<[]>>
    %x = bufferization.to_tensor %xm restrict : memref<2048xf32, strided<[1]>> to tensor<2048xf32>
    %e = tensor.empty() : tensor<f32>
    %i = linalg.fill ins(%ninf : f32) outs(%e : tensor<f32>) -> tensor<f32>
    %r = linalg.generic {indexing_maps = [#id, #sc], iterator_types = ["reduction"]} ins(%x : tensor<2048xf32>) outs(%i : tensor<f32>) {
    ^bb0(%a: f32, %acc: f32):
      %m = arith.maxnumf %a, %acc : f32
      linalg.yield %m : f32
    } -> tensor<f32>
    bufferization.materialize_in_destination %r in writable %om : (tensor<f32>, memref<f32, strided<[]>>) -> ()
    return
  }
}
