// The seed kernel through the shipped pipelines: everything ends in the LLVM dialect. The kernel ABI
// (rank of each memref<*xf32>, then its descriptor) is the reference's 64-bit one on Hexagon by
// default, with a 32-bit index inside; abi=compact gives a 32-bit rank; index-bitwidth=64 lowers
// everything with 64 bits, as the reference does.
// RUN: hexopt run hexagon %mlir/flash_attention.mlir | filecheck %s --check-prefix=HEX
// RUN: hexopt run hexagon --set abi=compact %mlir/flash_attention.mlir | filecheck %s --check-prefix=COMPACT
// RUN: hexopt run hexagon --set index-bitwidth=64 %mlir/flash_attention.mlir | filecheck %s --check-prefix=WIDE
// RUN: hexopt run hexagon %mlir/flash_attention.mlir | filecheck %s --check-prefix=NARROW
// RUN: hexopt run hexagon --set abi=compact %mlir/flash_attention.mlir | filecheck %s --check-prefix=NOCAST
// RUN: hexopt run hexagon --set index-bitwidth=64 %mlir/flash_attention.mlir | filecheck %s --check-prefix=NOCAST
// RUN: hexopt run host %mlir/flash_attention.mlir | filecheck %s --check-prefix=HOST
// RUN: hexopt run baseline %mlir/flash_attention.mlir | filecheck %s --check-prefix=BASE
// RUN: hexopt run hexagon %mlir/flash_attention.mlir | filecheck %s --check-prefix=NOCAST
// RUN: hexopt run hexagon --set multi-threading=false %mlir/flash_attention.mlir | filecheck %s --check-prefix=NOCAST

// With the reference ABI the body still computes with the 32-bit index: no 64-bit index constant anywhere.
// NARROW: llvm.func @attention_fwd_kernel(
// NARROW-NOT: : index) : i64

// Translatable: no cast between the index widths of different conversions is left.
// NOCAST: llvm.func @attention_fwd_kernel(
// NOCAST-NOT: unrealized_conversion_cast

// HEX: module attributes {dlti.dl_spec = #dlti.dl_spec<index = 32 : i64>, llvm.data_layout = "e-m:e-p:32:32:32-{{.*}}", llvm.target_triple = "hexagon-unknown-linux-musl"}
// HEX: llvm.func @attention_fwd_kernel(%arg0: i32 {tt.divisibility = 16 : i32}, %arg1: i64, %arg2: !llvm.ptr, %arg3: i64, %arg4: !llvm.ptr, %arg5: i64, %arg6: !llvm.ptr, %arg7: i64, %arg8: !llvm.ptr, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: i32, %arg14: i32)
// HEX-NOT: {{ (linalg|scf|memref|vector|math|arith|async|affine|cf|func)\.[a-z_]+}}
// HEX: vector<32xf32>
// HEX: llvm.call @mlirAsyncRuntimeExecute
// HEX: llvm.call @free
// HEX-NOT: {{ (linalg|scf|memref|vector|math|arith|async|affine|cf|func)\.[a-z_]+}}
// HEX-NOT: llvm.intr.exp2

// COMPACT: module attributes {dlti.dl_spec = #dlti.dl_spec<index = 32 : i64>
// COMPACT: llvm.func @attention_fwd_kernel(%arg0: i32 {tt.divisibility = 16 : i32}, %arg1: i32, %arg2: !llvm.ptr, %arg3: i32, %arg4: !llvm.ptr, %arg5: i32, %arg6: !llvm.ptr, %arg7: i32, %arg8: !llvm.ptr, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: i32, %arg14: i32)

// WIDE: module attributes {dlti.dl_spec = #dlti.dl_spec<index = 64 : i64>, llvm.data_layout = "e-m:e-p:32:32:32-{{.*}}", llvm.target_triple = "hexagon-unknown-linux-musl"}
// WIDE: llvm.func @attention_fwd_kernel(%arg0: i32 {tt.divisibility = 16 : i32}, %arg1: i64, %arg2: !llvm.ptr, %arg3: i64, %arg4: !llvm.ptr, %arg5: i64, %arg6: !llvm.ptr, %arg7: i64, %arg8: !llvm.ptr, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: i32, %arg14: i32)
// WIDE: llvm.mlir.constant({{.*}} : index) : i64

// HOST: module attributes {dlti.dl_spec = #dlti.dl_spec<index = 64 : i64>} {
// HOST: llvm.func @attention_fwd_kernel(%arg0: i32 {tt.divisibility = 16 : i32}, %arg1: i64, %arg2: !llvm.ptr, %arg3: i64, %arg4: !llvm.ptr, %arg5: i64, %arg6: !llvm.ptr, %arg7: i64, %arg8: !llvm.ptr, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: i32, %arg14: i32)
// HOST: llvm.func @_mlir_ciface_attention_fwd_kernel(
// HOST: vector<32xf32>

// BASE: module attributes {dlti.dl_spec = #dlti.dl_spec<index = 64 : i64>} {
// BASE-NOT: vector<
// BASE-NOT: mlirAsyncRuntime
// BASE: llvm.func @attention_fwd_kernel(
// BASE-NOT: vector<
// BASE-NOT: mlirAsyncRuntime
// BASE: llvm.intr.exp2
// BASE: llvm.call @free
