// RUN: hexopt run -p 'builtin.module(hexagon-tiling)' %s | filecheck %s

#id2 = affine_map<(d0, d1) -> (d0, d1)>
// Every loop but the innermost gets tile 1; the innermost gets one HVX vector of f32 (128 B / 4 B = 32).
// CHECK-LABEL: func.func @elementwise_2d(
// CHECK-DAG:     %[[E_C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[E_C32:.+]] = arith.constant 32 : index
// CHECK:         scf.for %[[E_I:.+]] = %{{.+}} to %{{.+}} step %[[E_C1]]
// CHECK:           scf.for %[[E_J:.+]] = %{{.+}} to %{{.+}} step %[[E_C32]]
// CHECK:             tensor.extract_slice %{{.+}}[%[[E_I]], %[[E_J]]] [1, 32] [1, 1] : tensor<256x64xf32> to tensor<1x32xf32>
// CHECK:             linalg.generic
// CHECK-SAME:          outs(%{{.+}} : tensor<1x32xf32>)
// CHECK:               arith.addf
// CHECK:             tensor.insert_slice %{{.+}} into %{{.+}}[%[[E_I]], %[[E_J]]] [1, 32] [1, 1]
func.func @elementwise_2d(%a: tensor<256x64xf32>, %b: tensor<256x64xf32>) -> tensor<256x64xf32> {
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<256x64xf32>) outs(%b : tensor<256x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<256x64xf32>
  return %r : tensor<256x64xf32>
}

// f16: the vector holds 64 elements.
// CHECK-LABEL: func.func @elementwise_f16(
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             linalg.generic
// CHECK-SAME:          ins(%{{.+}} : tensor<1x64xf16>) outs(%{{.+}} : tensor<1x64xf16>)
func.func @elementwise_f16(%a: tensor<4x128xf16>, %b: tensor<4x128xf16>) -> tensor<4x128xf16> {
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x128xf16>) outs(%b : tensor<4x128xf16>) {
  ^bb0(%in: f16, %out: f16):
    %s = arith.mulf %in, %out : f16
    linalg.yield %s : f16
  } -> tensor<4x128xf16>
  return %r : tensor<4x128xf16>
}

// CHECK-LABEL: func.func @fill_1d(
// CHECK:         %[[F_C32:.+]] = arith.constant 32 : index
// CHECK:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[F_C32]]
// CHECK:           linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<32xf32>) -> tensor<32xf32>
// CHECK-NOT:     scf.for
// CHECK:         return
func.func @fill_1d(%init: tensor<256xf32>) -> tensor<256xf32> {
  %c = arith.constant 1.0 : f32
  %r = linalg.fill ins(%c : f32) outs(%init : tensor<256xf32>) -> tensor<256xf32>
  return %r : tensor<256xf32>
}

// The seed's row max: the reduction (d0) is the outer loop, tiled by 1; the parallel d1 is innermost,
// so 32 rows are reduced at once.
// CHECK-LABEL: func.func @row_max(
// CHECK:         scf.for %[[R_K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK:           scf.for %[[R_ROW:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK:             tensor.extract_slice %{{.+}}[%[[R_ROW]], %[[R_K]]] [32, 1] [1, 1] : tensor<256x64xf32> to tensor<32x1xf32>
// CHECK:             linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]
// CHECK-SAME:          outs(%{{.+}} : tensor<32xf32>)
// CHECK:               arith.maxnumf
func.func @row_max(%s: tensor<256x64xf32>, %init: tensor<256xf32>) -> tensor<256xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d1)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%s : tensor<256x64xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maxnumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}

// 80 = 2 x 32 + 16: the first 64 are tiled, the last 16 stay one small untiled op.
// CHECK-LABEL: func.func @split_remainder(
// CHECK:         scf.for
// CHECK:           linalg.generic {{.+}} ins(%{{.+}} : tensor<32xf32>) outs(%{{.+}} : tensor<32xf32>)
// CHECK:             arith.negf
// CHECK:         tensor.insert_slice %{{.+}} into %{{.+}}[0] [64] [1] : tensor<64xf32> into tensor<80xf32>
// CHECK-NOT:     scf.for
// CHECK:         linalg.generic {{.+}} ins(%{{.+}} : tensor<16xf32>) outs(%{{.+}} : tensor<16xf32>)
// CHECK:         tensor.insert_slice %{{.+}}[64] [16] [1] : tensor<16xf32> into tensor<80xf32>
func.func @split_remainder(%a: tensor<80xf32>, %b: tensor<80xf32>) -> tensor<80xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%a : tensor<80xf32>) outs(%b : tensor<80xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<80xf32>
  return %r : tensor<80xf32>
}

// Left alone: an innermost range below one vector, an op that is already one tile, an op on buffers
// and an op with a dynamic range.
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT:     scf.for
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<8x16xf32>)
// CHECK-NEXT:    linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x32xf32>)
// CHECK-NEXT:    linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : memref<4x64xf32>)
// CHECK-NEXT:    linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<?x64xf32>)
// CHECK-NEXT:    return
func.func @left_alone(%small: tensor<8x16xf32>, %tile: tensor<1x32xf32>, %m: memref<4x64xf32>, %d: tensor<?x64xf32>)
    -> (tensor<8x16xf32>, tensor<1x32xf32>, tensor<?x64xf32>) {
  %c = arith.constant 0.0 : f32
  %0 = linalg.fill ins(%c : f32) outs(%small : tensor<8x16xf32>) -> tensor<8x16xf32>
  %1 = linalg.fill ins(%c : f32) outs(%tile : tensor<1x32xf32>) -> tensor<1x32xf32>
  linalg.fill ins(%c : f32) outs(%m : memref<4x64xf32>)
  %2 = linalg.fill ins(%c : f32) outs(%d : tensor<?x64xf32>) -> tensor<?x64xf32>
  return %0, %1, %2 : tensor<8x16xf32>, tensor<1x32xf32>, tensor<?x64xf32>
}
