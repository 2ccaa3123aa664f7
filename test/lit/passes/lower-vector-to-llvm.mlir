// RUN: hexopt run -p 'builtin.module(lower-vector-to-llvm{index-bitwidth=32})' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(lower-vector-to-llvm{index-bitwidth=32},convert-vector-to-llvm,finalize-memref-to-llvm{index-bitwidth=32},convert-arith-to-llvm{index-bitwidth=32},convert-func-to-llvm{index-bitwidth=32},reconcile-unrealized-casts)' %s | filecheck %s --check-prefix=FULL
// RUN: hexopt run -p 'builtin.module(set-target,lower-vector-to-llvm)' %s | filecheck %s --check-prefix=DLTI
// RUN: hexopt run -p 'builtin.module(convert-vector-to-llvm,finalize-memref-to-llvm{index-bitwidth=32},convert-arith-to-llvm{index-bitwidth=32},convert-func-to-llvm{index-bitwidth=32},reconcile-unrealized-casts)' %s | filecheck %s --check-prefix=UPSTREAM

// The in-bounds transfers become LLVM loads/stores addressed through an i32-index descriptor.
// CHECK-LABEL: func.func @axpy
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : memref<64xf32> to !llvm.struct<(ptr, ptr, i32, array<1 x i32>, array<1 x i32>)>
// CHECK: llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> vector<32xf32>
// CHECK: arith.mulf %{{.*}} : vector<32xf32>
// CHECK: llvm.store %{{.*}}, %{{.*}} {alignment = 4 : i64} : vector<32xf32>, !llvm.ptr
// CHECK-NOT: vector.transfer

// FULL-LABEL: llvm.func @axpy
// FULL-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: vector<32xf32>)
// FULL: llvm.load %{{.*}} : !llvm.ptr -> vector<32xf32>
// FULL-NOT: unrealized_conversion_cast

// With no option, the width comes from the DLTI spec set-target writes (32 for hexagon).
// DLTI: !llvm.struct<(ptr, ptr, i32, array<1 x i32>, array<1 x i32>)>

// Why the pass exists: upstream convert-vector-to-llvm uses i64 descriptors regardless.
// UPSTREAM: builtin.unrealized_conversion_cast

func.func @axpy(%m: memref<64xf32>, %i: index, %a: vector<32xf32>) {
  %pad = arith.constant 0.0 : f32
  %x = vector.transfer_read %m[%i], %pad {in_bounds = [true]} : memref<64xf32>, vector<32xf32>
  %y = arith.mulf %x, %a : vector<32xf32>
  vector.transfer_write %y, %m[%i] {in_bounds = [true]} : vector<32xf32>, memref<64xf32>
  return
}
