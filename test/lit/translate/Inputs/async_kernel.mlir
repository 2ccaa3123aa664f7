module attributes {dlti.dl_spec = #dlti.dl_spec<index = 32 : i64>, llvm.data_layout = "e-m:e-p:32:32:32-a:0-n16:32-i64:64:64-i32:32:32-i16:16:16-i1:8:8-f32:32:32-f64:64:64-v32:32:32-v64:64:64-v512:512:512-v1024:1024:1024-v2048:2048:2048", llvm.target_triple = "hexagon-unknown-linux-musl"} {
  llvm.func @abort()
  llvm.func @puts(!llvm.ptr)
  llvm.mlir.global private constant @assert_msg(dense<[65, 119, 97, 105, 116, 101, 100, 32, 97, 115, 121, 110, 99, 32, 111, 112, 101, 114, 97, 110, 100, 32, 105, 115, 32, 105, 110, 32, 101, 114, 114, 111, 114, 32, 115, 116, 97, 116, 101, 0]> : tensor<40xi8>) {addr_space = 0 : i32} : !llvm.array<40 x i8>
  llvm.func @free(!llvm.ptr)
  llvm.func @aligned_alloc(i64, i64) -> !llvm.ptr
  llvm.func @async_kernel(%arg0: i32, %arg1: !llvm.ptr, %arg2: i32, %arg3: !llvm.ptr, %arg4: i32, %arg5: !llvm.ptr, %arg6: i32, %arg7: i32, %arg8: i32, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32) {
    %0 = llvm.mlir.addressof @assert_msg : !llvm.ptr
    %1 = llvm.mlir.constant(64 : index) : i32
    %2 = llvm.mlir.constant(256 : index) : i32
    %3 = llvm.mlir.constant(4 : index) : i32
    %4 = llvm.mlir.constant(1 : index) : i32
    %5 = llvm.mlir.constant(0 : index) : i32
    %6 = llvm.mlir.constant(1 : i64) : i64
    %7 = llvm.mlir.constant(true) : i1
    %8 = llvm.mlir.constant(4 : i64) : i64
    %9 = llvm.load %arg1 : !llvm.ptr -> !llvm.ptr
    %10 = llvm.getelementptr %arg1[1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
    %11 = llvm.load %10 : !llvm.ptr -> !llvm.ptr
    %12 = llvm.load %arg3 : !llvm.ptr -> !llvm.ptr
    %13 = llvm.getelementptr %arg3[1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
    %14 = llvm.load %13 : !llvm.ptr -> !llvm.ptr
    %15 = llvm.load %arg5 : !llvm.ptr -> !llvm.ptr
    %16 = llvm.getelementptr %arg5[1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
    %17 = llvm.load %16 : !llvm.ptr -> !llvm.ptr
    %18 = llvm.sitofp %arg6 : i32 to f32
    %19 = llvm.call @mlirAsyncRuntimeCreateGroup(%8) : (i64) -> !llvm.ptr
    llvm.br ^bb1(%5 : i32)
  ^bb1(%20: i32):  // 2 preds: ^bb0, ^bb2
    %21 = llvm.icmp "slt" %20, %3 : i32
    llvm.cond_br %21, ^bb2, ^bb3
  ^bb2:  // pred: ^bb1
    %22 = llvm.call @async_execute_fn(%20, %9, %11, %5, %2, %1, %1, %4, %12, %14, %5, %1, %4, %18, %15, %17, %5, %2, %4) : (i32, !llvm.ptr, !llvm.ptr, i32, i32, i32, i32, i32, !llvm.ptr, !llvm.ptr, i32, i32, i32, f32, !llvm.ptr, !llvm.ptr, i32, i32, i32) -> !llvm.ptr
    %23 = llvm.call @mlirAsyncRuntimeAddTokenToGroup(%22, %19) : (!llvm.ptr, !llvm.ptr) -> i64
    llvm.call @mlirAsyncRuntimeDropRef(%22, %6) : (!llvm.ptr, i64) -> ()
    %24 = llvm.add %20, %4 : i32
    llvm.br ^bb1(%24 : i32)
  ^bb3:  // pred: ^bb1
    llvm.call @mlirAsyncRuntimeAwaitAllInGroup(%19) : (!llvm.ptr) -> ()
    %25 = llvm.call @mlirAsyncRuntimeIsGroupError(%19) : (!llvm.ptr) -> i1
    llvm.call @mlirAsyncRuntimeDropRef(%19, %6) : (!llvm.ptr, i64) -> ()
    %26 = llvm.xor %25, %7 : i1
    llvm.cond_br %26, ^bb4, ^bb5
  ^bb4:  // pred: ^bb3
    llvm.return
  ^bb5:  // pred: ^bb3
    llvm.call @puts(%0) : (!llvm.ptr) -> ()
    llvm.call @abort() : () -> ()
    llvm.unreachable
  }
  llvm.func @async_execute_fn(%arg0: i32, %arg1: !llvm.ptr, %arg2: !llvm.ptr, %arg3: i32, %arg4: i32, %arg5: i32, %arg6: i32, %arg7: i32, %arg8: !llvm.ptr, %arg9: !llvm.ptr, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: f32, %arg14: !llvm.ptr, %arg15: !llvm.ptr, %arg16: i32, %arg17: i32, %arg18: i32) -> !llvm.ptr attributes {passthrough = ["presplitcoroutine"], sym_visibility = "private"} {
    %0 = llvm.mlir.constant(0 : i32) : i32
    %1 = llvm.mlir.zero : !llvm.ptr
    %2 = llvm.mlir.constant(1 : i64) : i64
    %3 = llvm.mlir.constant(0 : i64) : i64
    %4 = llvm.mlir.addressof @__resume : !llvm.ptr
    %5 = llvm.mlir.constant(false) : i1
    %6 = llvm.mlir.constant(64 : index) : i32
    %7 = llvm.mlir.constant(0 : index) : i32
    %8 = llvm.mlir.constant(1 : index) : i32
    %9 = llvm.call @mlirAsyncRuntimeCreateToken() : () -> !llvm.ptr
    %10 = llvm.intr.coro.id %0, %1, %1, %1 : (i32, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> !llvm.token
    %11 = llvm.intr.coro.size : i64
    %12 = llvm.intr.coro.align : i64
    %13 = llvm.add %11, %12 : i64
    %14 = llvm.sub %13, %2 : i64
    %15 = llvm.sub %3, %12 : i64
    %16 = llvm.and %14, %15 : i64
    %17 = llvm.call @aligned_alloc(%12, %16) : (i64, i64) -> !llvm.ptr
    %18 = llvm.intr.coro.begin %10, %17 : (!llvm.token, !llvm.ptr) -> !llvm.ptr
    %19 = llvm.intr.coro.save %18 : (!llvm.ptr) -> !llvm.token
    llvm.call @mlirAsyncRuntimeExecute(%18, %4) : (!llvm.ptr, !llvm.ptr) -> ()
    %20 = llvm.intr.coro.suspend %19, %5 : i8
    %21 = llvm.sext %20 : i8 to i32
    llvm.switch %21 : i32, ^bb9 [
      0: ^bb1,
      1: ^bb8
    ]
  ^bb1:  // pred: ^bb0
    %22 = llvm.mul %arg0, %6 : i32
    %23 = llvm.add %22, %6 : i32
    llvm.br ^bb2(%22 : i32)
  ^bb2(%24: i32):  // 2 preds: ^bb1, ^bb6
    %25 = llvm.icmp "slt" %24, %23 : i32
    llvm.cond_br %25, ^bb3, ^bb7
  ^bb3:  // pred: ^bb2
    llvm.br ^bb4(%7, %arg13 : i32, f32)
  ^bb4(%26: i32, %27: f32):  // 2 preds: ^bb3, ^bb5
    %28 = llvm.icmp "slt" %26, %6 : i32
    llvm.cond_br %28, ^bb5, ^bb6
  ^bb5:  // pred: ^bb4
    %29 = llvm.mul %24, %6 overflow<nsw, nuw> : i32
    %30 = llvm.add %29, %26 overflow<nsw, nuw> : i32
    %31 = llvm.getelementptr inbounds|nuw %arg2[%30] : (!llvm.ptr, i32) -> !llvm.ptr, f32
    %32 = llvm.load %31 : !llvm.ptr -> f32
    %33 = llvm.getelementptr inbounds|nuw %arg9[%26] : (!llvm.ptr, i32) -> !llvm.ptr, f32
    %34 = llvm.load %33 : !llvm.ptr -> f32
    %35 = llvm.fmul %32, %34 : f32
    %36 = llvm.fadd %27, %35 : f32
    %37 = llvm.add %26, %8 : i32
    llvm.br ^bb4(%37, %36 : i32, f32)
  ^bb6:  // pred: ^bb4
    %38 = llvm.getelementptr inbounds|nuw %arg15[%24] : (!llvm.ptr, i32) -> !llvm.ptr, f32
    llvm.store %27, %38 : f32, !llvm.ptr
    %39 = llvm.add %24, %8 : i32
    llvm.br ^bb2(%39 : i32)
  ^bb7:  // pred: ^bb2
    llvm.call @mlirAsyncRuntimeEmplaceToken(%9) : (!llvm.ptr) -> ()
    llvm.br ^bb8
  ^bb8:  // 2 preds: ^bb0, ^bb7
    %40 = llvm.intr.coro.free %10, %18 : (!llvm.token, !llvm.ptr) -> !llvm.ptr
    llvm.call @free(%40) : (!llvm.ptr) -> ()
    llvm.br ^bb9
  ^bb9:  // 2 preds: ^bb0, ^bb8
    %41 = llvm.mlir.none : !llvm.token
    %42 = llvm.intr.coro.end %18, %5, %41 : (!llvm.ptr, i1, !llvm.token) -> i1
    llvm.return %9 : !llvm.ptr
  }
  llvm.func @mlirAsyncRuntimeAddRef(!llvm.ptr, i64) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeDropRef(!llvm.ptr, i64) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeCreateToken() -> !llvm.ptr attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeCreateValue(i64) -> !llvm.ptr attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeCreateGroup(i64) -> !llvm.ptr attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeEmplaceToken(!llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeEmplaceValue(!llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeSetTokenError(!llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeSetValueError(!llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeIsTokenError(!llvm.ptr) -> i1 attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeIsValueError(!llvm.ptr) -> i1 attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeIsGroupError(!llvm.ptr) -> i1 attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeAwaitToken(!llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeAwaitValue(!llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeAwaitAllInGroup(!llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeExecute(!llvm.ptr, !llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeGetValueStorage(!llvm.ptr) -> !llvm.ptr attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeAddTokenToGroup(!llvm.ptr, !llvm.ptr) -> i64 attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeAwaitTokenAndExecute(!llvm.ptr, !llvm.ptr, !llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeAwaitValueAndExecute(!llvm.ptr, !llvm.ptr, !llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimeAwaitAllInGroupAndExecute(!llvm.ptr, !llvm.ptr, !llvm.ptr) attributes {sym_visibility = "private"}
  llvm.func @mlirAsyncRuntimGetNumWorkerThreads() -> i32 attributes {sym_visibility = "private"}
  llvm.func @__resume(%arg0: !llvm.ptr) attributes {sym_visibility = "private"} {
    llvm.intr.coro.resume %arg0 : !llvm.ptr
    llvm.return
  }
}
