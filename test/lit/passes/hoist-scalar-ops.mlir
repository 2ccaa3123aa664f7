// RUN: hexopt run -p 'builtin.module(func.func(hoist-scalar-ops))' %s | filecheck %s
// In the pipeline, after fusion: a one-element statistic fused through a broadcast map is computed once.
// RUN: hexopt run hexagon --stop-after=erase-unused-linalg-operands %S/Inputs/row-rms.mlir | filecheck %s --check-prefix=PIPE

#id = affine_map<(d0) -> (d0)>
#scalar = affine_map<(d0) -> ()>
#first = affine_map<(d0) -> (0)>

// rsqrt of a 0-d input and its scaling by a value from above: both once, before the generic, which reads
// the result from above. The input stays (erase-unused-linalg-operands removes it).
// CHECK-LABEL: func.func @norm_scale
// CHECK-SAME: (%[[S:.*]]: tensor<f32>, %[[X:.*]]: tensor<64xf32>, %[[K:.*]]: f32)
// CHECK: %[[E:.*]] = tensor.extract %[[S]][] : tensor<f32>
// CHECK: %[[R:.*]] = math.rsqrt %[[E]] : f32
// CHECK: %[[RK:.*]] = arith.mulf %[[R]], %[[K]] : f32
// CHECK: linalg.generic {{.*}} ins(%[[S]], %[[X]] : tensor<f32>, tensor<64xf32>)
// CHECK-NEXT: ^bb0(%{{.*}}: f32, %[[V:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[V]], %[[RK]] : f32
// CHECK-NEXT: linalg.yield %[[M]]
func.func @norm_scale(%s: tensor<f32>, %x: tensor<64xf32>, %k: f32) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %r = linalg.generic {indexing_maps = [#scalar, #id, #id], iterator_types = ["parallel"]}
      ins(%s, %x : tensor<f32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %q = math.rsqrt %a : f32
    %qk = arith.mulf %q, %k : f32
    %m = arith.mulf %v, %qk : f32
    linalg.yield %m : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// An input read at a constant index (a one-element tensor broadcast by (d0) -> (0)) is invariant too.
// CHECK-LABEL: func.func @first_element
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[E:.*]] = tensor.extract %{{.*}}[%[[C0]]] : tensor<1xf32>
// CHECK: %[[A:.*]] = arith.addf %[[E]], %{{.*}} : f32
// CHECK: linalg.generic
// CHECK: arith.subf %{{.*}}, %[[A]] : f32
func.func @first_element(%s: tensor<1xf32>, %x: tensor<64xf32>) -> tensor<64xf32> {
  %eps = arith.constant 1.0e-5 : f32
  %e = tensor.empty() : tensor<64xf32>
  %r = linalg.generic {indexing_maps = [#first, #id, #id], iterator_types = ["parallel"]}
      ins(%s, %x : tensor<1xf32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %b = arith.addf %a, %eps : f32
    %m = arith.subf %v, %b : f32
    linalg.yield %m : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// Ops on loop-varying values stay; an integer division could trap (the generic may run no iteration):
// it stays too, and so does what depends on it. A lone constant is not worth a rewrite.
// CHECK-LABEL: func.func @stays
// CHECK: linalg.generic
// CHECK: arith.constant 3 : i32
// CHECK: arith.divsi
// CHECK: arith.addi
// CHECK: arith.addi
func.func @stays(%s: tensor<i32>, %x: tensor<64xi32>) -> tensor<64xi32> {
  %e = tensor.empty() : tensor<64xi32>
  %r = linalg.generic {indexing_maps = [#scalar, #id, #id], iterator_types = ["parallel"]}
      ins(%s, %x : tensor<i32>, tensor<64xi32>) outs(%e : tensor<64xi32>) {
  ^bb0(%a: i32, %v: i32, %o: i32):
    %c3 = arith.constant 3 : i32
    %d = arith.divsi %a, %c3 : i32
    %p = arith.addi %d, %c3 : i32
    %m = arith.addi %v, %p : i32
    linalg.yield %m : i32
  } -> tensor<64xi32>
  return %r : tensor<64xi32>
}

// PIPE-LABEL: func.func @row_rms
// PIPE: %[[E:.*]] = tensor.extract %{{.*}} : tensor<1xf32>
// PIPE: arith.divf %[[E]]
// PIPE: %[[R:.*]] = math.rsqrt
// PIPE: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1024xf32>, tensor<1024xf32>)
// PIPE-NOT: math.rsqrt
// PIPE: arith.mulf %{{.*}}, %[[R]]
// PIPE: linalg.yield
