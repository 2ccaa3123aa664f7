// The seed kernel survives an empty pipeline: hexopt prints exactly what mlir-opt prints.
// RUN: hexopt run -p 'builtin.module()' %mlir/flash_attention.mlir -o %t.mlir
// RUN: mlir-opt %mlir/flash_attention.mlir -o %t.ref.mlir
// RUN: diff %t.mlir %t.ref.mlir
// RUN: hexopt run -p 'builtin.module()' %t.mlir | filecheck %s

// CHECK-LABEL: func.func @attention_fwd_kernel(
// CHECK-SAME:    %{{.*}}: memref<*xf32> {tt.divisibility = 16 : i32}
// CHECK:       scf.for
// CHECK-COUNT-2: linalg.matmul
// CHECK:       bufferization.materialize_in_destination
