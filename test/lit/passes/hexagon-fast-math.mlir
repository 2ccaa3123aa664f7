// RUN: hexopt run -p 'builtin.module(hexagon-fast-math)' %s | filecheck %s

// Every arith/math op that has fast-math flags gets fastmath<fast>, on vectors, scalars and inside
// linalg bodies; integer ops and casts without flags are untouched.
// CHECK-LABEL: func.func @float_ops(
// CHECK:         arith.mulf %{{.+}}, %{{.+}} fastmath<fast> : vector<32xf32>
// CHECK-NEXT:    arith.subf %{{.+}}, %{{.+}} fastmath<fast> : vector<32xf32>
// CHECK-NEXT:    math.exp2 %{{.+}} fastmath<fast> : vector<32xf32>
// CHECK-NEXT:    arith.maxnumf %{{.+}}, %{{.+}} fastmath<fast> : f32
// CHECK-NEXT:    arith.divf %{{.+}}, %{{.+}} fastmath<fast> : f32
// CHECK-NEXT:    arith.cmpf olt, %{{.+}}, %{{.+}} fastmath<fast> : f32
// CHECK-NEXT:    arith.addi %{{.+}}, %{{.+}} : i32
// CHECK-NEXT:    arith.sitofp %{{.+}} : i32 to f32
// CHECK-NEXT:    math.absi %{{.+}} : i32
// CHECK-NEXT:    return
func.func @float_ops(%v: vector<32xf32>, %w: vector<32xf32>, %a: f32, %i: i32) -> (vector<32xf32>, f32, f32, i1, i32, f32, i32) {
  %0 = arith.mulf %v, %w : vector<32xf32>
  %1 = arith.subf %0, %w fastmath<nnan> : vector<32xf32>
  %2 = math.exp2 %1 : vector<32xf32>
  %3 = arith.maxnumf %a, %a : f32
  %4 = arith.divf %3, %a : f32
  %5 = arith.cmpf olt, %4, %a : f32
  %6 = arith.addi %i, %i : i32
  %7 = arith.sitofp %6 : i32 to f32
  %8 = math.absi %i : i32
  return %2, %3, %4, %5, %6, %7, %8 : vector<32xf32>, f32, f32, i1, i32, f32, i32
}

// CHECK-LABEL: func.func @in_linalg_body(
// CHECK:         linalg.generic
// CHECK:           arith.mulf %{{.+}}, %{{.+}} fastmath<fast> : f32
// CHECK:           math.exp2 %{{.+}} fastmath<fast> : f32
func.func @in_linalg_body(%a: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<64xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%a : tensor<64xf32>) outs(%b : tensor<64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.mulf %x, %o : f32
    %1 = math.exp2 %0 : f32
    linalg.yield %1 : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// Ops whose rounding is part of an algorithm (marked by approximate-vector-math) keep their flags.
// CHECK-LABEL: func.func @exact_kept(
// CHECK:         arith.addf %{{.+}}, %{{.+}} {hexopt.exact_fp} : vector<32xf32>
// CHECK-NEXT:    arith.subf %{{.+}}, %{{.+}} {hexopt.exact_fp} : vector<32xf32>
func.func @exact_kept(%x: vector<32xf32>) -> vector<32xf32> {
  %m = arith.constant dense<12582912.0> : vector<32xf32>
  %t = arith.addf %x, %m {hexopt.exact_fp} : vector<32xf32>
  %n = arith.subf %t, %m {hexopt.exact_fp} : vector<32xf32>
  return %n : vector<32xf32>
}

// A reduction across lanes gets the flags too: without reassociation LLVM emits an ordered chain of
// scalar adds instead of a shuffle tree.
// CHECK-LABEL: func.func @lane_reduction(
// CHECK:         vector.reduction <add>, %{{.+}}, %{{.+}} fastmath<fast> : vector<32xf32> into f32
func.func @lane_reduction(%v: vector<32xf32>, %a: f32) -> f32 {
  %0 = vector.reduction <add>, %v, %a : vector<32xf32> into f32
  return %0 : f32
}

// A 1-D float multi_reduction to a scalar (a vectorized 1-D linalg reduction) has no fast-math flags in
// MLIR 22: it becomes the equivalent vector.reduction, which carries them. Others are left alone.
// CHECK-LABEL: func.func @whole_vector_reductions(
// CHECK-SAME:    %[[V:.*]]: vector<64xf16>, %[[A:.*]]: f16, %[[M:.*]]: vector<4x32xf32>, %[[B:.*]]: vector<32xf32>, %[[I:.*]]: vector<32xi32>, %[[J:.*]]: i32)
// CHECK:         %[[R:.*]] = vector.reduction <maximumf>, %[[V]], %[[A]] fastmath<fast> : vector<64xf16> into f16
// CHECK:         vector.multi_reduction <add>, %[[M]], %[[B]] [0] : vector<4x32xf32> to vector<32xf32>
// CHECK:         vector.multi_reduction <add>, %[[I]], %[[J]] [0] : vector<32xi32> to i32
// CHECK:         return %[[R]]
func.func @whole_vector_reductions(%v: vector<64xf16>, %a: f16, %m: vector<4x32xf32>, %b: vector<32xf32>,
                                   %i: vector<32xi32>, %j: i32) -> (f16, vector<32xf32>, i32) {
  %0 = vector.multi_reduction <maximumf>, %v, %a [0] : vector<64xf16> to f16
  %1 = vector.multi_reduction <add>, %m, %b [0] : vector<4x32xf32> to vector<32xf32>
  %2 = vector.multi_reduction <add>, %i, %j [0] : vector<32xi32> to i32
  return %0, %1, %2 : f16, vector<32xf32>, i32
}
