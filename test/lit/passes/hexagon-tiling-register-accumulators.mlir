// RUN: hexopt run -p 'builtin.module(hexagon-tiling{register-accumulators=true},hexagon-vectorization)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(hexagon-tiling{register-accumulators=true contraction-rows=3},hexagon-vectorization)' %s | filecheck %s --check-prefix=ROWS1
// RUN: not hexopt run -p 'builtin.module(hexagon-tiling{register-accumulators=true contraction-rows=0})' %s 2>&1 | filecheck %s --check-prefix=ERR

#a = affine_map<(d0, d1, d2) -> (d0, d1)>
#b = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d2)>
#t = affine_map<(d0, d1) -> (d1, d0)>
#r = affine_map<(d0, d1) -> (d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>

// A (parallel, reduction, parallel) contraction, the seed's QK^T after schedule-matmul-for-hvx: tiles of
// 4 rows x 32 lanes with the whole reduction inside; the reduction loop is innermost and carries the four
// output vectors; each is read once before it and written once after it. B's vector is read once per k.
// CHECK-LABEL: func.func @qk(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: tensor<64x64xf32>, %[[B:[a-z0-9]+]]: tensor<64x64xf32>
// CHECK:         scf.for %[[I:[a-z0-9]+]] = %{{.*}} to %{{.*}} step %c4
// CHECK:           scf.for %[[J:[a-z0-9]+]] = %{{.*}} to %{{.*}} step %c32
// CHECK-COUNT-4:     vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<64x64xf32>, vector<32xf32>
// CHECK:             %[[R:.*]]:4 = scf.for %[[K:[a-z0-9]+]] = %c0 to %c64 step %c1 iter_args(%[[C0:[a-z0-9]+]] = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK:               %[[X:.*]] = tensor.extract %{{.*}}[%c0, %[[K]]] : tensor<4x64xf32>
// CHECK:               %[[XB:.*]] = vector.broadcast %[[X]] : f32 to vector<32xf32>
// CHECK:               %[[BV:.*]] = vector.transfer_read %[[B]][%[[K]], %[[J]]], %{{.*}} {in_bounds = [true]} : tensor<64x64xf32>, vector<32xf32>
// CHECK:               %[[P:.*]] = arith.mulf %[[XB]], %[[BV]] : vector<32xf32>
// CHECK:               %[[S:.*]] = arith.addf %[[C0]], %[[P]] : vector<32xf32>
// CHECK-COUNT-3:       arith.addf
// CHECK-NOT:           vector.transfer_read %[[B]]
// CHECK-NOT:           vector.transfer_write
// CHECK:               scf.yield %[[S]], %{{.*}}, %{{.*}}, %{{.*}} : vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>
// CHECK-COUNT-4:     vector.transfer_write %[[R]]#{{[0-3]}}, %{{.*}} {in_bounds = [true]} : vector<32xf32>, tensor<4x32xf32>
// CHECK-NOT:       linalg.generic
// ROWS1-LABEL: func.func @qk(
// ROWS1:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1
// ROWS1:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c32
// ROWS1:             scf.for %{{.*}} = %c0 to %c64 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (vector<32xf32>)
// The option is checked when the pipeline is parsed, before any pass runs.
// ERR: <pass-pipeline>:1:16: error: option 'contraction-rows' of 'hexagon-tiling' must be in [1, 16]; got 0
func.func @qk(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%c : tensor<64x64xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %0 = arith.mulf %x, %y : f32
    %1 = arith.addf %z, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}

// The seed's row max, (reduction, parallel) over the transposed view: running maximum vectors of 32 rows
// stay in registers across the 64 columns (still a strided read of each column). With no other parallel
// loop, a tile holds contraction-rows (4) vectors along the rows: 4 independent accumulators.
// CHECK-LABEL: func.func @row_max(
// CHECK:         scf.for %[[RI:[a-z0-9]+]] = %{{.*}} to %{{.*}} step %c128
// CHECK:           %[[INIT:.*]] = vector.transfer_read %{{.*}}[%[[RI]]]
// CHECK-COUNT-3:   vector.transfer_read
// CHECK:           scf.for %[[RK:[a-z0-9]+]] = %c0 to %c64 step %c1 iter_args(%[[M:[a-z0-9]+]] = %[[INIT]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>)
// CHECK:             %[[COL:.*]] = vector.transfer_read %{{.*}}[%[[RI]], %[[RK]]], %{{.*}} {in_bounds = [true], permutation_map = #{{.*}}} : tensor<256x64xf32>, vector<32xf32>
// CHECK:             %[[MAX:.*]] = arith.maxnumf %[[COL]], %[[M]] : vector<32xf32>
// CHECK-COUNT-3:     arith.maxnumf
// CHECK:             scf.yield %[[MAX]], %{{.*}}, %{{.*}}, %{{.*}} : vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>
// CHECK-COUNT-4:   vector.transfer_write
func.func @row_max(%s: tensor<256x64xf32>, %init: tensor<256xf32>) -> tensor<256xf32> {
  %r = linalg.generic {indexing_maps = [#t, #r], iterator_types = ["reduction", "parallel"]}
      ins(%s : tensor<256x64xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%x: f32, %m: f32):
    %0 = arith.maxnumf %x, %m : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}

// Elementwise ops keep the [1, 32] tiles.
// CHECK-LABEL: func.func @elementwise(
// CHECK:         scf.for %{{.*}} step %c1
// CHECK:           scf.for %{{.*}} step %c32
// CHECK-NOT:         -> (vector<32xf32>)
// CHECK:             arith.addf %{{.*}} : vector<32xf32>
func.func @elementwise(%x: tensor<256x64xf32>, %y: tensor<256x64xf32>) -> tensor<256x64xf32> {
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<256x64xf32>) outs(%y : tensor<256x64xf32>) {
  ^bb0(%a: f32, %b: f32):
    %0 = arith.addf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<256x64xf32>
  return %r : tensor<256x64xf32>
}
