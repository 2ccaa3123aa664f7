// RUN: hexopt run -p 'builtin.module(hexagon-vectorization)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(hexagon-vectorization,hexagon-fast-math)' %s | filecheck %s --check-prefix=FAST

// A one-vector reduction becomes vector.reduction (not vector.multi_reduction, which has no fast-math flags
// and lowers to LLVM's ordered reduction: 32 scalar adds on Hexagon); hexagon-fast-math then flags it.
// CHECK-LABEL: func.func @sum32(
// CHECK-NOT:     vector.multi_reduction
// CHECK:         %[[A_V:.+]] = vector.transfer_read
// CHECK:         vector.reduction <add>, %[[A_V]], %{{.+}} : vector<32xf32> into f32
// FAST-LABEL: func.func @sum32(
// FAST:         vector.reduction <add>, %{{.+}}, %{{.+}} fastmath<fast> : vector<32xf32> into f32
func.func @sum32(%x: tensor<32xf32>, %init: tensor<f32>) -> tensor<f32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : tensor<32xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

// A max reduction takes its accumulator into every lane first and reduces the vector alone (LLVM's lowering
// of the accumulator drops the flags: an fmaxf call on Hexagon).
// CHECK-LABEL: func.func @max32(
// CHECK:         %[[M_V:.+]] = vector.transfer_read
// CHECK:         %[[M_INIT:.+]] = vector.broadcast %{{.+}} : f32 to vector<32xf32>
// CHECK:         %[[M_J:.+]] = arith.maxnumf %[[M_V]], %[[M_INIT]] : vector<32xf32>
// CHECK:         vector.reduction <maxnumf>, %[[M_J]] : vector<32xf32> into f32
// FAST-LABEL: func.func @max32(
// FAST:         arith.maxnumf %{{.+}}, %{{.+}} fastmath<fast> : vector<32xf32>
// FAST:         vector.reduction <maxnumf>, %{{.+}} fastmath<fast> : vector<32xf32> into f32
func.func @max32(%x: tensor<32xf32>, %init: tensor<f32>) -> tensor<f32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : tensor<32xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maxnumf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}
