// RUN: hexopt run -p 'builtin.module(flatten-elementwise)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(flatten-elementwise{vector-bytes=8})' %s | filecheck %s --check-prefix=SMALL

// A 4-D f16 block whose last dim (2) is far below a vector (64 lanes): one loop over its 512 elements.
// CHECK-LABEL: func.func @gelu_block(
// CHECK-SAME:    %[[G_X:[a-z0-9]+]]: tensor<2x8x16x2xf16>
// CHECK:         %[[G_IN:.+]] = tensor.collapse_shape %[[G_X]] {{\[}}[0, 1, 2, 3]] : tensor<2x8x16x2xf16> into tensor<512xf16>
// CHECK:         %[[G_OP:.+]] = linalg.generic {{.+}} iterator_types = ["parallel"]} ins(%[[G_IN]] : tensor<512xf16>)
// CHECK:           math.tanh
// CHECK:         %[[G_OUT:.+]] = tensor.expand_shape %[[G_OP]] {{\[}}[0, 1, 2, 3]] output_shape [2, 8, 16, 2]
// CHECK:         return %[[G_OUT]]
// SMALL-LABEL: func.func @gelu_block(
// SMALL:         tensor.collapse_shape
func.func @gelu_block(%x: tensor<2x8x16x2xf16>) -> tensor<2x8x16x2xf16> {
  %e = tensor.empty() : tensor<2x8x16x2xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x8x16x2xf16>) outs(%e : tensor<2x8x16x2xf16>) {
  ^bb0(%in: f16, %out: f16):
    %w = arith.extf %in : f16 to f32
    %t = math.tanh %w : f32
    %n = arith.truncf %t : f32 to f16
    linalg.yield %n : f16
  } -> tensor<2x8x16x2xf16>
  return %r : tensor<2x8x16x2xf16>
}

// A body that reads linalg.index keeps its meaning: the 2-D indices are recomputed from the flat one.
// CHECK-LABEL: func.func @with_index(
// CHECK:         linalg.generic {{.+}} iterator_types = ["parallel"]} ins(%{{.+}} : tensor<256xf16>)
// CHECK:           %[[I_FLAT:.+]] = linalg.index 0 : index
// CHECK:           %[[I_C32:.+]] = arith.constant 32 : index
// CHECK:           arith.divsi %[[I_FLAT]], %[[I_C32]] : index
func.func @with_index(%x: tensor<8x32xf16>) -> tensor<8x32xf16> {
  %e = tensor.empty() : tensor<8x32xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x32xf16>) outs(%e : tensor<8x32xf16>) {
  ^bb0(%in: f16, %out: f16):
    %i = linalg.index 0 : index
    %c = arith.index_cast %i : index to i32
    %f = arith.sitofp %c : i32 to f16
    %s = arith.addf %in, %f : f16
    linalg.yield %s : f16
  } -> tensor<8x32xf16>
  return %r : tensor<8x32xf16>
}

// Left alone: rows that are already whole vectors (32 f32 lanes), a broadcast, a reduction, a single loop.
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         return
// SMALL-LABEL: func.func @left_alone(
// SMALL-NOT:     tensor.collapse_shape
// SMALL:         return
func.func @left_alone(%a: tensor<4x64xf32>, %b: tensor<4xf32>, %c: tensor<100xf32>)
    -> (tensor<4x64xf32>, tensor<4x64xf32>, tensor<4xf32>, tensor<100xf32>) {
  %e = tensor.empty() : tensor<4x64xf32>
  %whole = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                           iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<4x64xf32>
  %bcast = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>],
                           iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<4xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4x64xf32>
  %red = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                         iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<4x64xf32>) outs(%b : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %e1 = tensor.empty() : tensor<100xf32>
  %one = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%c : tensor<100xf32>) outs(%e1 : tensor<100xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<100xf32>
  return %whole, %bcast, %red, %one : tensor<4x64xf32>, tensor<4x64xf32>, tensor<4xf32>, tensor<100xf32>
}

// 2 rows of 30 f32 hold no whole vector; their 60 elements hold one. With 8-byte vectors (2 f32 lanes) the
// rows are whole vectors already.
// CHECK-LABEL: func.func @two_rows(
// CHECK:         tensor.collapse_shape {{.+}} into tensor<60xf32>
// SMALL-LABEL: func.func @two_rows(
// SMALL-NOT:     tensor.collapse_shape
// SMALL:         return
func.func @two_rows(%d: tensor<2x30xf32>) -> tensor<2x30xf32> {
  %e2 = tensor.empty() : tensor<2x30xf32>
  %few = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                         iterator_types = ["parallel", "parallel"]}
      ins(%d : tensor<2x30xf32>) outs(%e2 : tensor<2x30xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<2x30xf32>
  return %few : tensor<2x30xf32>
}
