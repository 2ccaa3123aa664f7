// RUN: hexopt run -p 'builtin.module(set-target)' %s | filecheck %s --check-prefix=HEX
// RUN: hexopt run -p 'builtin.module(set-target{target=host})' %s | filecheck %s --check-prefix=HOST
// RUN: hexopt run -p 'builtin.module(set-target{target=host c-interface=true})' %s | filecheck %s --check-prefix=CIFACE
// RUN: hexopt run -p 'builtin.module(set-target{triple=hexagon index-bitwidth=64})' %s | filecheck %s --check-prefix=TRIPLE
// RUN: not hexopt run -p 'builtin.module(set-target{target=arm})' %s 2>&1 | filecheck %s --check-prefix=BAD

// The seed's triton-shared output carries llvm.target_triple = "hexagon".
// HEX: module attributes {dlti.dl_spec = #dlti.dl_spec<index = 32 : i64>, llvm.data_layout = "e-m:e-p:32:32:32-a:0-n16:32-i64:64:64-i32:32:32-i16:16:16-i1:8:8-f32:32:32-f64:64:64-v32:32:32-v64:64:64-v512:512:512-v1024:1024:1024-v2048:2048:2048", llvm.target_triple = "hexagon-unknown-linux-musl"}
// HEX: func.func @kernel(
// HEX-NOT: llvm.emit_c_interface

// HOST: module attributes {dlti.dl_spec = #dlti.dl_spec<index = 64 : i64>} {
// HOST-NOT: llvm.emit_c_interface

// CIFACE: func.func @kernel(%{{.*}}: memref<*xf32>, %{{.*}}: i32) attributes {llvm.emit_c_interface}
// CIFACE: func.func private @helper()
// CIFACE-NOT: llvm.emit_c_interface

// TRIPLE: module attributes {dlti.dl_spec = #dlti.dl_spec<index = 64 : i64>, llvm.data_layout = "{{.*}}", llvm.target_triple = "hexagon"}

// BAD: error: option 'target' of 'set-target' must be one of host, hexagon; got arm

module attributes {llvm.target_triple = "hexagon"} {
  func.func @kernel(%arg0: memref<*xf32>, %arg1: i32) {
    return
  }
  func.func private @helper()
}
