// RUN: hexopt run -p 'builtin.module(punt-buffer)' %s | filecheck %s
// In the pipeline, with rvo: a kernel that loads two blocks and stores one has no copy left (3 memcpy
// and 3 malloc in its object without the two passes).
// RUN: hexopt run hexagon --set multi-threading=false %mlir/abi_scale_add.mlir | hexopt translate - --emit asm | filecheck %s --check-prefix=ASM
// RUN: hexopt run hexagon --set multi-threading=false --set punt-buffer=false --set rvo=false %mlir/abi_scale_add.mlir | hexopt translate - --emit asm | filecheck %s --check-prefix=ASM-OFF

// A block loaded from a read-only argument: read from its view, the alloc and copy are gone.
// CHECK-LABEL: func.func @load_block
// CHECK: %[[V:.*]] = memref.reinterpret_cast %arg0
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.copy
// CHECK: bufferization.to_tensor %[[V]] restrict : memref<64xf32, strided<[1], offset: ?>> to tensor<64xf32>
func.func @load_block(%x: memref<*xf32>, %off: index) -> tensor<64xf32> {
  %v = memref.reinterpret_cast %x to offset: [%off], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1], offset: ?>>
  %a = memref.alloc() : memref<64xf32>
  memref.copy %v, %a : memref<64xf32, strided<[1], offset: ?>> to memref<64xf32>
  %t = bufferization.to_tensor %a restrict writable : memref<64xf32> to tensor<64xf32>
  return %t : tensor<64xf32>
}

// Through a loop that advances the block pointer (the view is an iter_arg): still the argument.
// CHECK-LABEL: func.func @load_in_loop
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %[[P:.*]] = %{{.*}})
// CHECK-NOT: memref.copy
// CHECK: bufferization.to_tensor %[[P]] restrict :
func.func @load_in_loop(%x: memref<*xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %v0 = memref.reinterpret_cast %x to offset: [0], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1], offset: ?>>
  %r:2 = scf.for %i = %c0 to %c4 step %c1 iter_args(%s = %z, %p = %v0) -> (f32, memref<64xf32, strided<[1], offset: ?>>) {
    %a = memref.alloc() : memref<64xf32>
    memref.copy %p, %a : memref<64xf32, strided<[1], offset: ?>> to memref<64xf32>
    %t = bufferization.to_tensor %a restrict writable : memref<64xf32> to tensor<64xf32>
    %e = tensor.extract %t[%c0] : tensor<64xf32>
    %s2 = arith.addf %s, %e : f32
    %o = arith.muli %i, %c4 : index
    %p2 = memref.reinterpret_cast %x to offset: [%o], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1], offset: ?>>
    scf.yield %s2, %p2 : f32, memref<64xf32, strided<[1], offset: ?>>
  }
  return %r#0 : f32
}

// The argument is also written (an in-place update): the copy keeps the values from before the store.
// CHECK-LABEL: func.func @argument_written
// CHECK: memref.alloc
// CHECK: memref.copy
// CHECK: bufferization.to_tensor %{{.*}} restrict writable
func.func @argument_written(%x: memref<*xf32>) {
  %v = memref.reinterpret_cast %x to offset: [0], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1]>>
  %a = memref.alloc() : memref<64xf32>
  memref.copy %v, %a : memref<64xf32, strided<[1]>> to memref<64xf32>
  %t = bufferization.to_tensor %a restrict writable : memref<64xf32> to tensor<64xf32>
  %w = memref.reinterpret_cast %x to offset: [64], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1], offset: 64>>
  bufferization.materialize_in_destination %t in writable %w : (tensor<64xf32>, memref<64xf32, strided<[1], offset: 64>>) -> ()
  return
}

// A masked load fills the buffer first: not a plain copy, left alone.
// CHECK-LABEL: func.func @masked_load
// CHECK: memref.alloc
// CHECK: linalg.fill
// CHECK: memref.copy
func.func @masked_load(%x: memref<*xf32>, %n: index) -> tensor<64xf32> {
  %z = arith.constant 0.0 : f32
  %v = memref.reinterpret_cast %x to offset: [0], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1]>>
  %a = memref.alloc() : memref<64xf32>
  linalg.fill ins(%z : f32) outs(%a : memref<64xf32>)
  %sv = memref.subview %v[0] [%n] [1] : memref<64xf32, strided<[1]>> to memref<?xf32, strided<[1]>>
  %sa = memref.subview %a[0] [%n] [1] : memref<64xf32> to memref<?xf32, strided<[1]>>
  memref.copy %sv, %sa : memref<?xf32, strided<[1]>> to memref<?xf32, strided<[1]>>
  %t = bufferization.to_tensor %a restrict writable : memref<64xf32> to tensor<64xf32>
  return %t : tensor<64xf32>
}

// ASM-LABEL: scale_add:
// ASM-NOT: call memcpy
// ASM-NOT: call malloc
// ASM: .size scale_add
// ASM-OFF-LABEL: scale_add:
// ASM-OFF-COUNT-3: call memcpy
