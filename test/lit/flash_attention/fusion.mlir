// RUN: hexopt run -p 'builtin.module(schedule-matmul-for-hvx,hexagon-fusion,canonicalize,cse)' %S/../../mlir/flash_attention.mlir | filecheck %s
// RUN: hexopt run -p 'builtin.module(schedule-matmul-for-hvx,hexagon-fusion,canonicalize,cse)' %S/../../mlir/flash_attention.mlir | filecheck %s --check-prefix=COUNT
// RUN: hexopt run -p 'builtin.module(schedule-matmul-for-hvx,hexagon-fusion,canonicalize,cse)' %S/../../mlir/flash_attention.mlir | grep -c 'linalg.generic' | filecheck %s --check-prefix=NUM

// The seed's "Linalg Fused IR": nine linalg.generic ops and no named matmul/transpose/reduce.
// NUM: {{^9$}}
// COUNT-LABEL: func.func @attention_fwd_kernel(
// COUNT-NOT:   linalg.{{matmul|transpose|reduce}}
// COUNT-COUNT-9: linalg.generic
// COUNT-NOT:   linalg.{{matmul|transpose|reduce|generic}}

// CHECK-DAG: #[[MK:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[NK:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[KN:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MN:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[TRANSPOSED:.+]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[ROWS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ID1:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[BCAST:.+]] = affine_map<(d0, d1) -> (d0, 0)>

// CHECK-LABEL: func.func @attention_fwd_kernel(
// CHECK-DAG:   %[[SCALE:.+]] = arith.constant 0.72134751 : f32
// CHECK-DAG:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:   %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG:   %[[EMPTY_ROW:.+]] = tensor.empty() : tensor<256xf32>
// CHECK-DAG:   %[[EMPTY_BLOCK:.+]] = tensor.empty() : tensor<256x64xf32>
// CHECK:       %[[ZEROS:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY_BLOCK]] : tensor<256x64xf32>)
// CHECK:       %[[Q:.+]] = bufferization.to_tensor
// CHECK:       %[[LOOP:.+]]:5 = scf.for {{.*}} iter_args(%[[ACC:[a-z0-9]+]] = %{{[a-z0-9]+}}, %[[L:[a-z0-9]+]] = %{{[a-z0-9]+}}, %[[M:[a-z0-9]+]] = %{{[a-z0-9]+}},

// QK^T with the transpose of K folded into the map of K, innermost loop parallel.
// CHECK:         %[[K:.+]] = bufferization.to_tensor
// CHECK:         %[[QK:.+]] = linalg.generic {indexing_maps = [#[[MK]], #[[NK]], #[[MN]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME:      ins(%[[Q]], %[[K]] : tensor<256x64xf32>, tensor<64x64xf32>) outs(%[[ZEROS]] : tensor<256x64xf32>)
// CHECK-NEXT:    ^bb0(%[[QK_Q:[^:]+]]: f32, %[[QK_K:[^:]+]]: f32, %[[QK_ACC:[^:]+]]: f32):
// CHECK-NEXT:      %[[QK_MUL:.+]] = arith.mulf %[[QK_Q]], %[[QK_K]] : f32
// CHECK-NEXT:      %[[QK_ADD:.+]] = arith.addf %[[QK_ACC]], %[[QK_MUL]] : f32
// CHECK-NEXT:      linalg.yield %[[QK_ADD]] : f32

// Row max: the transpose feeding the reduce became the map (d1, d0).
// CHECK:         %[[MAX_INIT:.+]] = linalg.fill ins(%[[NEG_INF]] : f32) outs(%[[EMPTY_ROW]] : tensor<256xf32>)
// CHECK:         %[[ROWMAX:.+]] = linalg.generic {indexing_maps = [#[[TRANSPOSED]], #[[ROWS]]], iterator_types = ["reduction", "parallel"]}
// CHECK-SAME:      ins(%[[QK]] : tensor<256x64xf32>) outs(%[[MAX_INIT]] : tensor<256xf32>)
// CHECK-NEXT:    ^bb0(%[[RM_IN:[^:]+]]: f32, %[[RM_OUT:[^:]+]]: f32):
// CHECK-NEXT:      arith.maxnumf %[[RM_IN]], %[[RM_OUT]] : f32

// m_ij = max(m_i, rowmax * scale): the scale fill is a constant in the body now.
// CHECK:         %[[MIJ:.+]] = linalg.generic {indexing_maps = [#[[ID1]], #[[ID1]], #[[ID1]]], iterator_types = ["parallel"]}
// CHECK-SAME:      ins(%[[M]], %[[ROWMAX]] : tensor<256xf32>, tensor<256xf32>)
// CHECK-NEXT:    ^bb0(%[[MI_M:[^:]+]]: f32, %[[MI_MAX:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT:      %[[MI_SCALED:.+]] = arith.mulf %[[MI_MAX]], %[[SCALE]] : f32
// CHECK-NEXT:      %[[MI_NEW:.+]] = arith.maxnumf %[[MI_M]], %[[MI_SCALED]] : f32
// CHECK-NEXT:      linalg.yield %[[MI_NEW]] : f32

// p = exp2(qk * scale - m_ij), m_ij broadcast along rows through (d0, 0).
// CHECK:         %[[MIJ_COL:.+]] = tensor.expand_shape %[[MIJ]] {{\[\[}}0, 1]] output_shape [256, 1]
// CHECK:         %[[P:.+]] = linalg.generic {indexing_maps = [#[[ID2]], #[[BCAST]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:      ins(%[[QK]], %[[MIJ_COL]] : tensor<256x64xf32>, tensor<256x1xf32>)
// CHECK-NEXT:    ^bb0(%[[P_QK:[^:]+]]: f32, %[[P_M:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT:      %[[P_SCALED:.+]] = arith.mulf %[[P_QK]], %[[SCALE]] : f32
// CHECK-NEXT:      %[[P_SHIFTED:.+]] = arith.subf %[[P_SCALED]], %[[P_M]] : f32
// CHECK-NEXT:      %[[P_EXP:.+]] = math.exp2 %[[P_SHIFTED]] : f32
// CHECK-NEXT:      linalg.yield %[[P_EXP]] : f32

