// RUN: hexopt run -p 'builtin.module(split-reduce-generic)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(split-reduce-generic{ratio=16})' %s | filecheck %s --check-prefix=RATIO

// RATIO-LABEL: func.func @sum_2048(
// RATIO:         tensor.expand_shape {{.+}} output_shape [128, 16]

// 2048 = 64 x 32: 32 partial sums (one vector) reduced over 64 rows, then one final reduction.
// CHECK-LABEL: func.func @sum_2048(
// CHECK-SAME:    %[[S_X:[a-z0-9]+]]: tensor<2048xf32>, %[[S_INIT:[a-z0-9]+]]: tensor<f32>
// CHECK:         %[[S_E:.+]] = tensor.expand_shape %[[S_X]] {{\[}}[0, 1]] output_shape [64, 32] : tensor<2048xf32> into tensor<64x32xf32>
// CHECK:         %[[S_ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[S_FILL:.+]] = linalg.fill ins(%[[S_ZERO]] : f32) outs(%{{.+}} : tensor<32xf32>)
// CHECK:         %[[S_PART:.+]] = linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]} ins(%[[S_E]] : tensor<64x32xf32>) outs(%[[S_FILL]] : tensor<32xf32>)
// CHECK:           arith.addf
// CHECK:         %[[S_FINAL:.+]] = linalg.generic {{.+}} iterator_types = ["reduction"]} ins(%[[S_PART]] : tensor<32xf32>) outs(%[[S_INIT]] : tensor<f32>)
// CHECK:           arith.addf
// CHECK:         return %[[S_FINAL]]
func.func @sum_2048(%x: tensor<2048xf32>, %init: tensor<f32>) -> tensor<f32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : tensor<2048xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

// f16: the vector length is 64; the partial max starts from -inf, not from upstream's NaN (fast-math's
// nnan would make that NaN poison, and the max -> vmax rewrite would propagate it).
// CHECK-LABEL: func.func @max_f16(
// CHECK-DAG:     %[[NEG_INF:.+]] = arith.constant 0xFC00 : f16
// CHECK-DAG:     tensor.expand_shape {{.+}} output_shape [16, 64] : tensor<1024xf16> into tensor<16x64xf16>
// CHECK:         linalg.fill ins(%[[NEG_INF]] : f16)
// CHECK:         linalg.generic {{.+}} ins(%{{.+}} : tensor<16x64xf16>) outs(%{{.+}} : tensor<64xf16>)
// CHECK:           arith.maxnumf
// CHECK:         linalg.generic {{.+}} ins(%{{.+}} : tensor<64xf16>) outs(%{{.+}} : tensor<f16>)
func.func @max_f16(%x: tensor<1024xf16>, %init: tensor<f16>) -> tensor<f16> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : tensor<1024xf16>) outs(%init : tensor<f16>) {
  ^bb0(%in: f16, %out: f16):
    %s = arith.maxnumf %in, %out : f16
    linalg.yield %s : f16
  } -> tensor<f16>
  return %r : tensor<f16>
}

// Left alone: 100 is not a multiple of 32, 32 is a single vector already, a 2-loop reduction (the seed's
// row sums), and a body that reads the accumulator other than in the combining op (acc * acc + x).
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT:     tensor.expand_shape
// CHECK:         linalg.generic {{.+}} ins(%{{.+}} : tensor<100xf32>)
// CHECK:         linalg.generic {{.+}} ins(%{{.+}} : tensor<32xf32>)
// CHECK:         linalg.generic {{.+}} ins(%{{.+}} : tensor<64x64xf32>)
// CHECK:         linalg.generic {{.+}} ins(%{{.+}} : tensor<64xf32>)
// CHECK-NOT:     tensor.expand_shape
// CHECK:         return
func.func @left_alone(%a: tensor<100xf32>, %b: tensor<32xf32>, %c: tensor<64x64xf32>, %d: tensor<64xf32>, %i: tensor<f32>, %j: tensor<64xf32>)
    -> (tensor<f32>, tensor<f32>, tensor<64xf32>, tensor<f32>) {
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%a : tensor<100xf32>) outs(%i : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%b : tensor<32xf32>) outs(%i : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]}
      ins(%c : tensor<64x64xf32>) outs(%j : tensor<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  %3 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%d : tensor<64xf32>) outs(%i : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %out, %out : f32
    %s = arith.addf %m, %in : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %0, %1, %2, %3 : tensor<f32>, tensor<f32>, tensor<64xf32>, tensor<f32>
}

