// RUN: hexopt run -p 'builtin.module(erase-unused-linalg-operands)' %s | filecheck %s

#id = affine_map<(d0) -> (d0)>
#scalar = affine_map<(d0) -> ()>

// An input the body does not read (here a 0-d input whose use was hoisted) goes away with its map.
// CHECK-LABEL: func.func @unread_input
// CHECK-SAME: (%[[S:.*]]: tensor<f32>, %[[X:.*]]: tensor<64xf32>, %[[K:.*]]: f32)
// CHECK: linalg.generic {indexing_maps = [#[[ID:.*]], #[[ID]]], iterator_types = ["parallel"]} ins(%[[X]] : tensor<64xf32>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.mulf %[[V]], %[[K]]
func.func @unread_input(%s: tensor<f32>, %x: tensor<64xf32>, %k: f32) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %r = linalg.generic {indexing_maps = [#scalar, #id, #id], iterator_types = ["parallel"]}
      ins(%s, %x : tensor<f32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %m = arith.mulf %v, %k : f32
    linalg.yield %m : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// A result nobody uses, whose init the body does not read, goes away with its init and yielded value;
// the used one stays. A result whose init is read (an accumulator) stays even when unused.
// CHECK-LABEL: func.func @unused_result
// CHECK-SAME: (%[[X:.*]]: tensor<64xf32>, %[[Y:.*]]: tensor<64xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel"]} ins(%[[X]], %[[Y]] : tensor<64xf32>, tensor<64xf32>) outs(%{{.*}} : tensor<64xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK-NEXT: } -> tensor<64xf32>
// CHECK: %{{.*}}:2 = linalg.generic
// CHECK: return %[[R]], %{{.*}}#0
func.func @unused_result(%x: tensor<64xf32>, %y: tensor<64xf32>) -> (tensor<64xf32>, tensor<64xf32>) {
  %e = tensor.empty() : tensor<64xf32>
  %r:2 = linalg.generic {indexing_maps = [#id, #id, #id, #id], iterator_types = ["parallel"]}
      ins(%x, %y : tensor<64xf32>, tensor<64xf32>) outs(%e, %e : tensor<64xf32>, tensor<64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32, %p: f32):
    %s = arith.addf %a, %b : f32
    %d = arith.mulf %a, %b : f32
    linalg.yield %s, %d : f32, f32
  } -> (tensor<64xf32>, tensor<64xf32>)
  %t:2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<64xf32>) outs(%e, %y : tensor<64xf32>, tensor<64xf32>) {
  ^bb0(%a: f32, %o: f32, %acc: f32):
    %n = arith.addf %acc, %a : f32
    linalg.yield %a, %n : f32, f32
  } -> (tensor<64xf32>, tensor<64xf32>)
  return %r#0, %t#0 : tensor<64xf32>, tensor<64xf32>
}

// An unused result whose map is the only one reading loop d0 stays: without it no map reads d0 and
// the generic has no range for that loop (the bindings aborted on it; found by tools/corpus_check.py on
// upstream's fusion-elementwise-ops test).
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @only_map_of_a_loop(
// CHECK:         %{{.*}}:2 = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:      outs(%{{.*}}, %{{.*}} : tensor<64xi64>, tensor<32xi32>)
func.func @only_map_of_a_loop(%src: tensor<32xi32>) -> tensor<32xi32> {
  %a = tensor.empty() : tensor<64xi64>
  %b = tensor.empty() : tensor<32xi32>
  %r:2 = linalg.generic {indexing_maps = [#row, #col], iterator_types = ["parallel", "parallel"]}
      outs(%a, %b : tensor<64xi64>, tensor<32xi32>) {
  ^bb0(%o: i64, %p: i32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i64
    %x = tensor.extract %src[%j] : tensor<32xi32>
    linalg.yield %ii, %x : i64, i32
  } -> (tensor<64xi64>, tensor<32xi32>)
  return %r#1 : tensor<32xi32>
}
