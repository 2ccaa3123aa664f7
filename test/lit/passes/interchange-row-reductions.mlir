// RUN: hexopt run -p 'builtin.module(interchange-row-reductions)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(interchange-row-reductions,hexagon-tiling{register-accumulators=true},hexagon-vectorization)' %s | filecheck %s --check-prefix=VEC

#t = affine_map<(d0, d1) -> (d1, d0)>
#r = affine_map<(d0, d1) -> (d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d0)>

// The seed's row max: (reduction, parallel) over the (d1, d0) view of the scores. The loops are
// interchanged so that the reduction is innermost and the scores are read along their rows.
// CHECK-DAG:   #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @row_max(
// CHECK:         linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK:           arith.maxnumf
// After tiling and vectorization: one row per tile, its two vectors combined lane-wise, then one
// reduction across the lanes into the row's running value; no strided read is left.
// VEC-LABEL: func.func @row_max(
// VEC:         scf.for %[[I:[a-z0-9]+]] = %{{.*}} to %{{.*}} step %c1
// VEC:           %[[LO:.*]] = vector.transfer_read %{{.*}}[%[[I]], %c0], %{{.*}} {in_bounds = [true]} : tensor<256x64xf32>, vector<32xf32>
// VEC:           %[[HI:.*]] = vector.transfer_read %{{.*}}[%[[I]], %c32], %{{.*}} {in_bounds = [true]} : tensor<256x64xf32>, vector<32xf32>
// VEC:           %[[M:.*]] = arith.maxnumf %[[HI]], %[[LO]] : vector<32xf32>
// VEC:           %[[INIT:.*]] = tensor.extract
// VEC:           %[[SPLAT:.*]] = vector.broadcast %[[INIT]] : f32 to vector<32xf32>
// VEC:           %[[J:.*]] = arith.maxnumf %[[M]], %[[SPLAT]] : vector<32xf32>
// VEC:           vector.reduction <maxnumf>, %[[J]] : vector<32xf32> into f32
// VEC-NOT:       permutation_map
// VEC-LABEL: func.func @row_sum_kept(
func.func @row_max(%s: tensor<256x64xf32>, %init: tensor<256xf32>) -> tensor<256xf32> {
  %r = linalg.generic {indexing_maps = [#t, #r], iterator_types = ["reduction", "parallel"]}
      ins(%s : tensor<256x64xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%x: f32, %m: f32):
    %0 = arith.maxnumf %x, %m : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}

// Left alone: the input is already read along the parallel innermost loop (a column sum of the
// identity view), and interchanging would make its reads strided.
// CHECK-LABEL: func.func @row_sum_kept(
// CHECK:         linalg.generic {indexing_maps = [#[[ID]], #{{.+}}], iterator_types = ["reduction", "parallel"]}
func.func @row_sum_kept(%s: tensor<64x256xf32>, %init: tensor<256xf32>) -> tensor<256xf32> {
  %r = linalg.generic {indexing_maps = [#id2, #r], iterator_types = ["reduction", "parallel"]}
      ins(%s : tensor<64x256xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%x: f32, %m: f32):
    %0 = arith.addf %x, %m : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}
