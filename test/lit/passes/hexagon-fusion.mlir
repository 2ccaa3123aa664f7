// RUN: hexopt run -p 'builtin.module(hexagon-fusion)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(hexagon-fusion{multi-use=false})' %s | filecheck %s --check-prefix=NOMU
// RUN: hexopt run -p 'builtin.module(hexagon-fusion{allow-recompute=true})' %s | filecheck %s --check-prefix=RECOMP

// CHECK-DAG: #[[ID1:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[TR:.+]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[BCAST:.+]] = affine_map<(d0, d1) -> (d0, 0)>

#id1 = affine_map<(d0) -> (d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#tr2 = affine_map<(d0, d1) -> (d1, d0)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#bcast = affine_map<(d0, d1) -> (d0, 0)>

// alpha has two users; the elementwise consumer comes before the other (an expand_shape), so
// alpha is fused into it and stays available as result #0 of the fused op (nothing is recomputed).
// CHECK-LABEL: func.func @multi_use_kept_as_result(
// CHECK-SAME:    %[[MU_M:[a-z0-9]+]]: tensor<256xf32>, %[[MU_MIJ:[a-z0-9]+]]: tensor<256xf32>, %[[MU_L:[a-z0-9]+]]: tensor<256xf32>, %[[MU_LIJ:[a-z0-9]+]]: tensor<256xf32>)
// CHECK:       %[[MU_F:.+]]:2 = linalg.generic {indexing_maps = [#[[ID1]], #[[ID1]], #[[ID1]], #[[ID1]], #[[ID1]], #[[ID1]]], iterator_types = ["parallel"]}
// CHECK-SAME:    ins(%[[MU_L]], %[[MU_M]], %[[MU_MIJ]], %[[MU_LIJ]] :
// CHECK-NEXT:  ^bb0(%[[MU_IN_L:[^:]+]]: f32, %[[MU_IN_M:[^:]+]]: f32, %[[MU_IN_MIJ:[^:]+]]: f32, %[[MU_IN_LIJ:[^:]+]]: f32, %{{[^:]+}}: f32, %{{[^:]+}}: f32):
// CHECK-NEXT:    %[[MU_D:.+]] = arith.subf %[[MU_IN_M]], %[[MU_IN_MIJ]] : f32
// CHECK-NEXT:    %[[MU_A:.+]] = math.exp2 %[[MU_D]] : f32
// CHECK-NEXT:    %[[MU_P:.+]] = arith.mulf %[[MU_IN_L]], %[[MU_A]] : f32
// CHECK-NEXT:    %[[MU_S:.+]] = arith.addf %[[MU_P]], %[[MU_IN_LIJ]] : f32
// CHECK-NEXT:    linalg.yield %[[MU_A]], %[[MU_S]] : f32, f32
// CHECK:       %[[MU_X:.+]] = tensor.expand_shape %[[MU_F]]#0
// CHECK-NEXT:  return %[[MU_F]]#1, %[[MU_X]]
// NOMU-LABEL:  func.func @multi_use_kept_as_result(
// NOMU-COUNT-2: linalg.generic
// NOMU:        return
func.func @multi_use_kept_as_result(%m: tensor<256xf32>, %mij: tensor<256xf32>, %l: tensor<256xf32>, %lij: tensor<256xf32>) -> (tensor<256xf32>, tensor<256x1xf32>) {
  %e = tensor.empty() : tensor<256xf32>
  %alpha = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%m, %mij : tensor<256xf32>, tensor<256xf32>) outs(%e : tensor<256xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.subf %a, %b : f32
    %1 = math.exp2 %0 : f32
    linalg.yield %1 : f32
  } -> tensor<256xf32>
  %li = linalg.generic {indexing_maps = [#id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%l, %alpha, %lij : tensor<256xf32>, tensor<256xf32>, tensor<256xf32>) outs(%e : tensor<256xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %o: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %0, %c : f32
    linalg.yield %1 : f32
  } -> tensor<256xf32>
  %x = tensor.expand_shape %alpha [[0, 1]] output_shape [256, 1] : tensor<256xf32> into tensor<256x1xf32>
  return %li, %x : tensor<256xf32>, tensor<256x1xf32>
}