// A sum of squares: the x * x before the combining add goes into the partial reduction (layer norm's
// variance, rms norm).
// CHECK-LABEL: func.func @sum_of_squares(
// CHECK:         tensor.expand_shape {{.+}} output_shape [4, 32] : tensor<128xf32> into tensor<4x32xf32>
// CHECK:         linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]} ins(%{{.+}} : tensor<4x32xf32>) outs(%{{.+}} : tensor<32xf32>)
// CHECK-NEXT:    ^bb0(%[[Q_IN:.+]]: f32, %[[Q_OUT:.+]]: f32):
// CHECK-NEXT:      %[[Q_SQ:.+]] = arith.mulf %[[Q_IN]], %[[Q_IN]] : f32
// CHECK-NEXT:      arith.addf %[[Q_SQ]], %[[Q_OUT]] : f32
// CHECK:         linalg.generic {{.+}} iterator_types = ["reduction"]} ins(%{{.+}} : tensor<32xf32>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.addf
// CHECK-NEXT:      linalg.yield
func.func @sum_of_squares(%x: tensor<128xf32>, %init: tensor<f32>) -> tensor<f32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : tensor<128xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    %s = arith.addf %m, %out : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

// A reduction into a one-element tensor through (d0) -> (0) is left alone: upstream split_reduction
// aborts the process on a map result that is not a loop dimension.
// CHECK-LABEL: func.func @max_into_one_element
// CHECK:       linalg.generic {{.*}}iterator_types = ["reduction"]
// CHECK-SAME:    ins(%{{.*}} : tensor<2048xf32>) outs(%{{.*}} : tensor<1xf32>)
// CHECK-NOT:   linalg.generic
func.func @max_into_one_element(%x: tensor<2048xf32>, %init: tensor<1xf32>) -> tensor<1xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (0)>],
                       iterator_types = ["reduction"]}
      ins(%x : tensor<2048xf32>) outs(%init : tensor<1xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %m = arith.maximumf %a, %acc : f32
    linalg.yield %m : f32
  } -> tensor<1xf32>
  return %r : tensor<1xf32>
}

// maxnumf / minnumf partials start at -inf / +inf (upstream's NaN start becomes poison under the
// fast-math flags set later: a max of negative numbers came out -inf); the final reduction keeps its init.
// CHECK-LABEL: func.func @maxnum_starts_at_minus_inf(
// CHECK-DAG:     %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:         %[[P:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<32xf32>)
// CHECK:         linalg.generic {{.*}} outs(%[[P]] : tensor<32xf32>)
// CHECK:           arith.maxnumf
// CHECK-LABEL: func.func @minnum_starts_at_plus_inf(
// CHECK-DAG:     %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK:         %[[P:.*]] = linalg.fill ins(%[[INF]] : f32) outs(%{{.*}} : tensor<32xf32>)
// CHECK:         linalg.generic {{.*}} outs(%[[P]] : tensor<32xf32>)
// CHECK:           arith.minnumf
func.func @maxnum_starts_at_minus_inf(%x: tensor<2048xf32>, %i: tensor<f32>) -> tensor<f32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : tensor<2048xf32>) outs(%i : tensor<f32>) {
  ^bb0(%a: f32, %acc: f32):
    %m = arith.maxnumf %a, %acc : f32
    linalg.yield %m : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}
func.func @minnum_starts_at_plus_inf(%x: tensor<2048xf32>, %i: tensor<f32>) -> tensor<f32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : tensor<2048xf32>) outs(%i : tensor<f32>) {
  ^bb0(%a: f32, %acc: f32):
    %m = arith.minnumf %a, %acc : f32
    linalg.yield %m : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}
