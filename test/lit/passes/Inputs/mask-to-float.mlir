// ((x > 0).to(tl.float32)) + y as Triton writes it, on one 64x128 block.
#id = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @mask_to_float(%xp: memref<*xf32>, %yp: memref<*xf32>, %op: memref<*xf32>,
                           %g0: i32, %g1: i32, %g2: i32, %g3: i32, %g4: i32, %g5: i32) {
    %zero = arith.constant 0.0 : f32
    %xm = memref.reinterpret_cast %xp to offset: [0], sizes: [64, 128], strides: [128, 1] : memref<*xf32> to memref<64x128xf32, strided<[128, 1]>>
    %ym = memref.reinterpret_cast %yp to offset: [0], sizes: [64, 128], strides: [128, 1] : memref<*xf32> to memref<64x128xf32, strided<[128, 1]>>
    %om = memref.reinterpret_cast %op to offset: [0], sizes: [64, 128], strides: [128, 1] : memref<*xf32> to memref<64x128xf32, strided<[128, 1]>>
    %x = bufferization.to_tensor %xm restrict : memref<64x128xf32, strided<[128, 1]>> to tensor<64x128xf32>
    %y = bufferization.to_tensor %ym restrict : memref<64x128xf32, strided<[128, 1]>> to tensor<64x128xf32>
    %e = tensor.empty() : tensor<64x128xf32>
    %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x, %y : tensor<64x128xf32>, tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %m = arith.cmpf ogt, %a, %zero : f32
      %f = arith.uitofp %m : i1 to f32
      %v = arith.addf %f, %b : f32
      linalg.yield %v : f32
    } -> tensor<64x128xf32>
    bufferization.materialize_in_destination %r in writable %om : (tensor<64x128xf32>, memref<64x128xf32, strided<[128, 1]>>) -> ()
    return
  }
}
