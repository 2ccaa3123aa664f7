func.func @big_constant(%x: memref<?xf32>) -> f32 {
  %i = arith.constant 4294967296 : index
  %v = memref.load %x[%i] : memref<?xf32>
  return %v : f32
}
