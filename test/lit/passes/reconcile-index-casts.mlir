// RUN: hexopt run -p 'builtin.module(reconcile-index-casts)' %s | filecheck %s

// CHECK-LABEL: llvm.func @widen
// CHECK-SAME: (%[[X:.*]]: i32)
// CHECK-NEXT: %[[W:.*]] = llvm.sext %[[X]] : i32 to i64
// CHECK-NEXT: llvm.return %[[W]] : i64
llvm.func @widen(%x: i32) -> i64 {
  %0 = builtin.unrealized_conversion_cast %x : i32 to index
  %1 = builtin.unrealized_conversion_cast %0 : index to i64
  llvm.return %1 : i64
}

// CHECK-LABEL: llvm.func @narrow
// CHECK-SAME: (%[[Y:.*]]: i64)
// CHECK-NEXT: %[[N:.*]] = llvm.trunc %[[Y]] : i64 to i32
// CHECK-NEXT: llvm.return %[[N]] : i32
llvm.func @narrow(%y: i64) -> i32 {
  %0 = builtin.unrealized_conversion_cast %y : i64 to index
  %1 = builtin.unrealized_conversion_cast %0 : index to i32
  llvm.return %1 : i32
}

// The index value has another user: the inner cast stays for it.
// CHECK-LABEL: llvm.func @shared
// CHECK: %[[I:.*]] = builtin.unrealized_conversion_cast %{{.*}} : i32 to index
// CHECK: llvm.sext %{{.*}} : i32 to i64
// CHECK: func.call @use(%[[I]]) : (index) -> ()
llvm.func @shared(%x: i32) -> i64 {
  %0 = builtin.unrealized_conversion_cast %x : i32 to index
  %1 = builtin.unrealized_conversion_cast %0 : index to i64
  func.call @use(%0) : (index) -> ()
  llvm.return %1 : i64
}
func.func private @use(index)

// The reference ABI: a descriptor in the 64-bit struct of func-to-llvm meets the 32-bit one of the body.
// It is rebuilt field by field: pointers as they are, each index field narrowed.
// CHECK-LABEL: llvm.func @ranked_descriptor
// CHECK-SAME: (%[[D:.*]]: !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>)
// CHECK: %[[P0:.*]] = llvm.extractvalue %[[D]][0] : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: llvm.insertvalue %[[P0]], %{{.*}}[0] : !llvm.struct<(ptr, ptr, i32, array<2 x i32>, array<2 x i32>)>
// CHECK: %[[OFF:.*]] = llvm.extractvalue %[[D]][2]
// CHECK: llvm.trunc %[[OFF]] : i64 to i32
// CHECK: %[[SIZES:.*]] = llvm.extractvalue %[[D]][3] : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: %[[S1:.*]] = llvm.extractvalue %[[SIZES]][1] : !llvm.array<2 x i64>
// CHECK: %[[T1:.*]] = llvm.trunc %[[S1]] : i64 to i32
// CHECK: llvm.insertvalue %[[T1]], %{{.*}}[1] : !llvm.array<2 x i32>
// CHECK-NOT: unrealized_conversion_cast
// CHECK: llvm.return %{{.*}} : !llvm.struct<(ptr, ptr, i32, array<2 x i32>, array<2 x i32>)>
llvm.func @ranked_descriptor(%d: !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>)
    -> !llvm.struct<(ptr, ptr, i32, array<2 x i32>, array<2 x i32>)> {
  %0 = builtin.unrealized_conversion_cast %d : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<4x8xf32>
  %1 = builtin.unrealized_conversion_cast %0 : memref<4x8xf32> to !llvm.struct<(ptr, ptr, i32, array<2 x i32>, array<2 x i32>)>
  llvm.return %1 : !llvm.struct<(ptr, ptr, i32, array<2 x i32>, array<2 x i32>)>
}

// Back to the caller's width (a returned memref): sign extension.
// CHECK-LABEL: llvm.func @unranked_result
// CHECK: %[[R:.*]] = llvm.extractvalue %{{.*}}[0] : !llvm.struct<(i32, ptr)>
// CHECK: llvm.sext %[[R]] : i32 to i64
// CHECK: llvm.extractvalue %{{.*}}[1] : !llvm.struct<(i32, ptr)>
// CHECK-NOT: unrealized_conversion_cast
// CHECK: llvm.return %{{.*}} : !llvm.struct<(i64, ptr)>
llvm.func @unranked_result(%d: !llvm.struct<(i32, ptr)>) -> !llvm.struct<(i64, ptr)> {
  %0 = builtin.unrealized_conversion_cast %d : !llvm.struct<(i32, ptr)> to memref<*xf32>
  %1 = builtin.unrealized_conversion_cast %0 : memref<*xf32> to !llvm.struct<(i64, ptr)>
  llvm.return %1 : !llvm.struct<(i64, ptr)>
}

// Structs that differ in more than integer widths are not descriptors of one memref: left alone.
// CHECK-LABEL: llvm.func @not_a_pair
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(i32, ptr)> to memref<*xf32>
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : memref<*xf32> to !llvm.struct<(ptr, ptr)>
llvm.func @not_a_pair(%d: !llvm.struct<(i32, ptr)>) -> !llvm.struct<(ptr, ptr)> {
  %0 = builtin.unrealized_conversion_cast %d : !llvm.struct<(i32, ptr)> to memref<*xf32>
  %1 = builtin.unrealized_conversion_cast %0 : memref<*xf32> to !llvm.struct<(ptr, ptr)>
  llvm.return %1 : !llvm.struct<(ptr, ptr)>
}

