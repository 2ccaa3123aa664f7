// RUN: hexopt run -p 'builtin.module(broadcast-div-to-mul)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(broadcast-div-to-mul{fast-math=true})' %s | filecheck %s --check-prefix=FAST
// In the pipeline (after fusion): x / colsum(x)[None, :] divides 128 values, then multiplies the 64x128 block
// (3760 instead of 56882 estimated packets per call on v73).
// RUN: hexopt run hexagon --set multi-threading=false %S/Inputs/column-divide.mlir --stop-after=hexagon-fast-math | filecheck %s --check-prefix=PIPE
// RUN: hexopt run hexagon --set multi-threading=false --set reciprocal-division=false %S/Inputs/column-divide.mlir --stop-after=hexagon-fast-math | filecheck %s --check-prefix=PIPE-OFF

// PIPE-LABEL: func.func @column_divide
// PIPE: scf.for %{{.*}} = %c0 to %c128 step %c32
// PIPE: arith.divf %{{.*}}, %{{.*}} fastmath<fast> : vector<32xf32>
// PIPE: scf.for %{{.*}} = %c0 to %c64 step %c1
// PIPE-NOT: arith.divf
// PIPE: arith.mulf %{{.*}}, %{{.*}} fastmath<fast> : vector<32xf32>
// PIPE-NOT: arith.divf
// PIPE: return
// PIPE-OFF-LABEL: func.func @column_divide
// PIPE-OFF: scf.for %{{.*}} = %c0 to %c64 step %c1
// PIPE-OFF: arith.divf %{{.*}}, %{{.*}} fastmath<fast> : vector<32xf32>

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// A scalar filled into a tile, with arcp: one division, the fill holds the reciprocal.
// CHECK-LABEL: func.func @by_filled_scalar
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>, %[[S:.*]]: f32)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[R:.*]] = arith.divf %[[ONE]], %[[S]] fastmath<arcp> : f32
// CHECK: %[[F:.*]] = linalg.fill ins(%[[R]] : f32)
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[F]] :
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.mulf %[[A]], %[[B]] fastmath<arcp> : f32
func.func @by_filled_scalar(%x: tensor<8x64xf32>, %s: f32) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%s : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %f : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.divf %a, %b fastmath<arcp> : f32
    linalg.yield %d : f32
  } -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// Without arcp (and without fast-math=true) the division stays: x * (1/y) rounds differently.
// CHECK-LABEL: func.func @exact_by_default
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK-NOT: arith.mulf
// FAST-LABEL: func.func @exact_by_default
// FAST: arith.divf %{{.*}}, %{{.*}} : f32
// FAST: linalg.generic
// FAST-NOT: arith.divf
// FAST: arith.mulf
func.func @exact_by_default(%x: tensor<8x64xf32>, %s: f32) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%s : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %f : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.divf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// After fusion: a column statistic read through a broadcast map. Its 64 reciprocals are one generic of
// its own size; the 8x64 generic multiplies.
// CHECK-LABEL: func.func @by_fused_column
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>, %[[V:.*]]: tensor<64xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<64xf32>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[V]] : tensor<64xf32>) outs(%[[E]] : tensor<64xf32>)
// CHECK: arith.divf %{{.*}}, %{{.*}} fastmath<fast> : f32
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[R]] : tensor<8x64xf32>, tensor<64xf32>)
// CHECK: arith.mulf %{{.*}}, %{{.*}} fastmath<fast> : f32
func.func @by_fused_column(%x: tensor<8x64xf32>, %v: tensor<64xf32>) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %v : tensor<8x64xf32>, tensor<64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.divf %a, %b fastmath<fast> : f32
    linalg.yield %d : f32
  } -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// A scalar from outside the body (a fused fill): one division before the generic.
// CHECK-LABEL: func.func @by_captured_scalar
// CHECK-SAME: (%[[X:.*]]: tensor<64xf32>, %[[S:.*]]: f32)
// CHECK: %[[R:.*]] = arith.divf %{{.*}}, %[[S]] fastmath<fast> : f32
// CHECK: linalg.generic
// CHECK: arith.mulf %{{.*}}, %[[R]] fastmath<fast> : f32
func.func @by_captured_scalar(%x: tensor<64xf32>, %s: f32) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %d = arith.divf %a, %s fastmath<fast> : f32
    linalg.yield %d : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// A divisor with as many elements as the iteration space: nothing to save, the division stays; so does
// a division by a value computed in the body.
// CHECK-LABEL: func.func @not_a_broadcast
// CHECK: arith.divf %{{.*}}, %{{.*}} fastmath<fast> : f32
// CHECK: arith.divf %{{.*}}, %{{.*}} fastmath<fast> : f32
// CHECK-NOT: arith.mulf
func.func @not_a_broadcast(%x: tensor<8x64xf32>, %y: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.divf %a, %b fastmath<fast> : f32
    %s = arith.addf %b, %a fastmath<fast> : f32
    %q = arith.divf %d, %s fastmath<fast> : f32
    linalg.yield %q : f32
  } -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// A row statistic broadcast by its own generic (before fusion), which another op also reads: the
// reciprocal gets its own broadcast, the original stays for the other reader.
// CHECK-LABEL: func.func @by_shared_broadcast
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>, %[[V:.*]]: tensor<8xf32>)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[V]] : tensor<8xf32>) outs(%{{.*}} : tensor<8xf32>)
// CHECK: arith.divf
// CHECK: %[[BR:.*]] = linalg.generic {{.*}} ins(%[[R]] : tensor<8xf32>)
// CHECK: %[[BV:.*]] = linalg.generic {{.*}} ins(%[[V]] : tensor<8xf32>)
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[BR]] :
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}} ins(%[[Q]], %[[BV]] :
// CHECK: arith.subf
func.func @by_shared_broadcast(%x: tensor<8x64xf32>, %v: tensor<8xf32>) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<8x64xf32>
  %b = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%v : tensor<8xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<8x64xf32>
  %q = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %d = arith.divf %a, %c fastmath<fast> : f32
    linalg.yield %d : f32
  } -> tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%q, %b : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %d = arith.subf %a, %c fastmath<fast> : f32
    linalg.yield %d : f32
  } -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}
