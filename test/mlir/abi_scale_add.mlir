// out = x * s + y on a 2048x128 f32 matrix, 512 rows per program (grid (4,)), in the shape triton-shared
// gives a kernel: unranked memrefs, a scalar, then the six grid i32; the block's offset comes from
// program_id x. Big enough (512x128, two body ops) for form-virtual-threads to split it into async tasks.
#map = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @scale_add(%x: memref<*xf32>, %y: memref<*xf32>, %out: memref<*xf32>, %s: f32,
                       %nx: i32, %ny: i32, %nz: i32, %px: i32, %py: i32, %pz: i32) {
    %c512 = arith.constant 512 : i32
    %c128 = arith.constant 128 : i32
    %row = arith.muli %px, %c512 : i32
    %elems = arith.muli %row, %c128 : i32
    %off = arith.index_cast %elems : i32 to index
    %rx = memref.reinterpret_cast %x to offset: [%off], sizes: [512, 128], strides: [128, 1] : memref<*xf32> to memref<512x128xf32, strided<[128, 1], offset: ?>>
    %ry = memref.reinterpret_cast %y to offset: [%off], sizes: [512, 128], strides: [128, 1] : memref<*xf32> to memref<512x128xf32, strided<[128, 1], offset: ?>>
    %ro = memref.reinterpret_cast %out to offset: [%off], sizes: [512, 128], strides: [128, 1] : memref<*xf32> to memref<512x128xf32, strided<[128, 1], offset: ?>>
    %ax = memref.alloc() : memref<512x128xf32>
    memref.copy %rx, %ax : memref<512x128xf32, strided<[128, 1], offset: ?>> to memref<512x128xf32>
    %tx = bufferization.to_tensor %ax restrict writable : memref<512x128xf32> to tensor<512x128xf32>
    %ay = memref.alloc() : memref<512x128xf32>
    memref.copy %ry, %ay : memref<512x128xf32, strided<[128, 1], offset: ?>> to memref<512x128xf32>
    %ty = bufferization.to_tensor %ay restrict writable : memref<512x128xf32> to tensor<512x128xf32>
    %r = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]}
        ins(%tx, %ty : tensor<512x128xf32>, tensor<512x128xf32>) outs(%tx : tensor<512x128xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %m = arith.mulf %a, %s : f32
      %v = arith.addf %m, %b : f32
      linalg.yield %v : f32
    } -> tensor<512x128xf32>
    bufferization.materialize_in_destination %r in writable %ro : (tensor<512x128xf32>, memref<512x128xf32, strided<[128, 1], offset: ?>>) -> ()
    return
  }
}