// m_ij is used by an expand_shape *before* its elementwise consumer: no consumer dominates all
// its users, so it is left alone (as the seed's m_ij is); with allow-recompute it is recomputed.
// CHECK-LABEL: func.func @other_use_before_consumer(
// NOMU-LABEL:  func.func @other_use_before_consumer(
// CHECK:       %[[OB_MIJ:.+]] = linalg.generic
// CHECK:         arith.maximumf
// CHECK:       tensor.expand_shape %[[OB_MIJ]]
// CHECK:       linalg.generic {{.*}} ins(%{{.+}}, %[[OB_MIJ]] :
// CHECK:         arith.subf
// CHECK:       return
// RECOMP-LABEL: func.func @other_use_before_consumer(
// RECOMP:       linalg.generic
// RECOMP:         arith.maximumf
// RECOMP:       linalg.generic
// RECOMP-NEXT:  ^bb0(
// RECOMP-NEXT:    arith.maximumf
// RECOMP-NEXT:    arith.subf
// RECOMP:       return
func.func @other_use_before_consumer(%m: tensor<256xf32>, %s: tensor<256xf32>) -> (tensor<256xf32>, tensor<256x1xf32>) {
  %e = tensor.empty() : tensor<256xf32>
  %mij = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%m, %s : tensor<256xf32>, tensor<256xf32>) outs(%e : tensor<256xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.maximumf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  %x = tensor.expand_shape %mij [[0, 1]] output_shape [256, 1] : tensor<256xf32> into tensor<256x1xf32>
  %alpha = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%m, %mij : tensor<256xf32>, tensor<256xf32>) outs(%e : tensor<256xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.subf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  return %alpha, %x : tensor<256xf32>, tensor<256x1xf32>
}

// A reduction is never fused into its consumer.
// CHECK-LABEL: func.func @reduction_producer(
// CHECK:       %[[RP_SUM:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:       %[[RP_R:.+]] = linalg.generic {{.*}}iterator_types = ["parallel"]} ins(%{{.+}}, %[[RP_SUM]] :
// CHECK:       return %[[RP_R]], %[[RP_SUM]]
func.func @reduction_producer(%x: tensor<256x64xf32>, %init: tensor<256xf32>, %l: tensor<256xf32>) -> (tensor<256xf32>, tensor<256xf32>) {
  %e = tensor.empty() : tensor<256xf32>
  %sum = linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<256x64xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.addf %a, %o : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  %r = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%l, %sum : tensor<256xf32>, tensor<256xf32>) outs(%e : tensor<256xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.addf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  return %r, %sum : tensor<256xf32>, tensor<256xf32>
}

// p feeds a reduction and an elementwise op: multi-use fusion needs an all-parallel consumer that
// comes before every other user, so p stays (like the seed's p feeding row-sum and PV).
// With allow-recompute, exp2 is recomputed in both consumers and p disappears.
// CHECK-LABEL: func.func @reduction_consumer(
// CHECK:       %[[RC_P:.+]] = linalg.generic
// CHECK-NEXT:  ^bb0(
// CHECK-NEXT:    math.exp2
// CHECK:       linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[RC_P]] :
// CHECK:       linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%[[RC_P]],
// RECOMP-LABEL: func.func @reduction_consumer(
// RECOMP:       linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]}
// RECOMP-NEXT:  ^bb0(
// RECOMP-NEXT:    math.exp2
// RECOMP-NEXT:    arith.addf
// RECOMP:       linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]}
// RECOMP-NEXT:  ^bb0(
// RECOMP-NEXT:    math.exp2
// RECOMP-NEXT:    arith.mulf
// RECOMP-NOT:   linalg.generic
// RECOMP:       return
func.func @reduction_consumer(%x: tensor<256x64xf32>, %v: tensor<256x64xf32>, %init: tensor<256xf32>) -> (tensor<256xf32>, tensor<256x64xf32>) {
  %e = tensor.empty() : tensor<256x64xf32>
  %p = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<256x64xf32>) outs(%e : tensor<256x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = math.exp2 %a : f32
    linalg.yield %0 : f32
  } -> tensor<256x64xf32>
  %sum = linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%p : tensor<256x64xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.addf %a, %o : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  %pv = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%p, %v : tensor<256x64xf32>, tensor<256x64xf32>) outs(%e : tensor<256x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.mulf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<256x64xf32>
  return %sum, %pv : tensor<256xf32>, tensor<256x64xf32>
}

