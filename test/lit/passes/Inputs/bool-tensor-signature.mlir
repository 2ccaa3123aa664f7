func.func @mask_add(%a: tensor<256x64xi1>, %b: tensor<256x64xi1>) -> tensor<256x64xi1> {
  %r = arith.addi %a, %b : tensor<256x64xi1>
  return %r : tensor<256x64xi1>
}
