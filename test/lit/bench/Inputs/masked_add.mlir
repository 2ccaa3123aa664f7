// out[i] = x[i] + y[i] for i < n, BLOCK = 256 elements per program, masked like triton-shared does it:
// the last program copies only n - pid * BLOCK elements through subviews.
#map = affine_map<(d0) -> (d0)>
module {
  func.func @masked_add(%x: memref<*xf32>, %y: memref<*xf32>, %out: memref<*xf32>, %n: i32,
                        %nx: i32, %ny: i32, %nz: i32, %px: i32, %py: i32, %pz: i32) {
    %c256 = arith.constant 256 : index
    %c256_i32 = arith.constant 256 : i32
    %zero = arith.constant 0.0 : f32
    %p = arith.muli %px, %c256_i32 : i32
    %off = arith.index_cast %p : i32 to index
    %nn = arith.index_cast %n : i32 to index
    %left = arith.subi %nn, %off : index
    %len = arith.minsi %left, %c256 : index
    %rx = memref.reinterpret_cast %x to offset: [%off], sizes: [256], strides: [1] : memref<*xf32> to memref<256xf32, strided<[1], offset: ?>>
    %ry = memref.reinterpret_cast %y to offset: [%off], sizes: [256], strides: [1] : memref<*xf32> to memref<256xf32, strided<[1], offset: ?>>
    %ro = memref.reinterpret_cast %out to offset: [%off], sizes: [256], strides: [1] : memref<*xf32> to memref<256xf32, strided<[1], offset: ?>>
    %ax = memref.alloc() : memref<256xf32>
    linalg.fill ins(%zero : f32) outs(%ax : memref<256xf32>)
    %sx = memref.subview %rx[0] [%len] [1] : memref<256xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    %dx = memref.subview %ax[0] [%len] [1] : memref<256xf32> to memref<?xf32, strided<[1]>>
    memref.copy %sx, %dx : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
    %tx = bufferization.to_tensor %ax restrict writable : memref<256xf32> to tensor<256xf32>
    %ay = memref.alloc() : memref<256xf32>
    linalg.fill ins(%zero : f32) outs(%ay : memref<256xf32>)
    %sy = memref.subview %ry[0] [%len] [1] : memref<256xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    %dy = memref.subview %ay[0] [%len] [1] : memref<256xf32> to memref<?xf32, strided<[1]>>
    memref.copy %sy, %dy : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
    %ty = bufferization.to_tensor %ay restrict writable : memref<256xf32> to tensor<256xf32>
    %sum = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
        ins(%tx, %ty : tensor<256xf32>, tensor<256xf32>) outs(%tx : tensor<256xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<256xf32>
    %part = tensor.extract_slice %sum[0] [%len] [1] : tensor<256xf32> to tensor<?xf32>
    %so = memref.subview %ro[0] [%len] [1] : memref<256xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    bufferization.materialize_in_destination %part in writable %so : (tensor<?xf32>, memref<?xf32, strided<[1], offset: ?>>) -> ()
    return
  }
}
