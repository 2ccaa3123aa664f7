// RUN: hexopt run -p 'builtin.module(hexagon-vectorization)' %s | filecheck %s

// A [1, 32] generic whose outputs are written through different maps (a row and a column; from
// upstream's fusion-elementwise-ops test after tiling): upstream's vectorizer fails on it ("Attempted
// to vectorize, but failed", an internal error before), so it stays a scalar generic.
// CHECK-LABEL: func.func @two_output_maps(
// CHECK:       linalg.generic
// CHECK:         tensor.extract
// CHECK-NOT:   vector.
// CHECK:       return
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @two_output_maps(%a: tensor<1xi64>, %b: tensor<32xi32>, %src: tensor<5000xi32>, %base: index) -> (tensor<1xi64>, tensor<32xi32>) {
  %r:2 = linalg.generic {indexing_maps = [#row, #col], iterator_types = ["parallel", "parallel"]}
      outs(%a, %b : tensor<1xi64>, tensor<32xi32>) {
  ^bb0(%o: i64, %p: i32):
    %j = linalg.index 1 : index
    %k = arith.addi %j, %base : index
    %ki = arith.index_cast %k : index to i64
    %x = tensor.extract %src[%k] : tensor<5000xi32>
    linalg.yield %ki, %x : i64, i32
  } -> (tensor<1xi64>, tensor<32xi32>)
  return %r#0, %r#1 : tensor<1xi64>, tensor<32xi32>
}
