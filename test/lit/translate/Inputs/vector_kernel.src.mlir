// Source of vector_kernel.mlir (regenerate: python test/python/backend_lowering.py THIS > vector_kernel.mlir).
// c = max(a * b + a, b) on 1024 floats with vector<32xf32> (one HVX register).
module {
  func.func @vector_kernel(%a: memref<*xf32>, %b: memref<*xf32>, %c: memref<*xf32>,
                           %nx: i32, %ny: i32, %nz: i32, %px: i32, %py: i32, %pz: i32) {
    %c0 = arith.constant 0 : index
    %c32 = arith.constant 32 : index
    %c1024 = arith.constant 1024 : index
    %A = memref.reinterpret_cast %a to offset: [0], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32>
    %B = memref.reinterpret_cast %b to offset: [0], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32>
    %C = memref.reinterpret_cast %c to offset: [0], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32>
    scf.for %i = %c0 to %c1024 step %c32 {
      %x = vector.load %A[%i] : memref<1024xf32>, vector<32xf32>
      %y = vector.load %B[%i] : memref<1024xf32>, vector<32xf32>
      %p = arith.mulf %x, %y fastmath<fast> : vector<32xf32>
      %s = arith.addf %p, %x fastmath<fast> : vector<32xf32>
      %m = arith.maximumf %s, %y fastmath<fast> : vector<32xf32>
      vector.store %m, %C[%i] : memref<1024xf32>, vector<32xf32>
    }
    return
  }
}
