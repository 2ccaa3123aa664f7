func.func @big(%x: tensor<2147483648xf32>) -> tensor<2147483648xf32> {
  %c = arith.constant 2.0 : f32
  %e = tensor.empty() : tensor<2147483648xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<2147483648xf32>) outs(%e : tensor<2147483648xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    linalg.yield %m : f32
  } -> tensor<2147483648xf32>
  return %r : tensor<2147483648xf32>
}
