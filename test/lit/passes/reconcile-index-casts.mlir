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
