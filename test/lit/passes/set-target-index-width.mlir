// What a 32-bit index cannot hold is a located error, not a truncated constant (a 2^31 tensor
// used to become `malloc(i32 128)` and no compute loop, exit 0). A 64-bit index holds it.
// RUN: not hexopt run hexagon %S/Inputs/index-big-dim.mlir 2>&1 | filecheck %s --check-prefix=DIM
// RUN: hexopt run -p 'builtin.module(set-target{target=host})' %S/Inputs/index-big-dim.mlir | filecheck %s --check-prefix=HOST
// RUN: not hexopt run -p 'builtin.module(set-target)' %S/Inputs/index-huge-dim.mlir 2>&1 | filecheck %s --check-prefix=HUGE
// RUN: not hexopt run -p 'builtin.module(set-target)' %S/Inputs/index-big-buffer.mlir 2>&1 | filecheck %s --check-prefix=BYTES
// RUN: not hexopt run -p 'builtin.module(set-target)' %S/Inputs/index-big-constant.mlir 2>&1 | filecheck %s --check-prefix=CONST
// RUN: not hexopt run -p 'builtin.module(set-target)' %S/Inputs/index-big-index-constant.mlir 2>&1 | filecheck %s --check-prefix=INDEX
// RUN: not hexopt run -p 'builtin.module(set-target{target=host index-bitwidth=32})' %S/Inputs/index-big-constant.mlir 2>&1 | filecheck %s --check-prefix=CONST-HOST32

// DIM: index-big-dim.mlir:1:1: error: dimension 2147483648 of tensor<2147483648xf32> does not fit the 32-bit index of target 'hexagon' (at most 2147483647); it would be truncated when lowered

// HOST: module attributes {dlti.dl_spec = #dlti.dl_spec<index = 64 : i64>}
// HOST: tensor<2147483648xf32>

// HUGE: index-huge-dim.mlir:3:8: error: dimension 1099511627776 of tensor<1099511627776x4xf32> does not fit the 32-bit index of target 'hexagon'

// BYTES: index-big-buffer.mlir:2:8: error: memref<65536x65536xf32> (17179869184 bytes) does not fit the 32-bit index of target 'hexagon'

// CONST: index-big-constant.mlir:2:8: error: the index constant 4294967296 does not fit the 32-bit index of target 'hexagon'
// CONST-HOST32: index-big-constant.mlir:2:8: error: the index constant 4294967296 does not fit the 32-bit index of target 'host'
// INDEX: index-big-index-constant.mlir:2:8: error: the index constant 8589934592 does not fit the 32-bit index of target 'hexagon'
