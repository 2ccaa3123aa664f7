// RUN: hexopt run -p 'builtin.module(split-deallocs)' %s | filecheck %s
// RUN: not hexopt run -p 'builtin.module(split-deallocs{strict=true})' %s 2>&1 | filecheck %s --check-prefix=STRICT

// A multi-memref dealloc with retained values is not split (its lowering still needs the
// helper); strict=true turns that into an error instead of a later abort.
// CHECK-LABEL: func.func @kept
// CHECK: bufferization.dealloc (%{{.*}}, %{{.*}} : memref<2xf32>, memref<4xf32>) if (%{{.*}}, %{{.*}}) retain (%{{.*}} : memref<2xf32>)

// The error is located at the dealloc.
// STRICT: split-deallocs-retained.mlir:13:8: error: split-deallocs: a dealloc of several memrefs with retained values is left

func.func @kept(%a: memref<2xf32>, %b: memref<4xf32>, %ca: i1, %cb: i1) -> i1 {
  %r = bufferization.dealloc (%a, %b : memref<2xf32>, memref<4xf32>) if (%ca, %cb) retain (%a : memref<2xf32>)
  return %r : i1
}
