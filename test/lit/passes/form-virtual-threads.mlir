// RUN: hexopt run -p 'builtin.module(form-virtual-threads)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(form-virtual-threads{num-threads=8})' %s | filecheck %s --check-prefix=EIGHT

// EIGHT-LABEL: func.func @qk(
// EIGHT:         scf.forall (%{{.+}}) = (0) to (256) step (32)

// The seed's QK^T: 256 x 64 x 64 loops x 2 body ops / 2 = 1M >= 65536, so its rows are split into
// 4 chunks of 64, one per thread.
// CHECK-LABEL: func.func @qk(
// CHECK-SAME:    %[[QK_Q:[a-z0-9]+]]: tensor<256x64xf32>, %[[QK_K:[a-z0-9]+]]: tensor<64x64xf32>, %[[QK_ACC:[a-z0-9]+]]: tensor<256x64xf32>
// CHECK:         %[[QK_R:.+]] = scf.forall (%[[QK_I:.+]]) = (0) to (256) step (64) shared_outs(%[[QK_O:.+]] = %[[QK_ACC]]) -> (tensor<256x64xf32>)
// CHECK:           %[[QK_QS:.+]] = tensor.extract_slice %[[QK_Q]][%[[QK_I]], 0] [64, 64] [1, 1]
// CHECK:           %[[QK_OS:.+]] = tensor.extract_slice %[[QK_O]][%[[QK_I]], 0] [64, 64] [1, 1]
// CHECK:           %[[QK_G:.+]] = linalg.generic
// CHECK-SAME:        ins(%[[QK_QS]], %{{.+}} : tensor<64x64xf32>, tensor<64x64xf32>) outs(%[[QK_OS]] : tensor<64x64xf32>)
// CHECK:           scf.forall.in_parallel
// CHECK-NEXT:        tensor.parallel_insert_slice %[[QK_G]] into %[[QK_O]][%[[QK_I]], 0] [64, 64] [1, 1]
// CHECK:         return %[[QK_R]]
func.func @qk(%q: tensor<256x64xf32>, %k: tensor<64x64xf32>, %acc: tensor<256x64xf32>) -> tensor<256x64xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2, d1)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%q, %k : tensor<256x64xf32>, tensor<64x64xf32>) outs(%acc : tensor<256x64xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %0 = arith.mulf %x, %y : f32
    %1 = arith.addf %z, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<256x64xf32>
  return %r : tensor<256x64xf32>
}

// The split loop is the first *parallel* one; reduction loops are never split.
// CHECK-LABEL: func.func @reduction_first(
// CHECK:         scf.forall (%[[RF_I:.+]]) = (0) to (256) step (64)
// CHECK:           tensor.extract_slice %{{.+}}[0, %[[RF_I]]] [512, 64] [1, 1] : tensor<512x256xf32> to tensor<512x64xf32>
// CHECK:           linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]
func.func @reduction_first(%s: tensor<512x256xf32>, %init: tensor<256xf32>) -> tensor<256xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%s : tensor<512x256xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.addf %x, %o : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}

// The seed's exp2 generic: 256 x 64 x 3 / 2 = 24576 < 65536, left alone.
// CHECK-LABEL: func.func @too_small(
// CHECK-NOT:     scf.forall
// CHECK:         linalg.generic
// CHECK-NOT:     scf.forall
// CHECK:         return
func.func @too_small(%a: tensor<256x64xf32>, %b: tensor<256x64xf32>) -> tensor<256x64xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<256x64xf32>) outs(%b : tensor<256x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.mulf %x, %x : f32
    %1 = arith.subf %0, %o : f32
    %2 = math.exp2 %1 : f32
    linalg.yield %2 : f32
  } -> tensor<256x64xf32>
  return %r : tensor<256x64xf32>
}

// Dynamic ranges: the work is unknown, left alone.
// CHECK-LABEL: func.func @dynamic(
// CHECK-NOT:     scf.forall
// CHECK:         return
func.func @dynamic(%a: tensor<?x1024xf32>, %b: tensor<?x1024xf32>) -> tensor<?x1024xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<?x1024xf32>) outs(%b : tensor<?x1024xf32>) {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.mulf %x, %o : f32
    linalg.yield %0 : f32
  } -> tensor<?x1024xf32>
  return %r : tensor<?x1024xf32>
}
