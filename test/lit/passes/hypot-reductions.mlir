// RUN: hexopt run -p 'builtin.module(func.func(hypot-reductions))' %s | filecheck %s
// RUN: hexopt pipeline show hexagon | filecheck %s --check-prefix=PIPE
// RUN: hexopt pipeline show hexagon --set fast-math=false | filecheck %s --check-prefix=NOFAST

// The pass reassociates: only with fast-math.
// PIPE: hypot-reductions
// NOFAST-NOT: hypot-reductions

#id = affine_map<(d0) -> (d0)>
#scalar = affine_map<(d0) -> ()>

// A fold through sqrt(acc * acc + x * x) from init: init squared first, then a sum of squares, then one sqrt
// whose result replaces the reduction's.
// CHECK-LABEL: func.func @hypot(
// CHECK-SAME:    %[[X:.*]]: tensor<255xf32>, %[[INIT:.*]]: tensor<f32>)
// CHECK:         %[[SQ:.*]] = linalg.generic {{.*}} iterator_types = []} ins(%[[INIT]] : tensor<f32>)
// CHECK:           arith.mulf %[[I:.*]], %[[I]] fastmath<fast> : f32
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[X]] : tensor<255xf32>) outs(%[[SQ]] : tensor<f32>)
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[IN]], %[[IN]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[P]], %[[ACC]] fastmath<fast> : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK:         %[[ROOT:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<f32>)
// CHECK:           math.sqrt %{{.*}} fastmath<fast> : f32
// CHECK:         return %[[ROOT]] : tensor<f32>
func.func @hypot(%x: tensor<255xf32>, %init: tensor<f32>) -> tensor<f32> {
  %r = linalg.generic {indexing_maps = [#id, #scalar], iterator_types = ["reduction"]}
      ins(%x : tensor<255xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.mulf %in, %in : f32
    %b = arith.mulf %out, %out : f32
    %s = arith.addf %a, %b fastmath<fast> : f32
    %h = math.sqrt %s fastmath<fast> : f32
    linalg.yield %h : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

// Not a hypot fold: the accumulator is also read elsewhere (acc * acc + acc * x), or the root is not of the
// sum of the two squares. Left alone.
// CHECK-LABEL: func.func @not_hypot(
// CHECK-COUNT-2: math.sqrt
// CHECK-NOT:     linalg.generic {{.*}} iterator_types = []
// CHECK:         return
func.func @not_hypot(%x: tensor<255xf32>, %init: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %r = linalg.generic {indexing_maps = [#id, #scalar], iterator_types = ["reduction"]}
      ins(%x : tensor<255xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.mulf %in, %out : f32
    %b = arith.mulf %out, %out : f32
    %s = arith.addf %a, %b : f32
    %h = math.sqrt %s : f32
    linalg.yield %h : f32
  } -> tensor<f32>
  %q = linalg.generic {indexing_maps = [#id, #scalar], iterator_types = ["reduction"]}
      ins(%x : tensor<255xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.mulf %in, %in : f32
    %b = arith.mulf %out, %out : f32
    %s = arith.subf %a, %b : f32
    %h = math.sqrt %s : f32
    linalg.yield %h : f32
  } -> tensor<f32>
  return %r, %q : tensor<f32>, tensor<f32>
}
