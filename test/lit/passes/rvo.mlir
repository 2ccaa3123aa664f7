// RUN: hexopt run -p 'builtin.module(rvo)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(rvo,eliminate-empty-tensors,one-shot-bufferize,canonicalize)' %s | filecheck %s --check-prefix=BUF

#id = affine_map<(d0) -> (d0)>

// The generic writes into its first input (triton-shared's form) and its body does not read it: its init
// becomes a tensor.empty, the store is the only access of %out (restrict), and the view of the output
// moves up to where the empty is. After bufferization it computes into the output view.
// CHECK-LABEL: func.func @store_block
// CHECK: %[[O:.*]] = memref.reinterpret_cast %arg2
// CHECK: %[[E:.*]] = tensor.empty() : tensor<64xf32>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} outs(%[[E]] : tensor<64xf32>)
// CHECK: bufferization.materialize_in_destination %[[R]] in restrict writable %[[O]]
// BUF-LABEL: func.func @store_block
// BUF: %[[O:.*]] = memref.reinterpret_cast %arg2
// BUF: linalg.generic {{.*}} outs(%[[O]] : memref<64xf32, strided<[1], offset: ?>>)
// BUF-NOT: memref.copy
// BUF: return
func.func @store_block(%x: memref<*xf32>, %y: memref<*xf32>, %out: memref<*xf32>, %off: index) {
  %vx = memref.reinterpret_cast %x to offset: [%off], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1], offset: ?>>
  %vy = memref.reinterpret_cast %y to offset: [%off], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1], offset: ?>>
  %tx = bufferization.to_tensor %vx restrict : memref<64xf32, strided<[1], offset: ?>> to tensor<64xf32>
  %ty = bufferization.to_tensor %vy restrict : memref<64xf32, strided<[1], offset: ?>> to tensor<64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%tx, %ty : tensor<64xf32>, tensor<64xf32>) outs(%tx : tensor<64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  %vo = memref.reinterpret_cast %out to offset: [%off], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1], offset: ?>>
  bufferization.materialize_in_destination %r in writable %vo : (tensor<64xf32>, memref<64xf32, strided<[1], offset: ?>>) -> ()
  return
}

// The output argument is also read: the store is not its only access, nothing changes.
// CHECK-LABEL: func.func @output_also_read
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<64xf32>)
// CHECK-NOT: restrict writable
// BUF-LABEL: func.func @output_also_read
// BUF: memref.copy
func.func @output_also_read(%x: memref<*xf32>) {
  %v = memref.reinterpret_cast %x to offset: [0], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1]>>
  %t = bufferization.to_tensor %v restrict : memref<64xf32, strided<[1]>> to tensor<64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%t : tensor<64xf32>) outs(%t : tensor<64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  %w = memref.reinterpret_cast %x to offset: [64], sizes: [64], strides: [1] : memref<*xf32> to memref<64xf32, strided<[1], offset: 64>>
  bufferization.materialize_in_destination %r in writable %w : (tensor<64xf32>, memref<64xf32, strided<[1], offset: 64>>) -> ()
  return
}

// A reduction reads its init (the accumulator): it stays.
// CHECK-LABEL: func.func @accumulates
// CHECK: %[[I:.*]] = bufferization.to_tensor
// CHECK: linalg.generic {{.*}} outs(%[[I]] : tensor<f32>)
func.func @accumulates(%x: tensor<64xf32>, %out: memref<f32>, %init: memref<f32>) {
  %i = bufferization.to_tensor %init restrict : memref<f32> to tensor<f32>
  %r = linalg.generic {indexing_maps = [#id, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : tensor<64xf32>) outs(%i : tensor<f32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<f32>, memref<f32>) -> ()
  return
}
