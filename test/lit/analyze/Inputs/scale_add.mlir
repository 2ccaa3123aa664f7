// Elementwise: out = x * y + x on 4096 floats per program (program x handles block x).
#map = affine_map<(d0) -> (d0)>
module {
  func.func @scale_add_kernel(%x: memref<*xf32>, %y: memref<*xf32>, %out: memref<*xf32>,
                              %nx: i32, %ny: i32, %nz: i32, %px: i32, %py: i32, %pz: i32) {
    %c4096 = arith.constant 4096 : i32
    %0 = arith.muli %px, %c4096 : i32
    %off = arith.index_cast %0 : i32 to index
    %rx = memref.reinterpret_cast %x to offset: [%off], sizes: [4096], strides: [1] : memref<*xf32> to memref<4096xf32, strided<[1], offset: ?>>
    %ry = memref.reinterpret_cast %y to offset: [%off], sizes: [4096], strides: [1] : memref<*xf32> to memref<4096xf32, strided<[1], offset: ?>>
    %ro = memref.reinterpret_cast %out to offset: [%off], sizes: [4096], strides: [1] : memref<*xf32> to memref<4096xf32, strided<[1], offset: ?>>
    %tx = bufferization.to_tensor %rx restrict : memref<4096xf32, strided<[1], offset: ?>> to tensor<4096xf32>
    %ty = bufferization.to_tensor %ry restrict : memref<4096xf32, strided<[1], offset: ?>> to tensor<4096xf32>
    %init = tensor.empty() : tensor<4096xf32>
    %r = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
        ins(%tx, %ty : tensor<4096xf32>, tensor<4096xf32>) outs(%init : tensor<4096xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %m = arith.mulf %a, %b : f32
      %s = arith.addf %m, %a : f32
      linalg.yield %s : f32
    } -> tensor<4096xf32>
    bufferization.materialize_in_destination %r in writable %ro : (tensor<4096xf32>, memref<4096xf32, strided<[1], offset: ?>>) -> ()
    return
  }
}