// A 1-D producer read by a 2-D consumer: its result cannot be an extra (2-D) result, so it is
// only fused when recomputing is allowed.
// CHECK-LABEL: func.func @loop_count_mismatch(
// CHECK-SAME:    %[[LM_M:[a-z0-9]+]]: tensor<256xf32>
// CHECK:       %[[LM_S:.+]] = linalg.generic {indexing_maps = [#[[ID1]], #[[ID1]]], iterator_types = ["parallel"]} ins(%[[LM_M]] :
// CHECK:       linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%{{.+}}, %[[LM_S]] :
// RECOMP-LABEL: func.func @loop_count_mismatch(
// RECOMP-SAME:    %[[RLM_M:[a-z0-9]+]]: tensor<256xf32>, %[[RLM_X:[a-z0-9]+]]: tensor<256x64xf32>
// RECOMP:       %[[RLM_S:.+]] = linalg.generic {{.*}} ins(%[[RLM_M]] :
// RECOMP:       linalg.generic {{.*}} ins(%[[RLM_X]], %[[RLM_M]] :
// RECOMP-NEXT:  ^bb0(%[[RLM_IN_X:[^:]+]]: f32, %[[RLM_IN_M:[^:]+]]: f32,
// RECOMP-NEXT:    %[[RLM_E:.+]] = math.exp2 %[[RLM_IN_M]]
// RECOMP-NEXT:    arith.subf %[[RLM_IN_X]], %[[RLM_E]]
// RECOMP:       return %{{.+}}, %[[RLM_S]]
func.func @loop_count_mismatch(%m: tensor<256xf32>, %x: tensor<256x64xf32>) -> (tensor<256x64xf32>, tensor<256xf32>) {
  %e1 = tensor.empty() : tensor<256xf32>
  %e2 = tensor.empty() : tensor<256x64xf32>
  %s = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%m : tensor<256xf32>) outs(%e1 : tensor<256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = math.exp2 %a : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  %r = linalg.generic {indexing_maps = [#id2, #row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x, %s : tensor<256x64xf32>, tensor<256xf32>) outs(%e2 : tensor<256x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.subf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<256x64xf32>
  return %r, %s : tensor<256x64xf32>, tensor<256xf32>
}

// A transpose folds into the reduction as the map (d1, d0), even though the transposed tensor is
// also returned (the transpose stays for that user).
// CHECK-LABEL: func.func @transpose_into_reduction(
// CHECK-SAME:    %[[TR_QK:[a-z0-9]+]]: tensor<256x64xf32>, %[[TR_INIT:[a-z0-9]+]]: tensor<256xf32>)
// CHECK:       %[[TR_T:.+]] = linalg.generic {indexing_maps = [#[[TR]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[TR_QK]] :
// CHECK:       %[[TR_MAX:.+]] = linalg.generic {indexing_maps = [#[[TR]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[TR_QK]] : tensor<256x64xf32>) outs(%[[TR_INIT]] :
// CHECK-NEXT:  ^bb0(
// CHECK-NEXT:    arith.maxnumf
// CHECK:       return %[[TR_MAX]], %[[TR_T]]
func.func @transpose_into_reduction(%qk: tensor<256x64xf32>, %init: tensor<256xf32>) -> (tensor<256xf32>, tensor<64x256xf32>) {
  %e = tensor.empty() : tensor<64x256xf32>
  %t = linalg.generic {indexing_maps = [#tr2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%qk : tensor<256x64xf32>) outs(%e : tensor<64x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<64x256xf32>
  %max = linalg.generic {indexing_maps = [#id2, #col], iterator_types = ["reduction", "parallel"]}
      ins(%t : tensor<64x256xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.maxnumf %a, %o : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  return %max, %t : tensor<256xf32>, tensor<64x256xf32>
}

// The expand_shape + (d0, 0) broadcast generic folds into both users as the map (d0, 0).
// CHECK-LABEL: func.func @broadcast_two_users(
// CHECK:       %[[BC_X:.+]] = tensor.expand_shape
// CHECK-NEXT:  linalg.generic {indexing_maps = [#[[ID2]], #[[BCAST]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%{{.+}}, %[[BC_X]] : tensor<256x64xf32>, tensor<256x1xf32>)
// CHECK:         arith.subf
// CHECK:       linalg.generic {indexing_maps = [#[[ID2]], #[[BCAST]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%{{.+}}, %[[BC_X]] : tensor<256x64xf32>, tensor<256x1xf32>)
// CHECK:         arith.mulf
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @broadcast_two_users(%qk: tensor<256x64xf32>, %acc: tensor<256x64xf32>, %m: tensor<256xf32>) -> (tensor<256x64xf32>, tensor<256x64xf32>) {
  %e = tensor.empty() : tensor<256x64xf32>
  %x = tensor.expand_shape %m [[0, 1]] output_shape [256, 1] : tensor<256xf32> into tensor<256x1xf32>
  %b = linalg.generic {indexing_maps = [#bcast, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<256x1xf32>) outs(%e : tensor<256x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<256x64xf32>
  %p = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%qk, %b : tensor<256x64xf32>, tensor<256x64xf32>) outs(%e : tensor<256x64xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %0 = arith.subf %a, %c : f32
    linalg.yield %0 : f32
  } -> tensor<256x64xf32>
  %q = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %b : tensor<256x64xf32>, tensor<256x64xf32>) outs(%e : tensor<256x64xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %0 = arith.mulf %a, %c : f32
    linalg.yield %0 : f32
  } -> tensor<256x64xf32>
  return %p, %q : tensor<256x64xf32>, tensor<256x64xf32>
}

// A splat fill feeding an elementwise op becomes a constant in its body (upstream patterns).
// CHECK-LABEL: func.func @fill_folds_into_consumer(
// CHECK:       %[[FF_C:.+]] = arith.constant 0.72134751 : f32
// CHECK-NOT:   linalg.fill
// CHECK:       linalg.generic
// CHECK:         arith.mulf %{{.+}}, %[[FF_C]] : f32
func.func @fill_folds_into_consumer(%x: tensor<256xf32>) -> tensor<256xf32> {
  %scale = arith.constant 0.72134751 : f32
  %e = tensor.empty() : tensor<256xf32>
  %f = linalg.fill ins(%scale : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  %r = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%x, %f : tensor<256xf32>, tensor<256xf32>) outs(%x : tensor<256xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.mulf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}

// Two rounds: c absorbs p2 (kept as a result), then the fused op absorbs p1 (kept as a result).
// CHECK-LABEL: func.func @rounds(
// CHECK:       %[[RD_F:.+]]:3 = linalg.generic
// CHECK-NEXT:  ^bb0(%[[RD_X:[^:]+]]: f32, %[[RD_Y:[^:]+]]: f32, %[[RD_Z:[^:]+]]: f32,
// CHECK-NEXT:    %[[RD_E:.+]] = math.exp2 %[[RD_X]]
// CHECK-NEXT:    %[[RD_P2:.+]] = arith.mulf %[[RD_E]], %[[RD_Y]]
// CHECK-NEXT:    %[[RD_C:.+]] = arith.addf %[[RD_P2]], %[[RD_Z]]
// CHECK-NEXT:    linalg.yield %[[RD_E]], %[[RD_P2]], %[[RD_C]]
// CHECK:       return %[[RD_F]]#2, %[[RD_F]]#1, %[[RD_F]]#0
func.func @rounds(%x: tensor<256xf32>, %y: tensor<256xf32>, %z: tensor<256xf32>) -> (tensor<256xf32>, tensor<256xf32>, tensor<256xf32>) {
  %e = tensor.empty() : tensor<256xf32>
  %p1 = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<256xf32>) outs(%e : tensor<256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = math.exp2 %a : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  %p2 = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%p1, %y : tensor<256xf32>, tensor<256xf32>) outs(%e : tensor<256xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.mulf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  %c = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%p2, %z : tensor<256xf32>, tensor<256xf32>) outs(%e : tensor<256xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.addf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  return %c, %p2, %p1 : tensor<256xf32>, tensor<256xf32>, tensor<256xf32>
}

// Folding the scalar broadcast into the reduction would leave the reduced loop without a size
// (no operand indexes it): both ops stay.
// CHECK-LABEL: func.func @broadcast_into_reduction_without_size(
// CHECK:       %[[BR_B:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]}
// CHECK:       linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[BR_B]] :
func.func @broadcast_into_reduction_without_size(%s: tensor<f32>, %n: index) -> tensor<?xf32> {
  %cst = arith.constant 0xFF800000 : f32
  %e2 = tensor.empty(%n, %n) : tensor<?x?xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> ()>, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<f32>) outs(%e2 : tensor<?x?xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?x?xf32>
  %e1 = tensor.empty(%n) : tensor<?xf32>
  %init = linalg.fill ins(%cst : f32) outs(%e1 : tensor<?xf32>) -> tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#tr2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%b : tensor<?x?xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.maximumf %a, %o : f32
    linalg.yield %0 : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}
