// RUN: hexopt run -p 'builtin.module(schedule-matmul-for-hvx)' %s | filecheck %s

// The maps used by several cases are printed as aliases first.
// CHECK-DAG: #[[MAP_D0D1:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[MAP_D2D1:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[MAP_D1D2:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MAP_D0D2:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[MAP_D1D0_3:.+]] = affine_map<(d0, d1, d2) -> (d1, d0)>
// CHECK-DAG: #[[MAP_B_A:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[MAP_B_B:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[MAP_B_C:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[MAP_T2:.+]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[MAP_ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>

// QK^T: the transpose of K folds into the matmul's map of K, the reduction moves to the middle
// and the innermost loop walks the output row (parallel).
// CHECK-LABEL: func.func @matmul_transpose_b(
// CHECK-SAME:    %[[TB_Q:[a-z0-9]+]]: tensor<256x64xf32>, %[[TB_K:[a-z0-9]+]]: tensor<32x64xf32>, %[[TB_ACC:[a-z0-9]+]]: tensor<256x32xf32>)
// CHECK-NOT:   linalg.transpose
// CHECK:       linalg.generic {indexing_maps = [#[[MAP_D0D1]], #[[MAP_D2D1]], #[[MAP_D0D2]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME:    ins(%[[TB_Q]], %[[TB_K]] : tensor<256x64xf32>, tensor<32x64xf32>) outs(%[[TB_ACC]] : tensor<256x32xf32>)
// CHECK:         arith.mulf
// CHECK:         arith.addf
// CHECK-NOT:   linalg.matmul
// CHECK:       return
func.func @matmul_transpose_b(%q: tensor<256x64xf32>, %k: tensor<32x64xf32>, %acc: tensor<256x32xf32>) -> tensor<256x32xf32> {
  %e = tensor.empty() : tensor<64x32xf32>
  %kt = linalg.transpose ins(%k : tensor<32x64xf32>) outs(%e : tensor<64x32xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%q, %kt : tensor<256x64xf32>, tensor<64x32xf32>) outs(%acc : tensor<256x32xf32>) -> tensor<256x32xf32>
  return %r : tensor<256x32xf32>
}

// PV: no transpose, only the loop order changes.
// CHECK-LABEL: func.func @matmul_plain(
// CHECK:       linalg.generic {indexing_maps = [#[[MAP_D0D1]], #[[MAP_D1D2]], #[[MAP_D0D2]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-NOT:   linalg.matmul
// CHECK:       return
func.func @matmul_plain(%p: tensor<256x64xf32>, %v: tensor<64x32xf32>, %acc: tensor<256x32xf32>) -> tensor<256x32xf32> {
  %r = linalg.matmul ins(%p, %v : tensor<256x64xf32>, tensor<64x32xf32>) outs(%acc : tensor<256x32xf32>) -> tensor<256x32xf32>
  return %r : tensor<256x32xf32>
}

// CHECK-LABEL: func.func @matmul_transpose_a(
// CHECK-SAME:    %[[TA_AT:[a-z0-9]+]]: tensor<64x256xf32>
// CHECK-NOT:   linalg.transpose
// CHECK:       linalg.generic {indexing_maps = [#[[MAP_D1D0_3]], #[[MAP_D1D2]], #[[MAP_D0D2]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME:    ins(%[[TA_AT]],
// CHECK:       return
func.func @matmul_transpose_a(%at: tensor<64x256xf32>, %b: tensor<64x32xf32>, %acc: tensor<256x32xf32>) -> tensor<256x32xf32> {
  %e = tensor.empty() : tensor<256x64xf32>
  %a = linalg.transpose ins(%at : tensor<64x256xf32>) outs(%e : tensor<256x64xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%a, %b : tensor<256x64xf32>, tensor<64x32xf32>) outs(%acc : tensor<256x32xf32>) -> tensor<256x32xf32>
  return %r : tensor<256x32xf32>
}

