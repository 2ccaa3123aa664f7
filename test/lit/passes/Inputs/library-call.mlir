// A matmul on tensors that names the routine computing it.
func.func @gemm_tile(%a: tensor<64x256xf16>, %b: tensor<256x128xf16>, %c: tensor<64x128xf16>) -> tensor<64x128xf16> {
  %r = linalg.matmul {library_call = "vendor_gemm"} ins(%a, %b : tensor<64x256xf16>, tensor<256x128xf16>) outs(%c : tensor<64x128xf16>) -> tensor<64x128xf16>
  return %r : tensor<64x128xf16>
}