// Row sum.
// CHECK:         %[[SUM_INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY_ROW]] : tensor<256xf32>)
// CHECK:         %[[ROWSUM:.+]] = linalg.generic {indexing_maps = [#[[TRANSPOSED]], #[[ROWS]]], iterator_types = ["reduction", "parallel"]}
// CHECK-SAME:      ins(%[[P]] : tensor<256x64xf32>) outs(%[[SUM_INIT]] : tensor<256xf32>)
// CHECK-NEXT:    ^bb0(%[[RS_IN:[^:]+]]: f32, %[[RS_OUT:[^:]+]]: f32):
// CHECK-NEXT:      arith.addf %[[RS_IN]], %[[RS_OUT]] : f32

// One 2-result generic (multi-use fusion): alpha = exp2(m_i - m_ij) and l_i * alpha + l_ij.
// CHECK:         %[[ALPHA_L:.+]]:2 = linalg.generic {indexing_maps = [#[[ID1]], #[[ID1]], #[[ID1]], #[[ID1]], #[[ID1]], #[[ID1]]], iterator_types = ["parallel"]}
// CHECK-SAME:      ins(%[[L]], %[[M]], %[[MIJ]], %[[ROWSUM]] : tensor<256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>)
// CHECK-SAME:      outs(%[[EMPTY_ROW]], %[[EMPTY_ROW]] : tensor<256xf32>, tensor<256xf32>)
// CHECK-NEXT:    ^bb0(%[[AL_L:[^:]+]]: f32, %[[AL_M:[^:]+]]: f32, %[[AL_MIJ:[^:]+]]: f32, %[[AL_LIJ:[^:]+]]: f32, %{{[^:]+}}: f32, %{{[^:]+}}: f32):
// CHECK-NEXT:      %[[AL_DIFF:.+]] = arith.subf %[[AL_M]], %[[AL_MIJ]] : f32
// CHECK-NEXT:      %[[AL_ALPHA:.+]] = math.exp2 %[[AL_DIFF]] : f32
// CHECK-NEXT:      %[[AL_SCALED:.+]] = arith.mulf %[[AL_L]], %[[AL_ALPHA]] : f32
// CHECK-NEXT:      %[[AL_NEWL:.+]] = arith.addf %[[AL_SCALED]], %[[AL_LIJ]] : f32
// CHECK-NEXT:      linalg.yield %[[AL_ALPHA]], %[[AL_NEWL]] : f32, f32
// CHECK:         %[[ALPHA_COL:.+]] = tensor.expand_shape %[[ALPHA_L]]#0 {{\[\[}}0, 1]] output_shape [256, 1]

// PV.
// CHECK:         %[[V:.+]] = bufferization.to_tensor
// CHECK:         %[[PV:.+]] = linalg.generic {indexing_maps = [#[[MK]], #[[KN]], #[[MN]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME:      ins(%[[P]], %[[V]] : tensor<256x64xf32>, tensor<64x64xf32>) outs(%[[ZEROS]] : tensor<256x64xf32>)
// CHECK-NEXT:    ^bb0(%[[PV_P:[^:]+]]: f32, %[[PV_V:[^:]+]]: f32, %[[PV_ACC:[^:]+]]: f32):
// CHECK-NEXT:      %[[PV_MUL:.+]] = arith.mulf %[[PV_P]], %[[PV_V]] : f32
// CHECK-NEXT:      arith.addf %[[PV_ACC]], %[[PV_MUL]] : f32

// acc * alpha + pv.
// CHECK:         %[[NEW_ACC:.+]] = linalg.generic {indexing_maps = [#[[ID2]], #[[BCAST]], #[[ID2]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:      ins(%[[ACC]], %[[ALPHA_COL]], %[[PV]] : tensor<256x64xf32>, tensor<256x1xf32>, tensor<256x64xf32>)
// CHECK-NEXT:    ^bb0(%[[NA_ACC:[^:]+]]: f32, %[[NA_ALPHA:[^:]+]]: f32, %[[NA_PV:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT:      %[[NA_SCALED:.+]] = arith.mulf %[[NA_ACC]], %[[NA_ALPHA]] : f32
// CHECK-NEXT:      %[[NA_SUM:.+]] = arith.addf %[[NA_SCALED]], %[[NA_PV]] : f32
// CHECK-NEXT:      linalg.yield %[[NA_SUM]] : f32
// CHECK:         scf.yield %[[NEW_ACC]], %[[ALPHA_L]]#1, %[[MIJ]], %{{.+}}, %{{.+}} :

// Epilogue after the loop: acc / l.
// CHECK:       %[[L_COL:.+]] = tensor.expand_shape %[[LOOP]]#1 {{\[\[}}0, 1]] output_shape [256, 1]
// CHECK:       %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[ID2]], #[[BCAST]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:    ins(%[[LOOP]]#0, %[[L_COL]] : tensor<256x64xf32>, tensor<256x1xf32>)
// CHECK-NEXT:  ^bb0(%[[EP_ACC:[^:]+]]: f32, %[[EP_L:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT:    %[[EP_DIV:.+]] = arith.divf %[[EP_ACC]], %[[EP_L]] : f32
// CHECK-NEXT:    linalg.yield %[[EP_DIV]] : f32
// CHECK:       bufferization.materialize_in_destination %[[OUT]] in writable
// CHECK-NEXT:  return
