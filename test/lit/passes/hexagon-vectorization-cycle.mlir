// A row maximum kept as a 64x1 column: before the fix, the cleanup patterns after vectorization
// (cast_away_vector_leading_one_dim and the transfer permutation patterns, applied together)
// rewrote each other's output forever and the pass never returned. `timeout` turns such a hang
// into a failure.
// RUN: timeout 120 hexopt run -p 'builtin.module(hexagon-tiling,hexagon-vectorization)' %s | filecheck %s
// RUN: timeout 300 hexopt run hexagon %s | filecheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @rowmax_center
// CHECK:  vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<64x64xf32>, vector<32xf32>
// CHECK:  vector.multi_reduction <maximumf>
// CHECK:  arith.subf %{{.*}} : vector<32xf32>
// LLVM:   llvm.func @rowmax_center(
// LLVM-NOT: unrealized_conversion_cast
func.func @rowmax_center(%in: tensor<64x64xf32>, %out: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<64x1xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<64x1xf32>) -> tensor<64x1xf32>
  %mx = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, 0)>],
                        iterator_types = ["parallel", "reduction"]}
      ins(%in : tensor<64x64xf32>) outs(%init : tensor<64x1xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %m = arith.maximumf %a, %acc : f32
    linalg.yield %m : f32
  } -> tensor<64x1xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, 0)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%in, %mx : tensor<64x64xf32>, tensor<64x1xf32>) outs(%out : tensor<64x64xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    linalg.yield %d : f32
  } -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}
