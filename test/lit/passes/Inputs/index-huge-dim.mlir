func.func @huge() -> f32 {
  %c0 = arith.constant 0 : index
  %e = tensor.empty() : tensor<1099511627776x4xf32>
  %v = tensor.extract %e[%c0, %c0] : tensor<1099511627776x4xf32>
  return %v : f32
}