// The transpose has another user: the matmul reads K directly, the transpose stays (generalized).
// CHECK-LABEL: func.func @transpose_with_other_use(
// CHECK-SAME:    %[[OU_Q:[a-z0-9]+]]: tensor<8x4xf32>, %[[OU_K:[a-z0-9]+]]: tensor<16x4xf32>
// CHECK:       %[[OU_KT:.+]] = linalg.generic {indexing_maps = [#[[MAP_T2]], #[[MAP_ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[OU_K]] : tensor<16x4xf32>)
// CHECK:       %[[OU_R:.+]] = linalg.generic {indexing_maps = [#[[MAP_D0D1]], #[[MAP_D2D1]], #[[MAP_D0D2]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME:    ins(%[[OU_Q]], %[[OU_K]] : tensor<8x4xf32>, tensor<16x4xf32>)
// CHECK:       return %[[OU_R]], %[[OU_KT]]
func.func @transpose_with_other_use(%q: tensor<8x4xf32>, %k: tensor<16x4xf32>, %acc: tensor<8x16xf32>) -> (tensor<8x16xf32>, tensor<4x16xf32>) {
  %e = tensor.empty() : tensor<4x16xf32>
  %kt = linalg.transpose ins(%k : tensor<16x4xf32>) outs(%e : tensor<4x16xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%q, %kt : tensor<8x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %r, %kt : tensor<8x16xf32>, tensor<4x16xf32>
}

// CHECK-LABEL: func.func @batch_matmul(
// CHECK:       linalg.generic {indexing_maps = [#[[MAP_B_A]], #[[MAP_B_B]], #[[MAP_B_C]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
// CHECK-NOT:   linalg.batch_matmul
// CHECK:       return
func.func @batch_matmul(%a: tensor<2x8x4xf32>, %b: tensor<2x4x16xf32>, %acc: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x8x4xf32>, tensor<2x4x16xf32>) outs(%acc : tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return %r : tensor<2x8x16xf32>
}

// CHECK-LABEL: func.func @matmul_on_memrefs(
// CHECK:       linalg.generic {indexing_maps = [#[[MAP_D0D1]], #[[MAP_D1D2]], #[[MAP_D0D2]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME:    memref<8x4xf32>, memref<4x16xf32>) outs(%{{.*}} : memref<8x16xf32>)
func.func @matmul_on_memrefs(%a: memref<8x4xf32>, %b: memref<4x16xf32>, %c: memref<8x16xf32>) {
  linalg.matmul ins(%a, %b : memref<8x4xf32>, memref<4x16xf32>) outs(%c : memref<8x16xf32>)
  return
}

// Every other named op is generalized; fills stay named (they fold into consumers later).
// CHECK-LABEL: func.func @other_named_ops(
// CHECK:       %[[NO_INIT:.+]] = linalg.fill
// CHECK:       %[[NO_MAX:.+]] = linalg.generic {{{.*}}iterator_types = ["reduction", "parallel"]} ins(%{{.*}} : tensor<64x256xf32>) outs(%[[NO_INIT]] : tensor<256xf32>)
// CHECK:         arith.maxnumf
// CHECK:       linalg.generic {{{.*}}iterator_types = ["parallel"]} ins(%[[NO_MAX]] : tensor<256xf32>)
// CHECK:         math.exp
// CHECK-NOT:   linalg.reduce
// CHECK-NOT:   linalg.exp
// CHECK:       return
func.func @other_named_ops(%x: tensor<64x256xf32>) -> tensor<256xf32> {
  %cst = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<256xf32>
  %init = linalg.fill ins(%cst : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  %m = linalg.reduce ins(%x : tensor<64x256xf32>) outs(%init : tensor<256xf32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %0 = arith.maxnumf %in, %acc : f32
      linalg.yield %0 : f32
    }
  %s = linalg.exp ins(%m : tensor<256xf32>) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  return %s : tensor<256xf32>
}

// A generic that was no matmul keeps its loop order, even with an innermost reduction.
// CHECK-LABEL: func.func @generic_reduction_left_alone(
// CHECK:       linalg.generic {{{.*}}iterator_types = ["parallel", "reduction"]}
func.func @generic_reduction_left_alone(%x: tensor<8x16xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<8x16xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %out : f32
    linalg.yield %0 : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}
