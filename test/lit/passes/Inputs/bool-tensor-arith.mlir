func.func @mask_add(%a: tensor<256x64xf32>, %b: tensor<256x64xf32>) -> tensor<256x64xf32> {
  %m = arith.cmpf olt, %a, %b : tensor<256x64xf32>
  %n = arith.addi %m, %m : tensor<256x64xi1>
  %r = arith.select %n, %a, %b : tensor<256x64xi1>, tensor<256x64xf32>
  return %r : tensor<256x64xf32>
}
