// RUN: hexopt run -p 'builtin.module(broadcast-division-to-reciprocal)' %s | filecheck %s

// The seed's epilogue after vectorization: acc / splat(l). One scalar reciprocal, a vector multiply.
// CHECK-LABEL: func.func @row_division(
// CHECK-SAME:    %[[ACC:[a-z0-9]+]]: vector<32xf32>, %[[L:[a-z0-9]+]]: f32)
// CHECK:       %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:       %[[R:.+]] = arith.divf %[[ONE]], %[[L]] fastmath<fast> : f32
// CHECK:       %[[SPLAT:.+]] = vector.broadcast %[[R]] : f32 to vector<32xf32>
// CHECK:       %[[OUT:.+]] = arith.mulf %[[ACC]], %[[SPLAT]] fastmath<fast> : vector<32xf32>
// CHECK-NOT:   arith.divf {{.*}} : vector<32xf32>
// CHECK:       return %[[OUT]]
func.func @row_division(%acc: vector<32xf32>, %l: f32) -> vector<32xf32> {
  %b = vector.broadcast %l : f32 to vector<32xf32>
  %d = arith.divf %acc, %b fastmath<fast> : vector<32xf32>
  return %d : vector<32xf32>
}

// arcp alone is enough, and the flags are kept.
// CHECK-LABEL: func.func @arcp_only(
// CHECK:       arith.divf %{{.+}}, %{{.+}} fastmath<arcp> : f32
// CHECK:       arith.mulf %{{.+}}, %{{.+}} fastmath<arcp> : vector<32xf32>
func.func @arcp_only(%acc: vector<32xf32>, %l: f32) -> vector<32xf32> {
  %b = vector.broadcast %l : f32 to vector<32xf32>
  %d = arith.divf %acc, %b fastmath<arcp> : vector<32xf32>
  return %d : vector<32xf32>
}

// Without fast-math (or with flags that do not allow a reciprocal) the division stays exact.
// CHECK-LABEL: func.func @strict_left_alone(
// CHECK:       arith.divf %{{.+}}, %{{.+}} : vector<32xf32>
// CHECK:       arith.divf %{{.+}}, %{{.+}} fastmath<nnan,ninf> : vector<32xf32>
// CHECK-NOT:   arith.mulf
// CHECK:       return
func.func @strict_left_alone(%acc: vector<32xf32>, %l: f32) -> (vector<32xf32>, vector<32xf32>) {
  %b = vector.broadcast %l : f32 to vector<32xf32>
  %d = arith.divf %acc, %b : vector<32xf32>
  %e = arith.divf %acc, %b fastmath<nnan,ninf> : vector<32xf32>
  return %d, %e : vector<32xf32>, vector<32xf32>
}

// A divisor that is not a splat of a scalar is left alone.
// CHECK-LABEL: func.func @not_a_splat(
// CHECK:       arith.divf %{{.+}}, %{{.+}} fastmath<fast> : vector<32xf32>
// CHECK-NOT:   arith.mulf
// CHECK:       return
func.func @not_a_splat(%acc: vector<32xf32>, %l: vector<32xf32>) -> vector<32xf32> {
  %d = arith.divf %acc, %l fastmath<fast> : vector<32xf32>
  return %d : vector<32xf32>
}
