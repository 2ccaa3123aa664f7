func.func @big_buffer(%x: memref<1024xf32>) {
  %b = memref.alloc() : memref<65536x65536xf32>
  memref.dealloc %b : memref<65536x65536xf32>
  return
}
