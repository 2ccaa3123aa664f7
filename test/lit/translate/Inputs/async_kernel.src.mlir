// Source of async_kernel.mlir (regenerate: python test/python/backend_lowering.py THIS > async_kernel.mlir).
// Multi-threaded like the seed after form-async-threads: 256 rows in 4 async.execute chunks of 64
// rows, joined by a group; row i: out[i] = sum_j a[i, j] * b[j] (64 columns), plus n (an i32).
module {
  func.func @async_kernel(%a: memref<*xf32>, %b: memref<*xf32>, %out: memref<*xf32>, %n: i32,
                          %nx: i32, %ny: i32, %nz: i32, %px: i32, %py: i32, %pz: i32) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c64 = arith.constant 64 : index
    %zero = arith.constant 0.0 : f32
    %A = memref.reinterpret_cast %a to offset: [0], sizes: [256, 64], strides: [64, 1] : memref<*xf32> to memref<256x64xf32>
    %B = memref.reinterpret_cast %b to offset: [0], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32>
    %O = memref.reinterpret_cast %out to offset: [0], sizes: [256], strides: [1] : memref<*xf32> to memref<256xf32>
    %nf = arith.sitofp %n : i32 to f32
    %group = async.create_group %c4 : !async.group
    scf.for %t = %c0 to %c4 step %c1 {
      %token = async.execute {
        %lo = arith.muli %t, %c64 : index
        %hi = arith.addi %lo, %c64 : index
        scf.for %i = %lo to %hi step %c1 {
          %acc = scf.for %j = %c0 to %c64 step %c1 iter_args(%s = %nf) -> (f32) {
            %x = memref.load %A[%i, %j] : memref<256x64xf32>
            %y = memref.load %B[%j] : memref<64xf32>
            %p = arith.mulf %x, %y : f32
            %s2 = arith.addf %s, %p : f32
            scf.yield %s2 : f32
          }
          memref.store %acc, %O[%i] : memref<256xf32>
        }
        async.yield
      }
      %r = async.add_to_group %token, %group : !async.token
    }
    async.await_all %group
    return
  }
}
