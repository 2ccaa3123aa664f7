// RUN: hexopt run -p 'builtin.module(split-deallocs)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(split-deallocs,bufferization-lower-deallocations,convert-scf-to-cf,finalize-memref-to-llvm,convert-arith-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)' %s | filecheck %s --check-prefix=LLVM

// Two memrefs, no retained values: one dealloc each; the second is skipped when the first
// (with a true condition) is the same buffer.
// CHECK-LABEL: func.func @two
// CHECK-SAME: (%[[A:.*]]: memref<2xf32>, %[[B:.*]]: memref<4xf32>, %[[CA:.*]]: i1, %[[CB:.*]]: i1)
// CHECK-DAG: %[[PA:.*]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK-DAG: %[[PB:.*]] = memref.extract_aligned_pointer_as_index %[[B]]
// CHECK: bufferization.dealloc (%[[A]] : memref<2xf32>) if (%[[CA]])
// CHECK: %[[SAME:.*]] = arith.cmpi eq, %[[PA]], %[[PB]] : index
// CHECK: %[[FREED:.*]] = arith.andi %[[CA]], %[[SAME]] : i1
// CHECK: %[[NOTFREED:.*]] = arith.xori %[[FREED]], %{{.*}} : i1
// CHECK: %[[COND:.*]] = arith.andi %[[CB]], %[[NOTFREED]] : i1
// CHECK: bufferization.dealloc (%[[B]] : memref<4xf32>) if (%[[COND]])
// CHECK-NOT: bufferization.dealloc
// CHECK: return

// A single memref is left alone.
// CHECK-LABEL: func.func @single
// CHECK: bufferization.dealloc (%{{.*}} : memref<2xf32>) if (%{{.*}})
// CHECK-NEXT: return

// The point of the pass: this lowers without the i1-memref helper that aborts finalize-memref-to-llvm.
// LLVM-LABEL: llvm.func @two
// LLVM-COUNT-2: llvm.call @free
// LLVM-NOT: dealloc_helper

func.func @two(%a: memref<2xf32>, %b: memref<4xf32>, %ca: i1, %cb: i1) {
  bufferization.dealloc (%a, %b : memref<2xf32>, memref<4xf32>) if (%ca, %cb)
  return
}

func.func @single(%a: memref<2xf32>, %ca: i1) {
  bufferization.dealloc (%a : memref<2xf32>) if (%ca)
  return
}
