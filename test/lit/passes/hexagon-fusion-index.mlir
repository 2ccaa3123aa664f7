// RUN: hexopt run -p 'builtin.module(hexagon-fusion)' %s | filecheck %s

// A producer whose body reads its loop indices (linalg.index) is fused through the consumer's map:
// each producer loop is renamed to the consumer loop that drives it. This crashed with a Python
// TypeError (the opdsl `linalg.index` helper was called instead of building linalg.index).
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#row0 = affine_map<(d0, d1) -> (0, d1)>

// The angle is produced transposed (8x16, d1 = the consumer's row) and read through (d1, d0): the
// producer's `linalg.index 1` is the consumer's loop 0. It has a second user (sin): multi-use fusion
// makes both one generic.
// CHECK-LABEL: func.func @rope(
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel"]
// CHECK:         %[[R_I:.+]] = linalg.index 0 : index
// CHECK-NEXT:    arith.index_cast %[[R_I]] : index to i32
// CHECK:         math.cos
// CHECK:         math.sin
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @rope(%x: tensor<16x8xf32>, %freq: tensor<8xf32>) -> tensor<16x8xf32> {
  %e = tensor.empty() : tensor<8x16xf32>
  %ang = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%freq : tensor<8xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%f: f32, %o: f32):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i32
    %fi = arith.sitofp %ii : i32 to f32
    %a = arith.mulf %fi, %f : f32
    linalg.yield %a : f32
  } -> tensor<8x16xf32>
  %e2 = tensor.empty() : tensor<16x8xf32>
  %c = linalg.generic {indexing_maps = [#id, #tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %ang : tensor<16x8xf32>, tensor<8x16xf32>) outs(%e2 : tensor<16x8xf32>) {
  ^bb0(%xv: f32, %av: f32, %o: f32):
    %cs = math.cos %av : f32
    %m = arith.mulf %xv, %cs : f32
    linalg.yield %m : f32
  } -> tensor<16x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %ang : tensor<16x8xf32>, tensor<8x16xf32>) outs(%e2 : tensor<16x8xf32>) {
  ^bb0(%cv: f32, %av: f32, %o: f32):
    %sn = math.sin %av : f32
    %s = arith.addf %cv, %sn : f32
    linalg.yield %s : f32
  } -> tensor<16x8xf32>
  return %r : tensor<16x8xf32>
}

// A broadcast producer (one row, read by every row through (0, d1)): its `linalg.index 0` is the
// constant 0 in the consumer's loops (the upstream fusion that follows folds 0 + j away), its
// `linalg.index 1` the consumer's loop 1.
// CHECK-LABEL: func.func @broadcast_index(
// CHECK:       linalg.generic
// CHECK-NOT:     linalg.index 0
// CHECK:         %[[B_J:.+]] = linalg.index 1 : index
// CHECK-NEXT:    arith.index_cast %[[B_J]] : index to i32
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @broadcast_index(%x: tensor<16x8xf32>, %w: tensor<8xf32>) -> tensor<16x8xf32> {
  %e = tensor.empty() : tensor<1x8xf32>
  %p = linalg.generic {indexing_maps = [#col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<8xf32>) outs(%e : tensor<1x8xf32>) {
  ^bb0(%f: f32, %o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %k = arith.addi %i, %j : index
    %ki = arith.index_cast %k : index to i32
    %kf = arith.sitofp %ki : i32 to f32
    %a = arith.mulf %kf, %f : f32
    linalg.yield %a : f32
  } -> tensor<1x8xf32>
  %e2 = tensor.empty() : tensor<16x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #row0, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %p : tensor<16x8xf32>, tensor<1x8xf32>) outs(%e2 : tensor<16x8xf32>) {
  ^bb0(%xv: f32, %pv: f32, %o: f32):
    %m = arith.mulf %xv, %pv : f32
    linalg.yield %m : f32
  } -> tensor<16x8xf32>
  return %r : tensor<16x8xf32>
}
