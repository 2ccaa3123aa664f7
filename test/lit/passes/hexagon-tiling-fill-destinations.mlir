// RUN: hexopt run -p 'builtin.module(hexagon-tiling{register-accumulators=true},canonicalize)' %s | filecheck %s --check-prefix=TILE
// RUN: hexopt run -p 'builtin.module(hexagon-tiling{register-accumulators=true},hexagon-vectorization,canonicalize)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(hexagon-tiling{register-accumulators=true fill-destinations=false},hexagon-vectorization,canonicalize)' %s | filecheck %s --check-prefix=OFF

#a = affine_map<(d0, d1, d2) -> (d0, d1)>
#b = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d2)>

// A contraction whose output starts as zeros (the seed's QK^T and PV). fill-destinations: each tile fills
// its own 4x32 slice of the tile loops' tensor, which starts from a tensor.empty; the 64x64 fill is gone.
// TILE-LABEL: func.func @from_zeros(
// TILE:         %[[E:.*]] = tensor.empty() : tensor<64x64xf32>
// TILE-NOT:     linalg.fill
// TILE:         scf.for %[[I:.*]] = {{.*}} iter_args(%[[T0:.*]] = %[[E]]) -> (tensor<64x64xf32>)
// TILE:           scf.for %[[J:.*]] = {{.*}} iter_args(%[[T1:.*]] = %[[T0]]) -> (tensor<64x64xf32>)
// TILE:             %[[S:.*]] = tensor.extract_slice %[[T1]][%[[I]], %[[J]]] [4, 32] [1, 1]
// TILE:             %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[S]] : tensor<4x32xf32>) -> tensor<4x32xf32>
// TILE:             linalg.generic {{.*}} outs(%[[F]] : tensor<4x32xf32>)
// After vectorization the accumulators start from the zero vector: no read of the output, no fill.
// CHECK-LABEL: func.func @from_zeros(
// CHECK:         %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<32xf32>
// CHECK-NOT:     linalg.fill
// CHECK-NOT:     vector.transfer_read %{{.*}} : tensor<4x32xf32>
// CHECK:         scf.for %{{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]])
// CHECK-COUNT-4: vector.transfer_write
// Off: the fill is a loop of its own, and each tile reads its 4 accumulators from the filled tensor.
// OFF-LABEL: func.func @from_zeros(
// OFF:         %[[FILLED:.*]] = scf.for
// OFF:           vector.transfer_write %{{.*}} : vector<32xf32>, tensor<64x64xf32>
// OFF:         scf.for {{.*}} iter_args(%{{.*}} = %[[FILLED]])
// OFF-COUNT-4:     vector.transfer_read %{{.*}} : tensor<64x64xf32>, vector<32xf32>
func.func @from_zeros(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %y : tensor<64x64xf32>, tensor<64x64xf32>) outs(%f : tensor<64x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}

// A fill shared with another user: the contraction gets its own copy (fused into its tiles); the other
// user still gets the filled tensor (tiled like any fill).
// TILE-LABEL: func.func @shared_fill(
// TILE:         %[[F2:.*]] = scf.for
// TILE:           linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x32xf32>)
// TILE:         linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4x32xf32>)
// TILE:         return %{{.*}}, %[[F2]]
func.func @shared_fill(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %y : tensor<64x64xf32>, tensor<64x64xf32>) outs(%f : tensor<64x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %r, %f : tensor<64x64xf32>, tensor<64x64xf32>
}

// An output that is not a fill is read (its values are the starting accumulators).
// CHECK-LABEL: func.func @from_tensor(
// CHECK-COUNT-4: vector.transfer_read %{{.*}} : tensor<64x64xf32>, vector<32xf32>
func.func @from_tensor(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>, %z: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %y : tensor<64x64xf32>, tensor<64x64xf32>) outs(%z : tensor<64x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}
