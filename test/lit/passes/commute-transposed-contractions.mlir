// RUN: hexopt run -p 'builtin.module(commute-transposed-contractions)' %s | filecheck %s

#qa = affine_map<(d0, d1, d2) -> (d0, d1)>
#kt = affine_map<(d0, d1, d2) -> (d2, d1)>
#qc = affine_map<(d0, d1, d2) -> (d0, d2)>
#vb = affine_map<(d0, d1, d2) -> (d1, d2)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
#col = affine_map<(d0, d1) -> (d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#bc = affine_map<(d0, d1) -> (d0, 0)>

// S = Q K^T (K read transposed, Q loop-invariant), its row max (the fused form: reduction over the keys
// d0 of the (d1, d0) view), P = exp(S - m) and P V. Rewritten: Q^T once before the loop, S^T[j, i] = K Q^T
// read K as stored, S^T and P^T are 16x8, the row max reads S^T contiguously, the exp walks P^T in
// storage order with m read directly (no expanded column), PV reads P^T through a swapped map.
// CHECK-DAG: #[[SJI:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[KJK:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[PT:.*]] = affine_map<(d0, d1, d2) -> (d1, d0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROWV:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @attention_like(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<8x4xf32>
// CHECK:         %[[QT:.*]] = linalg.transpose ins(%[[Q]] : tensor<8x4xf32>) outs(%{{.*}} : tensor<4x8xf32>) permutation = [1, 0]
// CHECK:         scf.for
// CHECK:           %[[S:.*]] = linalg.generic {indexing_maps = [#[[SJI]], #[[KJK]], #[[OUT]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[QT]], %{{.*}} : tensor<4x8xf32>, tensor<16x4xf32>) outs(%{{.*}} : tensor<16x8xf32>)
// CHECK:           %[[M:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROWV]]], iterator_types = ["reduction", "parallel"]} ins(%[[S]] : tensor<16x8xf32>)
// CHECK:           %[[P:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROWV]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[S]], %[[M]] : tensor<16x8xf32>, tensor<8xf32>) outs(%{{.*}} : tensor<16x8xf32>)
// CHECK:           linalg.generic {indexing_maps = [#[[PT]], #{{.*}}, #[[OUT]]], {{.*}} ins(%[[P]], %{{.*}} : tensor<16x8xf32>, tensor<16x4xf32>) outs(%{{.*}} : tensor<8x4xf32>)
func.func @attention_like(%q: tensor<8x4xf32>, %kv: tensor<4x16x4xf32>, %acc0: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %res = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %acc0) -> (tensor<8x4xf32>) {
    %k = tensor.extract_slice %kv[%i, 0, 0] [1, 16, 4] [1, 1, 1] : tensor<4x16x4xf32> to tensor<16x4xf32>
    %e = tensor.empty() : tensor<8x16xf32>
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
    %s = linalg.generic {indexing_maps = [#qa, #kt, #qc], iterator_types = ["parallel", "reduction", "parallel"]}
        ins(%q, %k : tensor<8x4xf32>, tensor<16x4xf32>) outs(%z : tensor<8x16xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %p = arith.mulf %a, %b : f32
      %t = arith.addf %o, %p : f32
      linalg.yield %t : f32
    } -> tensor<8x16xf32>
    %e1 = tensor.empty() : tensor<8xf32>
    %mi = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
    %m = linalg.generic {indexing_maps = [#tr, #col], iterator_types = ["reduction", "parallel"]}
        ins(%s : tensor<8x16xf32>) outs(%mi : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %t = arith.maxnumf %a, %o : f32
      linalg.yield %t : f32
    } -> tensor<8xf32>
    %m2 = tensor.expand_shape %m [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
    %pe = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]}
        ins(%s, %m2 : tensor<8x16xf32>, tensor<8x1xf32>) outs(%e : tensor<8x16xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %d = arith.subf %a, %b : f32
      %x = math.exp %d : f32
      linalg.yield %x : f32
    } -> tensor<8x16xf32>
    %e3 = tensor.empty() : tensor<8x4xf32>
    %z3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<8x4xf32>) -> tensor<8x4xf32>
    %pv = linalg.generic {indexing_maps = [#qa, #vb, #qc], iterator_types = ["parallel", "reduction", "parallel"]}
        ins(%pe, %k : tensor<8x16xf32>, tensor<16x4xf32>) outs(%z3 : tensor<8x4xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %p = arith.mulf %a, %b : f32
      %t = arith.addf %o, %p : f32
      linalg.yield %t : f32
    } -> tensor<8x4xf32>
    %acc2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%acc, %pv : tensor<8x4xf32>, tensor<8x4xf32>) outs(%e3 : tensor<8x4xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %t = arith.addf %a, %b : f32
      linalg.yield %t : f32
    } -> tensor<8x4xf32>
    scf.yield %acc2 : tensor<8x4xf32>
  }
  return %res : tensor<8x4xf32>
}

// Left alone: the scores leave the loop (yielded), so their layout is visible outside.
// CHECK-LABEL: func.func @escapes(
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<8x4xf32>, tensor<16x4xf32>) outs(%{{.*}} : tensor<8x16xf32>)
func.func @escapes(%q: tensor<8x4xf32>, %kv: tensor<4x16x4xf32>, %s0: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %res = scf.for %i = %c0 to %c4 step %c1 iter_args(%prev = %s0) -> (tensor<8x16xf32>) {
    %k = tensor.extract_slice %kv[%i, 0, 0] [1, 16, 4] [1, 1, 1] : tensor<4x16x4xf32> to tensor<16x4xf32>
    %e = tensor.empty() : tensor<8x16xf32>
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
    %s = linalg.generic {indexing_maps = [#qa, #kt, #qc], iterator_types = ["parallel", "reduction", "parallel"]}
        ins(%q, %k : tensor<8x4xf32>, tensor<16x4xf32>) outs(%z : tensor<8x16xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %p = arith.mulf %a, %b : f32
      %t = arith.addf %o, %p : f32
      linalg.yield %t : f32
    } -> tensor<8x16xf32>
    scf.yield %s : tensor<8x16xf32>
  }
  return %res : tensor<8x16xf32>
}

// Left alone: both operands change in the loop (nothing to copy once).
// CHECK-LABEL: func.func @both_vary(
// CHECK-NOT:     linalg.transpose
func.func @both_vary(%qv: tensor<4x8x4xf32>, %kv: tensor<4x16x4xf32>, %out: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %res = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %out) -> (tensor<8x16xf32>) {
    %q = tensor.extract_slice %qv[%i, 0, 0] [1, 8, 4] [1, 1, 1] : tensor<4x8x4xf32> to tensor<8x4xf32>
    %k = tensor.extract_slice %kv[%i, 0, 0] [1, 16, 4] [1, 1, 1] : tensor<4x16x4xf32> to tensor<16x4xf32>
    %e = tensor.empty() : tensor<8x16xf32>
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
    %s = linalg.generic {indexing_maps = [#qa, #kt, #qc], iterator_types = ["parallel", "reduction", "parallel"]}
        ins(%q, %k : tensor<8x4xf32>, tensor<16x4xf32>) outs(%z : tensor<8x16xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %p = arith.mulf %a, %b : f32
      %t = arith.addf %o, %p : f32
      linalg.yield %t : f32
    } -> tensor<8x16xf32>
    %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%acc, %s : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %t = arith.addf %a, %b : f32
      linalg.yield %t : f32
    } -> tensor<8x16xf32>
    scf.yield %sum : tensor<8x16xf32>
  }
  return %res : tensor<8x16xf32>
}
