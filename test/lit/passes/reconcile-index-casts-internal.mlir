// RUN: hexopt run -p 'builtin.module(reconcile-index-casts)' %s | filecheck %s

// An internal function (an outlined async body) whose i64 argument is only truncated and always
// passed sign-extended from i32 takes the i32 again: only the kernel's signature is the reference ABI.
// An argument used as an i64 stays i64.
// CHECK-LABEL: llvm.func @kernel_calls_body
// CHECK: llvm.call @internal_body(%[[N:.*]], %{{.*}}) : (i32, i64) -> i32
// CHECK-LABEL: llvm.func @internal_body
// CHECK-SAME: (%[[A:.*]]: i32, %[[B:.*]]: i64) -> i32
// CHECK-NOT: llvm.trunc %[[A]]
// CHECK: llvm.add %[[A]], %[[A]] : i32
llvm.func @kernel_calls_body(%n: i32, %m: i32) -> i32 {
  %w = llvm.sext %n : i32 to i64
  %v = llvm.sext %m : i32 to i64
  %r = llvm.call @internal_body(%w, %v) : (i64, i64) -> i32
  llvm.return %r : i32
}
llvm.func @internal_body(%a: i64, %b: i64) -> i32 attributes {sym_visibility = "private"} {
  %t = llvm.trunc %a : i64 to i32
  %s = llvm.add %t, %t : i32
  %c = llvm.trunc %b : i64 to i32
  %d = llvm.add %b, %b : i64
  %e = llvm.trunc %d : i64 to i32
  %f = llvm.add %s, %e : i32
  llvm.return %f : i32
}
