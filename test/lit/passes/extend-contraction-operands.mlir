// RUN: hexopt run -p 'builtin.module(extend-contraction-operands)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(extend-contraction-operands{vector-bytes=64})' %s | filecheck %s --check-prefix=HALF

// An f16 x f16 -> f32 matmul on 32 x 32 blocks (tl.dot with an f32 accumulator): rows of 32 are half an f16
// vector (64 lanes) but one f32 vector, so both inputs are extended once and the contraction is all f32.
// CHECK-LABEL: func.func @dot_f16(
// CHECK-SAME:    %[[D_A:[a-z0-9]+]]: tensor<32x32xf16>, %[[D_B:[a-z0-9]+]]: tensor<32x32xf16>, %[[D_C:[a-z0-9]+]]: tensor<32x32xf32>
// CHECK:         %[[D_AE:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]} ins(%[[D_A]] : tensor<32x32xf16>) outs(%{{.+}} : tensor<32x32xf32>)
// CHECK-NEXT:    ^bb0(%[[D_X:.+]]: f16, %{{.+}}: f32):
// CHECK-NEXT:      %[[D_XE:.+]] = arith.extf %[[D_X]] : f16 to f32
// CHECK-NEXT:      linalg.yield %[[D_XE]] : f32
// CHECK:         %[[D_BE:.+]] = linalg.generic {{.+}} ins(%[[D_B]] : tensor<32x32xf16>) outs(%{{.+}} : tensor<32x32xf32>)
// CHECK:         %[[D_R:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[D_AE]], %[[D_BE]] : tensor<32x32xf32>, tensor<32x32xf32>) outs(%[[D_C]] : tensor<32x32xf32>)
// CHECK-NEXT:    ^bb0(%[[D_P:.+]]: f32, %[[D_Q:.+]]: f32, %[[D_O:.+]]: f32):
// CHECK-NEXT:      %[[D_M:.+]] = arith.mulf %[[D_P]], %[[D_Q]] : f32
// CHECK-NEXT:      arith.addf %[[D_O]], %[[D_M]] : f32
// CHECK-NOT:     arith.extf
// CHECK:         return %[[D_R]]
// With 64-byte vectors, rows of 32 f16 are a whole vector already.
// HALF-LABEL: func.func @dot_f16(
// HALF-NOT:     iterator_types = ["parallel", "parallel"]
// HALF:         return
func.func @dot_f16(%a: tensor<32x32xf16>, %b: tensor<32x32xf16>, %c: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>,
                                        affine_map<(m, k, n) -> (m, n)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : tensor<32x32xf16>, tensor<32x32xf16>) outs(%c : tensor<32x32xf32>) {
  ^bb0(%x: f16, %y: f16, %o: f32):
    %xe = arith.extf %x : f16 to f32
    %ye = arith.extf %y : f16 to f32
    %m = arith.mulf %xe, %ye : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<32x32xf32>
  return %r : tensor<32x32xf32>
}

// Left alone: rows of 64 f16 (a whole f16 vector), rows of 16 (not a whole f32 vector either), an input
// used by more than its extf.
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT:     iterator_types = ["parallel", "parallel"]
// CHECK:         return
func.func @left_alone(%a: tensor<32x32xf16>, %b: tensor<32x64xf16>, %c: tensor<32x64xf32>,
                      %b16: tensor<32x16xf16>, %c16: tensor<32x16xf32>, %b32: tensor<32x32xf16>, %c32: tensor<32x32xf32>)
    -> (tensor<32x64xf32>, tensor<32x16xf32>, tensor<32x32xf32>) {
  %r = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>,
                                        affine_map<(m, k, n) -> (m, n)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : tensor<32x32xf16>, tensor<32x64xf16>) outs(%c : tensor<32x64xf32>) {
  ^bb0(%x: f16, %y: f16, %o: f32):
    %xe = arith.extf %x : f16 to f32
    %ye = arith.extf %y : f16 to f32
    %m = arith.mulf %xe, %ye : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<32x64xf32>
  %r16 = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>,
                                          affine_map<(m, k, n) -> (m, n)>],
                         iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b16 : tensor<32x32xf16>, tensor<32x16xf16>) outs(%c16 : tensor<32x16xf32>) {
  ^bb0(%x: f16, %y: f16, %o: f32):
    %xe = arith.extf %x : f16 to f32
    %ye = arith.extf %y : f16 to f32
    %m = arith.mulf %xe, %ye : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<32x16xf32>
  %r32 = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>,
                                          affine_map<(m, k, n) -> (m, n)>],
                         iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b32 : tensor<32x32xf16>, tensor<32x32xf16>) outs(%c32 : tensor<32x32xf32>) {
  ^bb0(%x: f16, %y: f16, %o: f32):
    %xe = arith.extf %x : f16 to f32
    %ye = arith.extf %y : f16 to f32
    %xx = arith.addf %x, %x : f16
    %xxe = arith.extf %xx : f16 to f32
    %ye2 = arith.extf %y : f16 to f32
    %m = arith.mulf %xe, %ye : f32
    %m2 = arith.mulf %xxe, %ye2 : f32
    %t = arith.addf %m, %m2 : f32
    %s = arith.addf %o, %t : f32
    linalg.yield %s : f32
  } -> tensor<32x32xf32>
  return %r, %r16, %r32 : tensor<32x64xf32>, tensor<32x16xf32>, tensor<32x32xf32>
}
