// RUN: hexopt run -p 'builtin.module(hexagon-vectorization)' %s | filecheck %s
// RUN: hexopt run hexagon %s -o /dev/null

// A reduction whose combining op is not one with a neutral element (sqrt(acc^2 + x^2), a Triton
// reduce with a custom combine function) cannot be vectorized by upstream, which failed the whole
// pass ("Attempted to vectorize, but failed"). It stays a scalar loop; the ops around it still
// vectorize.

#id = affine_map<(d0) -> (d0)>
#scalar = affine_map<(d0) -> ()>

// CHECK-LABEL: func.func @hypot_reduce(
// CHECK:         linalg.generic {{.*}} iterator_types = ["reduction"]
// CHECK:           math.sqrt %{{.*}} : f32
// CHECK:         vector.transfer_read {{.*}} vector<32xf32>
// CHECK:         arith.mulf {{.*}} : vector<32xf32>
func.func @hypot_reduce(%x: tensor<32xf32>, %acc: tensor<f32>, %y: tensor<32xf32>) -> (tensor<f32>, tensor<32xf32>) {
  %r = linalg.generic {indexing_maps = [#id, #scalar], iterator_types = ["reduction"]}
      ins(%x : tensor<32xf32>) outs(%acc : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.mulf %in, %in : f32
    %b = arith.mulf %out, %out : f32
    %s = arith.addf %a, %b : f32
    %h = math.sqrt %s : f32
    linalg.yield %h : f32
  } -> tensor<f32>
  %e = tensor.empty() : tensor<32xf32>
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%y : tensor<32xf32>) outs(%e : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.mulf %in, %in : f32
    linalg.yield %t : f32
  } -> tensor<32xf32>
  return %r, %m : tensor<f32>, tensor<32xf32>
}
