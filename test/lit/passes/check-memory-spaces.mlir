// RUN: hexopt run -p 'builtin.module(check-memory-spaces)' %S/Inputs/default-space.mlir | filecheck %s --check-prefix=OK
// RUN: not hexopt run -p 'builtin.module(check-memory-spaces)' %s 2>&1 | filecheck %s
// RUN: hexopt run -p 'builtin.module(check-memory-spaces{allowed=1})' %s | filecheck %s --check-prefix=ALLOWED
// The shipped pipelines start with this check: a clean error instead of an abort further down.
// RUN: not hexopt run hexagon %s 2>&1 | filecheck %s

// OK-LABEL: func.func @default_space
// ALLOWED-LABEL: func.func @to_vtcm
// CHECK: check-memory-spaces.mlir:14:8: error: 'memref.alloc' uses memref<32xf32, 1>: memrefs outside the default memory space (VTCM) are not supported by hexopt's lowering
// CHECK-NEXT: {{^}}  %v = memref.alloc() : memref<32xf32, 1>
// CHECK-NEXT: {{^}}       ^
// CHECK-NOT: Traceback
func.func @to_vtcm(%a: memref<32xf32>) {
  %v = memref.alloc() : memref<32xf32, 1>
  memref.copy %a, %v : memref<32xf32> to memref<32xf32, 1>
  memref.dealloc %v : memref<32xf32, 1>
  return
}
