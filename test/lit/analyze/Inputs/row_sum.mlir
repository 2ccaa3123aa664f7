// Reduction: out[i] = sum_j x[i, j] over a 128x512 block per program (program x handles rows 128x..).
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
module {
  func.func @row_sum_kernel(%x: memref<*xf32>, %out: memref<*xf32>,
                            %nx: i32, %ny: i32, %nz: i32, %px: i32, %py: i32, %pz: i32) {
    %c128 = arith.constant 128 : i32
    %c512 = arith.constant 512 : i32
    %zero = arith.constant 0.0 : f32
    %row = arith.muli %px, %c128 : i32
    %elt = arith.muli %row, %c512 : i32
    %xoff = arith.index_cast %elt : i32 to index
    %ooff = arith.index_cast %row : i32 to index
    %rx = memref.reinterpret_cast %x to offset: [%xoff], sizes: [128, 512], strides: [512, 1] : memref<*xf32> to memref<128x512xf32, strided<[512, 1], offset: ?>>
    %ro = memref.reinterpret_cast %out to offset: [%ooff], sizes: [128], strides: [1] : memref<*xf32> to memref<128xf32, strided<[1], offset: ?>>
    %tx = bufferization.to_tensor %rx restrict : memref<128x512xf32, strided<[512, 1], offset: ?>> to tensor<128x512xf32>
    %init = tensor.empty() : tensor<128xf32>
    %zeros = linalg.fill ins(%zero : f32) outs(%init : tensor<128xf32>) -> tensor<128xf32>
    %sum = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
        ins(%tx : tensor<128x512xf32>) outs(%zeros : tensor<128xf32>) {
    ^bb0(%a: f32, %acc: f32):
      %s = arith.addf %a, %acc : f32
      linalg.yield %s : f32
    } -> tensor<128xf32>
    bufferization.materialize_in_destination %sum in writable %ro : (tensor<128xf32>, memref<128xf32, strided<[1], offset: ?>>) -> ()
    return
  }
}
