// RUN: hexopt run -p 'builtin.module(materialize-transposed-operands)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(materialize-transposed-operands{min-reuse=512})' %s | filecheck %s --check-prefix=REUSE

// CHECK-DAG: #[[QK_Q:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[QK_KT:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[QK_OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[ROWS_T:.+]] = affine_map<(d0, d1) -> (d1, d0)>

// QK^T as schedule-matmul-for-hvx leaves it: K is read (d2, d1), the innermost loop d2 walks K's rows.
// The pass copies K once into (d1, d2) order and reads the copy contiguously.
// CHECK-LABEL: func.func @qk_transposed_b(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<256x64xf32>, %[[K:[a-z0-9]+]]: tensor<32x64xf32>, %[[ACC:[a-z0-9]+]]: tensor<256x32xf32>)
// CHECK:       %[[EMPTY:.+]] = tensor.empty() : tensor<64x32xf32>
// CHECK:       %[[KT:.+]] = linalg.transpose ins(%[[K]] : tensor<32x64xf32>) outs(%[[EMPTY]] : tensor<64x32xf32>) permutation = [1, 0]
// CHECK:       linalg.generic {indexing_maps = [#[[QK_Q]], #[[QK_KT]], #[[QK_OUT]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME:    ins(%[[Q]], %[[KT]] : tensor<256x64xf32>, tensor<64x32xf32>) outs(%[[ACC]] : tensor<256x32xf32>)
// CHECK-NEXT:  ^bb0(
// CHECK-NEXT:    arith.mulf
// CHECK-NEXT:    arith.addf
// REUSE-LABEL: func.func @qk_transposed_b(
// REUSE-NOT:   linalg.transpose
// REUSE:       return
#mk = affine_map<(d0, d1, d2) -> (d0, d1)>
#nk = affine_map<(d0, d1, d2) -> (d2, d1)>
#kn = affine_map<(d0, d1, d2) -> (d1, d2)>
#mn = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @qk_transposed_b(%q: tensor<256x64xf32>, %k: tensor<32x64xf32>, %acc: tensor<256x32xf32>) -> tensor<256x32xf32> {
  %r = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%q, %k : tensor<256x64xf32>, tensor<32x64xf32>) outs(%acc : tensor<256x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<256x32xf32>
  return %r : tensor<256x32xf32>
}

// PV reads V (d1, d2): already contiguous along the innermost loop, left alone.
// CHECK-LABEL: func.func @pv_contiguous(
// CHECK-NOT:   linalg.transpose
// CHECK:       linalg.generic
// CHECK:       return
func.func @pv_contiguous(%p: tensor<256x64xf32>, %v: tensor<64x32xf32>, %acc: tensor<256x32xf32>) -> tensor<256x32xf32> {
  %r = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%p, %v : tensor<256x64xf32>, tensor<64x32xf32>) outs(%acc : tensor<256x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<256x32xf32>
  return %r : tensor<256x32xf32>
}

// The seed's row max: the input is read (d1, d0) but every element once (no reuse): a copy would
// cost as much as the strided reads it saves, so it is left alone.
// CHECK-LABEL: func.func @row_max_no_reuse(
// CHECK-NOT:   linalg.transpose
// CHECK:       linalg.generic {indexing_maps = [#[[ROWS_T]], {{.*}}], iterator_types = ["reduction", "parallel"]}
// CHECK:       return
#t = affine_map<(d0, d1) -> (d1, d0)>
#rows = affine_map<(d0, d1) -> (d1)>
func.func @row_max_no_reuse(%s: tensor<256x64xf32>, %init: tensor<256xf32>) -> tensor<256xf32> {
  %r = linalg.generic {indexing_maps = [#t, #rows], iterator_types = ["reduction", "parallel"]}
      ins(%s : tensor<256x64xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maxnumf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}

// Dynamic shapes are left alone (the copy's size would be unknown).
// CHECK-LABEL: func.func @dynamic_left_alone(
// CHECK-NOT:   linalg.transpose
// CHECK:       return
func.func @dynamic_left_alone(%q: tensor<?x64xf32>, %k: tensor<?x64xf32>, %acc: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%q, %k : tensor<?x64xf32>, tensor<?x64xf32>) outs(%acc : tensor<?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}
