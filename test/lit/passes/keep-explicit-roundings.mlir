// RUN: hexopt run -p 'builtin.module(keep-explicit-roundings,hexagon-fast-math,canonicalize)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(hexagon-fast-math,canonicalize)' %s | filecheck %s --check-prefix=UPSTREAM

// A kernel's extf(truncf(x)) keeps its f16 rounding under fast-math: the truncf loses its flags and is
// marked, so that hexagon-fast-math leaves it and canonicalize cannot fold the pair. Without the pass,
// upstream folds it to x.
// CHECK-LABEL: func.func @round_to_f16(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: vector<32xf32>
// CHECK:         %[[T:.+]] = arith.truncf %[[X]] {hexopt.exact_fp} : vector<32xf32> to vector<32xf16>
// CHECK:         %[[E:.+]] = arith.extf %[[T]] fastmath<fast> : vector<32xf16> to vector<32xf32>
// CHECK:         return %[[E]]
// UPSTREAM-LABEL: func.func @round_to_f16(
// UPSTREAM-SAME:    %[[X:[a-z0-9]+]]: vector<32xf32>
// UPSTREAM-NEXT:    return %[[X]]
func.func @round_to_f16(%x: vector<32xf32>) -> vector<32xf32> {
  %t = arith.truncf %x fastmath<contract> : vector<32xf32> to vector<32xf16>
  %e = arith.extf %t : vector<32xf16> to vector<32xf32>
  return %e : vector<32xf32>
}

// bf16 and scalars too; widening extf is untouched.
// CHECK-LABEL: func.func @others(
// CHECK:         arith.truncf %{{.+}} {hexopt.exact_fp} : f32 to bf16
// CHECK:         arith.extf %{{.+}} fastmath<fast> : bf16 to f32
func.func @others(%x: f32) -> f32 {
  %t = arith.truncf %x : f32 to bf16
  %e = arith.extf %t : bf16 to f32
  return %e : f32
}
