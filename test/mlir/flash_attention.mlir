#map = affine_map<(d0) -> (d0)>
#map1 = affine_map<(d0, d1) -> (d0, d1)>
#map2 = affine_map<(d0, d1) -> (d0, 0)>
module attributes {llvm.target_triple = "hexagon"} {
  func.func @attention_fwd_kernel(
    %arg0: i32 {tt.divisibility = 16 : i32},
    %arg1: memref<*xf32> {tt.divisibility = 16 : i32},
    %arg2: memref<*xf32> {tt.divisibility = 16 : i32},
    %arg3: memref<*xf32> {tt.divisibility = 16 : i32},
    %arg4: memref<*xf32> {tt.divisibility = 16 : i32},
    %arg5: i32, %arg6: i32, %arg7: i32, %arg8: i32, %arg9: i32, %arg10: i32) {
    %cst = arith.constant 0.72134751 : f32
    %c0_i64 = arith.constant 0 : i64
    %c64_i64 = arith.constant 64 : i64
    %c64 = arith.constant 64 : index
    %c0_i32 = arith.constant 0 : i32
    %cst_0 = arith.constant 1.000000e+00 : f32
    %cst_1 = arith.constant -1.000000e+14 : f32
    %c1024_i32 = arith.constant 1024 : i32
    %c64_i32 = arith.constant 64 : i32
    %cst_2 = arith.constant 0.000000e+00 : f32
    %c256_i32 = arith.constant 256 : i32
    %c65536_i32 = arith.constant 65536 : i32
    %cst_3 = arith.constant 0xFF800000 : f32
    %0 = tensor.empty() : tensor<256x64xf32>
    %1 = linalg.fill ins(%cst : f32) outs(%0 : tensor<256x64xf32>) -> tensor<256x64xf32>
    %2 = tensor.empty() : tensor<256xf32>
    %3 = linalg.fill ins(%cst : f32) outs(%2 : tensor<256xf32>) -> tensor<256xf32>
    %4 = linalg.fill ins(%cst_0 : f32) outs(%2 : tensor<256xf32>) -> tensor<256xf32>
    %5 = linalg.fill ins(%cst_1 : f32) outs(%2 : tensor<256xf32>) -> tensor<256xf32>
    %6 = linalg.fill ins(%cst_2 : f32) outs(%0 : tensor<256x64xf32>) -> tensor<256x64xf32>
    %7 = arith.muli %arg0, %c65536_i32 : i32
    %8 = arith.index_cast %7 : i32 to index
    %9 = arith.muli %arg8, %c256_i32 : i32
    %10 = arith.index_cast %9 : i32 to index
    %11 = arith.muli %10, %c64 : index
    %12 = arith.addi %8, %11 : index

    %reinterpret_cast = memref.reinterpret_cast %arg1 to offset: [%12], sizes: [256, 64], strides: [64, 1]
     : memref<*xf32> to memref<256x64xf32, strided<[64, 1], offset: ?>>
    %13 = bufferization.to_tensor %reinterpret_cast restrict
     : memref<256x64xf32, strided<[64, 1], offset: ?>> to tensor<256x64xf32>

    %14:5 = scf.for %arg11 = %c0_i32 to %c1024_i32 step %c64_i32
              iter_args(%arg12 = %6, %arg13 = %4, %arg14 = %5, %arg15 = %c0_i64, %arg16 = %c0_i64)
             -> (tensor<256x64xf32>, tensor<256xf32>, tensor<256xf32>, i64, i64)  : i32 {                
      %17 = arith.index_cast %arg15 : i64 to index
      %18 = arith.muli %17, %c64 : index
      %19 = arith.addi %8, %18 : index
      %reinterpret_cast_5 = memref.reinterpret_cast %arg2 to offset: [%19], sizes: [64, 64], strides: [64, 1]
       : memref<*xf32> to memref<64x64xf32, strided<[64, 1], offset: ?>>
      %20 = bufferization.to_tensor %reinterpret_cast_5 restrict
       : memref<64x64xf32, strided<[64, 1], offset: ?>> to tensor<64x64xf32>
      %21 = tensor.empty() : tensor<64x64xf32>

      %transposed = linalg.transpose ins(%20 : tensor<64x64xf32>) outs(%21 : tensor<64x64xf32>) permutation = [1, 0] 
      %22 = linalg.matmul
              ins(%13, %transposed : tensor<256x64xf32>, tensor<64x64xf32>)
              outs(%6 : tensor<256x64xf32>) -> tensor<256x64xf32>

      %23 = tensor.empty() : tensor<64x256xf32>
      %transposed_6 = linalg.transpose
              ins(%22 : tensor<256x64xf32>) outs(%23 : tensor<64x256xf32>) permutation = [1, 0] 
      %24 = linalg.fill ins(%cst_3 : f32) outs(%2 : tensor<256xf32>) -> tensor<256xf32>

      %reduced = linalg.reduce ins(%transposed_6 : tensor<64x256xf32>) outs(%24 : tensor<256xf32>) dimensions = [0] 
        (%in: f32, %init: f32) {
          %46 = arith.maxnumf %in, %init : f32
          linalg.yield %46 : f32
      }

      %25 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
               ins(%reduced, %3 : tensor<256xf32>, tensor<256xf32>) outs(%reduced : tensor<256xf32>) {
      ^bb0(%in: f32, %in_12: f32, %out: f32):
        %46 = arith.mulf %in, %in_12 : f32
        linalg.yield %46 : f32
      } -> tensor<256xf32>

      %26 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
               ins(%arg14, %25 : tensor<256xf32>, tensor<256xf32>) outs(%arg14 : tensor<256xf32>) {
      ^bb0(%in: f32, %in_12: f32, %out: f32):
        %46 = arith.maxnumf %in, %in_12 : f32
        linalg.yield %46 : f32
      } -> tensor<256xf32>

      %27 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel", "parallel"]}
               ins(%22, %1 : tensor<256x64xf32>, tensor<256x64xf32>) outs(%22 : tensor<256x64xf32>) {
      ^bb0(%in: f32, %in_12: f32, %out: f32):
        %46 = arith.mulf %in, %in_12 : f32
        linalg.yield %46 : f32
      } -> tensor<256x64xf32>

      %expanded_7 = tensor.expand_shape %26 [[0, 1]] output_shape [256, 1] : tensor<256xf32> into tensor<256x1xf32>

      %28 = linalg.generic {indexing_maps = [#map2, #map1], iterator_types = ["parallel", "parallel"]}
              ins(%expanded_7 : tensor<256x1xf32>) outs(%0 : tensor<256x64xf32>) attrs =  {broadcastDims = array<i64: 1>} {
      ^bb0(%in: f32, %out: f32):
        linalg.yield %in : f32
      } -> tensor<256x64xf32>

      %29 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel", "parallel"]}
              ins(%27, %28 : tensor<256x64xf32>, tensor<256x64xf32>) outs(%27 : tensor<256x64xf32>) {
      ^bb0(%in: f32, %in_12: f32, %out: f32):
        %46 = arith.subf %in, %in_12 : f32
        linalg.yield %46 : f32
      } -> tensor<256x64xf32>

      %30 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel"]}
               ins(%29 : tensor<256x64xf32>) outs(%29 : tensor<256x64xf32>) {
      ^bb0(%in: f32, %out: f32):
        %46 = math.exp2 %in : f32
        linalg.yield %46 : f32
      } -> tensor<256x64xf32>

      %transposed_8 = linalg.transpose ins(%30 : tensor<256x64xf32>) outs(%23 : tensor<64x256xf32>) permutation = [1, 0] 

      %31 = linalg.fill ins(%cst_2 : f32) outs(%2 : tensor<256xf32>) -> tensor<256xf32>
      %reduced_9 = linalg.reduce
            ins(%transposed_8 : tensor<64x256xf32>) outs(%31 : tensor<256xf32>) dimensions = [0] 
        (%in: f32, %init: f32) {
          %46 = arith.addf %in, %init : f32
          linalg.yield %46 : f32
      }

      %32 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
             ins(%arg14, %26 : tensor<256xf32>, tensor<256xf32>) outs(%arg14 : tensor<256xf32>) {
      ^bb0(%in: f32, %in_12: f32, %out: f32):
        %46 = arith.subf %in, %in_12 : f32
        linalg.yield %46 : f32
      } -> tensor<256xf32>

      %33 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
             ins(%32 : tensor<256xf32>) outs(%32 : tensor<256xf32>) {
      ^bb0(%in: f32, %out: f32):
        %46 = math.exp2 %in : f32
        linalg.yield %46 : f32
      } -> tensor<256xf32>

      %34 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
             ins(%arg13, %33 : tensor<256xf32>, tensor<256xf32>) outs(%arg13 : tensor<256xf32>) {
      ^bb0(%in: f32, %in_12: f32, %out: f32):
        %46 = arith.mulf %in, %in_12 : f32
        linalg.yield %46 : f32
      } -> tensor<256xf32>

      %35 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
              ins(%34, %reduced_9 : tensor<256xf32>, tensor<256xf32>) outs(%34 : tensor<256xf32>) {
      ^bb0(%in: f32, %in_12: f32, %out: f32):
        %46 = arith.addf %in, %in_12 : f32
        linalg.yield %46 : f32
      } -> tensor<256xf32>

      %expanded_10 = tensor.expand_shape %33 [[0, 1]] output_shape [256, 1] : tensor<256xf32> into tensor<256x1xf32>

      %36 = linalg.generic {indexing_maps = [#map2, #map1], iterator_types = ["parallel", "parallel"]}
             ins(%expanded_10 : tensor<256x1xf32>) outs(%0 : tensor<256x64xf32>) attrs =  {broadcastDims = array<i64: 1>} {
      ^bb0(%in: f32, %out: f32):
        linalg.yield %in : f32
      } -> tensor<256x64xf32>

      %37 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel", "parallel"]}
              ins(%arg12, %36 : tensor<256x64xf32>, tensor<256x64xf32>) outs(%arg12 : tensor<256x64xf32>) {
      ^bb0(%in: f32, %in_12: f32, %out: f32):
        %46 = arith.mulf %in, %in_12 : f32
        linalg.yield %46 : f32
      } -> tensor<256x64xf32>
      %38 = arith.index_cast %arg16 : i64 to index
      %39 = arith.muli %38, %c64 : index
      %40 = arith.addi %8, %39 : index
      %reinterpret_cast_11 = memref.reinterpret_cast %arg3 to offset: [%40], sizes: [64, 64], strides: [64, 1]
         : memref<*xf32> to memref<64x64xf32, strided<[64, 1], offset: ?>>
      %41 = bufferization.to_tensor %reinterpret_cast_11 restrict
         : memref<64x64xf32, strided<[64, 1], offset: ?>> to tensor<64x64xf32>

      %42 = linalg.matmul
          ins(%30, %41 : tensor<256x64xf32>, tensor<64x64xf32>) outs(%6 : tensor<256x64xf32>) -> tensor<256x64xf32>
          
      %43 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel", "parallel"]}
              ins(%37, %42 : tensor<256x64xf32>, tensor<256x64xf32>) outs(%37 : tensor<256x64xf32>) {
      ^bb0(%in: f32, %in_12: f32, %out: f32):
        %46 = arith.addf %in, %in_12 : f32
        linalg.yield %46 : f32
      } -> tensor<256x64xf32>
      %44 = arith.addi %arg16, %c64_i64 : i64
      %45 = arith.addi %arg15, %c64_i64 : i64
      scf.yield %43, %35, %26, %45, %44 : tensor<256x64xf32>, tensor<256xf32>, tensor<256xf32>, i64, i64
    }
    %expanded = tensor.expand_shape %14#1 [[0, 1]] output_shape [256, 1] : tensor<256xf32> into tensor<256x1xf32>

    %15 = linalg.generic {indexing_maps = [#map2, #map1], iterator_types = ["parallel", "parallel"]}
     ins(%expanded : tensor<256x1xf32>) outs(%0 : tensor<256x64xf32>) attrs =  {broadcastDims = array<i64: 1>} {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<256x64xf32>

    %16 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel", "parallel"]}
             ins(%14#0, %15 : tensor<256x64xf32>, tensor<256x64xf32>) outs(%14#0 : tensor<256x64xf32>) {
    ^bb0(%in: f32, %in_5: f32, %out: f32):
      %17 = arith.divf %in, %in_5 : f32
      linalg.yield %17 : f32
    } -> tensor<256x64xf32>

    %reinterpret_cast_4 = memref.reinterpret_cast %arg4 to offset: [%12], sizes: [256, 64], strides: [64, 1]
     : memref<*xf32> to memref<256x64xf32, strided<[64, 1], offset: ?>>
    bufferization.materialize_in_destination %16 in writable %reinterpret_cast_4
     : (tensor<256x64xf32>, memref<256x64xf32, strided<[64, 1], offset: ?>>) -> ()
    return
  }
}
