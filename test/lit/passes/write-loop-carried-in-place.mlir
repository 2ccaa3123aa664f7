// RUN: hexopt run -p 'builtin.module(write-loop-carried-in-place)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(write-loop-carried-in-place,one-shot-bufferize{bufferize-function-boundaries=true allow-return-allocs-from-loops=true},canonicalize)' %s | filecheck %s --check-prefix=BUF

#id = affine_map<(d0, d1) -> (d0, d1)>
#bc = affine_map<(d0, d1) -> (d0, 0)>

// The seed's acc = acc * alpha + pv in the KV loop: the generic wrote a fresh tensor.empty; now the
// loop-carried acc is its init and the body reads the init where it read that input.
// CHECK-LABEL: func.func @acc_update(
// CHECK:         scf.for {{.*}} iter_args(%[[ACC:[a-z0-9]+]] = %{{.*}}) -> (tensor<256x64xf32>)
// CHECK:           linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #{{.+}}], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:        ins(%{{.*}}, %{{.*}} : tensor<256x1xf32>, tensor<256x64xf32>) outs(%[[ACC]] : tensor<256x64xf32>)
// CHECK:           ^bb0(%[[ALPHA:.*]]: f32, %[[PV:.*]]: f32, %[[OUT:.*]]: f32):
// CHECK:             %[[M:.*]] = arith.mulf %[[OUT]], %[[ALPHA]] : f32
// CHECK:             arith.addf %[[M]], %[[PV]] : f32
// After bufferization, no buffer is allocated or copied inside the loop.
// BUF-LABEL: func.func @acc_update(
// BUF:         scf.for
// BUF-NOT:       memref.alloc
// BUF-NOT:       memref.copy
// BUF:           linalg.generic
// BUF-NOT:       memref.alloc
// BUF-NOT:       memref.copy
// BUF:         return
// BUF-LABEL: func.func @not_loop_carried(
func.func @acc_update(%init: tensor<256x64xf32>, %alpha: tensor<256x1xf32>, %pv: tensor<256x64xf32>) -> tensor<256x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %r = scf.for %i = %c0 to %c16 step %c1 iter_args(%acc = %init) -> (tensor<256x64xf32>) {
    %e = tensor.empty() : tensor<256x64xf32>
    %g = linalg.generic {indexing_maps = [#id, #bc, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%acc, %alpha, %pv : tensor<256x64xf32>, tensor<256x1xf32>, tensor<256x64xf32>) outs(%e : tensor<256x64xf32>) {
    ^bb0(%a: f32, %b: f32, %p: f32, %o: f32):
      %0 = arith.mulf %a, %b : f32
      %1 = arith.addf %0, %p : f32
      linalg.yield %1 : f32
    } -> tensor<256x64xf32>
    scf.yield %g : tensor<256x64xf32>
  }
  return %r : tensor<256x64xf32>
}

// Left alone: the input is not loop-carried (a function argument).
// CHECK-LABEL: func.func @not_loop_carried(
// CHECK:         outs(%{{.*}} : tensor<64xf32>)
// CHECK-SAME:    {
// CHECK:         ^bb0(%{{.*}}: f32, %{{.*}}: f32):
func.func @not_loop_carried(%x: tensor<64xf32>) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.addf %a, %a : f32
    linalg.yield %0 : f32
  } -> tensor<64xf32>
  return %g : tensor<64xf32>
}

// Left alone: the loop-carried input is also read after the update.
// CHECK-LABEL: func.func @used_again(
// CHECK:         ins(%[[U:[a-z0-9]+]] : tensor<64xf32>) outs(%{{.*}} : tensor<64xf32>)
// CHECK:         linalg.add ins(%{{.*}}, %[[U]] :
func.func @used_again(%init: tensor<64xf32>) -> tensor<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %init) -> (tensor<64xf32>) {
    %e = tensor.empty() : tensor<64xf32>
    %g = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
        ins(%acc : tensor<64xf32>) outs(%e : tensor<64xf32>) {
    ^bb0(%a: f32, %o: f32):
      %0 = arith.mulf %a, %a : f32
      linalg.yield %0 : f32
    } -> tensor<64xf32>
    %s = linalg.add ins(%g, %acc : tensor<64xf32>, tensor<64xf32>) outs(%g : tensor<64xf32>) -> tensor<64xf32>
    scf.yield %s : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}
