func.func @default_space(%a: memref<32xf32>) {
  %v = memref.alloc() : memref<32xf32>
  memref.copy %a, %v : memref<32xf32> to memref<32xf32>
  memref.dealloc %v : memref<32xf32>
  return
}
