// A triton-shared-style vector add: out = x + y on 1024 floats per program.
#map = affine_map<(d0) -> (d0)>
module {
  func.func @add_kernel(%x: memref<*xf32>, %y: memref<*xf32>, %out: memref<*xf32>,
                        %nx: i32, %ny: i32, %nz: i32, %px: i32, %py: i32, %pz: i32) {
    %c1024 = arith.constant 1024 : i32
    %0 = arith.muli %px, %c1024 : i32
    %off = arith.index_cast %0 : i32 to index
    %rx = memref.reinterpret_cast %x to offset: [%off], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32, strided<[1], offset: ?>>
    %ry = memref.reinterpret_cast %y to offset: [%off], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32, strided<[1], offset: ?>>
    %ro = memref.reinterpret_cast %out to offset: [%off], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32, strided<[1], offset: ?>>
    %tx = bufferization.to_tensor %rx restrict : memref<1024xf32, strided<[1], offset: ?>> to tensor<1024xf32>
    %ty = bufferization.to_tensor %ry restrict : memref<1024xf32, strided<[1], offset: ?>> to tensor<1024xf32>
    %sum = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
        ins(%tx, %ty : tensor<1024xf32>, tensor<1024xf32>) outs(%tx : tensor<1024xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<1024xf32>
    bufferization.materialize_in_destination %sum in writable %ro : (tensor<1024xf32>, memref<1024xf32, strided<[1], offset: ?>>) -> ()
    return
  }
}
