// Threads and vectors compose: form-virtual-threads never splits the innermost loop into chunks that are
// not whole vectors, and splits a big reduction with nothing else to split into one partial reduction per
// thread.
// RUN: hexopt run -p 'builtin.module(form-virtual-threads)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(form-virtual-threads{split-reductions=false})' %s | filecheck %s --check-prefix=NOSPLIT
// RUN: hexopt run -p 'builtin.module(form-virtual-threads{vector-bytes=32})' %s | filecheck %s --check-prefix=NARROW

// A 1-D sum of 262144 floats after split-reduce-generic: [8192 reduction, 32 parallel]. Splitting the 32
// lanes would give 4 threads 8 lanes each (scalar code); instead each thread sums 2048 contiguous rows of
// 32 lanes into its own row of a 4 x 32 partial, and one more reduction adds the 4 rows.
// CHECK-LABEL: func.func @split_sum(
// CHECK-SAME:    %[[S_X:[a-z0-9]+]]: tensor<8192x32xf32>, %[[S_INIT:[a-z0-9]+]]: tensor<32xf32>
// CHECK:         %[[S_E:.+]] = tensor.expand_shape %[[S_X]] {{\[}}[0, 1], [2]] output_shape [4, 2048, 32]
// CHECK:         %[[S_Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x32xf32>)
// CHECK:         %[[S_P:.+]] = scf.forall (%[[S_T:.+]]) in (4) shared_outs(%[[S_O:.+]] = %[[S_Z]]) -> (tensor<4x32xf32>)
// CHECK:           tensor.extract_slice %[[S_E]][%[[S_T]], 0, 0] [1, 2048, 32] [1, 1, 1]
// CHECK:           linalg.generic {{.+}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK:           tensor.parallel_insert_slice %{{.+}} into %[[S_O]][%[[S_T]], 0] [1, 32] [1, 1]
// CHECK:         %[[S_R:.+]] = linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]} ins(%[[S_P]] : tensor<4x32xf32>) outs(%[[S_INIT]] : tensor<32xf32>)
// CHECK:         return %[[S_R]]
// NOSPLIT-LABEL: func.func @split_sum(
// NOSPLIT-NOT:     scf.forall
// NOSPLIT:         return
// With 8-lane vectors the 32 lanes split into 4 chunks of one vector each.
// NARROW-LABEL: func.func @split_sum(
// NARROW:         scf.forall (%{{.+}}) = (0) to (32) step (8)
func.func @split_sum(%x: tensor<8192x32xf32>, %init: tensor<32xf32>) -> tensor<32xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<8192x32xf32>) outs(%init : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// A 1-D element-wise op of 131072 f32 is split into 4 chunks of 32768 (whole vectors), as before.
// CHECK-LABEL: func.func @elementwise(
// CHECK:         scf.forall (%{{.+}}) = (0) to (131072) step (32768)
func.func @elementwise(%x: tensor<131072xf32>) -> tensor<131072xf32> {
  %e = tensor.empty() : tensor<131072xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<131072xf32>) outs(%e : tensor<131072xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<131072xf32>
  return %r : tensor<131072xf32>
}

// A reduction whose combining op is not one upstream knows a neutral element for stays whole.
// CHECK-LABEL: func.func @unknown_combiner(
// CHECK-NOT:     scf.forall
// CHECK:         return
func.func @unknown_combiner(%x: tensor<8192x32xf32>, %init: tensor<32xf32>) -> tensor<32xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<8192x32xf32>) outs(%init : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.mulf %in, %in : f32
    %b = arith.mulf %out, %out : f32
    %c = arith.addf %a, %b : f32
    %s = math.sqrt %c : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  return %r : tensor<32xf32>
}
