// RUN: hexopt run -p 'builtin.module(hexagon-vectorization)' %s | filecheck %s

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#bcast = affine_map<(d0, d1) -> (d0, 0)>
// CHECK: #[[PERM:.+]] = affine_map<(d0, d1) -> (d0)>

// The seed's exp2 generic after tiling: 1-D vector<32xf32> ops, the tile's slices folded into in-bounds
// transfers on the whole tensor, the (d0, 0) broadcast operand read as a scalar and broadcast.
// CHECK-LABEL: func.func @exp2_tile(
// CHECK-SAME:    %[[X_S:[a-z0-9]+]]: tensor<256x64xf32>, %[[X_M:[a-z0-9]+]]: tensor<256x1xf32>
// CHECK-DAG:     %[[X_SCALE:.+]] = arith.constant dense<0.72134751> : vector<32xf32>
// CHECK:         scf.for %[[X_I:[a-z0-9]+]] =
// CHECK:           scf.for %[[X_J:[a-z0-9]+]] = {{.+}} iter_args(%[[X_ACC:[a-z0-9]+]] =
// CHECK-NOT:         tensor.extract_slice
// CHECK:             %[[X_IN:.+]] = vector.transfer_read %[[X_S]][%[[X_I]], %[[X_J]]], %{{.+}} {in_bounds = [true]} : tensor<256x64xf32>, vector<32xf32>
// CHECK:             %[[X_ROW:.+]] = tensor.extract %[[X_M]][%[[X_I]], %{{.+}}] : tensor<256x1xf32>
// CHECK:             %[[X_B:.+]] = vector.broadcast %[[X_ROW]] : f32 to vector<32xf32>
// CHECK:             %[[X_MUL:.+]] = arith.mulf %[[X_IN]], %[[X_SCALE]] : vector<32xf32>
// CHECK:             %[[X_SUB:.+]] = arith.subf %[[X_MUL]], %[[X_B]] : vector<32xf32>
// CHECK:             %[[X_EXP:.+]] = math.exp2 %[[X_SUB]] : vector<32xf32>
// CHECK:             vector.transfer_write %[[X_EXP]], %[[X_ACC]][%[[X_I]], %[[X_J]]] {in_bounds = [true]} : vector<32xf32>, tensor<256x64xf32>
// CHECK-NOT:         tensor.insert_slice
// CHECK-NOT:         linalg.generic
func.func @exp2_tile(%s: tensor<256x64xf32>, %m: tensor<256x1xf32>, %out: tensor<256x64xf32>) -> tensor<256x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %scale = arith.constant 0.72134751 : f32
  %r = scf.for %i = %c0 to %c256 step %c1 iter_args(%acc = %out) -> (tensor<256x64xf32>) {
    %r2 = scf.for %j = %c0 to %c64 step %c32 iter_args(%acc2 = %acc) -> (tensor<256x64xf32>) {
      %a = tensor.extract_slice %s[%i, %j] [1, 32] [1, 1] : tensor<256x64xf32> to tensor<1x32xf32>
      %b = tensor.extract_slice %m[%i, 0] [1, 1] [1, 1] : tensor<256x1xf32> to tensor<1x1xf32>
      %o = tensor.extract_slice %acc2[%i, %j] [1, 32] [1, 1] : tensor<256x64xf32> to tensor<1x32xf32>
      %g = linalg.generic {indexing_maps = [#id2, #bcast, #id2], iterator_types = ["parallel", "parallel"]}
          ins(%a, %b : tensor<1x32xf32>, tensor<1x1xf32>) outs(%o : tensor<1x32xf32>) {
      ^bb0(%x: f32, %y: f32, %z: f32):
        %0 = arith.mulf %x, %scale : f32
        %1 = arith.subf %0, %y : f32
        %2 = math.exp2 %1 : f32
        linalg.yield %2 : f32
      } -> tensor<1x32xf32>
      %ins = tensor.insert_slice %g into %acc2[%i, %j] [1, 32] [1, 1] : tensor<1x32xf32> into tensor<256x64xf32>
      scf.yield %ins : tensor<256x64xf32>
    }
    scf.yield %r2 : tensor<256x64xf32>
  }
  return %r : tensor<256x64xf32>
}

// One [1, 1, 32] tile of QK^T: K is read down a column (permutation map), Q is a broadcast scalar.
// CHECK-LABEL: func.func @qk_tile(
// CHECK-SAME:    %[[Q_Q:[a-z0-9]+]]: tensor<1x1xf32>, %[[Q_K:[a-z0-9]+]]: tensor<32x1xf32>, %[[Q_ACC:[a-z0-9]+]]: tensor<1x32xf32>
// CHECK:         %[[Q_X:.+]] = tensor.extract %[[Q_Q]]
// CHECK:         %[[Q_XB:.+]] = vector.broadcast %[[Q_X]] : f32 to vector<32xf32>
// CHECK:         %[[Q_KV:.+]] = vector.transfer_read %[[Q_K]]{{.+}} {in_bounds = [true], permutation_map = #[[PERM]]} : tensor<32x1xf32>, vector<32xf32>
// CHECK:         %[[Q_AV:.+]] = vector.transfer_read %[[Q_ACC]]{{.+}} {in_bounds = [true]} : tensor<1x32xf32>, vector<32xf32>
// CHECK:         %[[Q_P:.+]] = arith.mulf %[[Q_XB]], %[[Q_KV]] : vector<32xf32>
// CHECK:         %[[Q_S:.+]] = arith.addf %[[Q_AV]], %[[Q_P]] : vector<32xf32>
// CHECK:         vector.transfer_write %[[Q_S]], %[[Q_ACC]]{{.+}} {in_bounds = [true]} : vector<32xf32>, tensor<1x32xf32>
func.func @qk_tile(%q: tensor<1x1xf32>, %k: tensor<32x1xf32>, %acc: tensor<1x32xf32>) -> tensor<1x32xf32> {
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2, d1)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%q, %k : tensor<1x1xf32>, tensor<32x1xf32>) outs(%acc : tensor<1x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %0 = arith.mulf %x, %y : f32
    %1 = arith.addf %z, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<1x32xf32>
  return %g : tensor<1x32xf32>
}

// f16: one vector is 64 elements.
// CHECK-LABEL: func.func @fill_f16(
// CHECK:         vector.transfer_write %{{.+}} {in_bounds = [true]} : vector<64xf16>, tensor<64xf16>
func.func @fill_f16(%t: tensor<64xf16>) -> tensor<64xf16> {
  %c = arith.constant 0.0 : f16
  %r = linalg.fill ins(%c : f16) outs(%t : tensor<64xf16>) -> tensor<64xf16>
  return %r : tensor<64xf16>
}

// Not one vector: two rows, or half a vector.
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT:     vector.
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x32xf32>)
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<16xf32>)
// CHECK-NOT:     vector.
// CHECK:         return
func.func @left_alone(%a: tensor<2x32xf32>, %b: tensor<16xf32>) -> (tensor<2x32xf32>, tensor<16xf32>) {
  %c = arith.constant 0.0 : f32
  %0 = linalg.fill ins(%c : f32) outs(%a : tensor<2x32xf32>) -> tensor<2x32xf32>
  %1 = linalg.fill ins(%c : f32) outs(%b : tensor<16xf32>) -> tensor<16xf32>
  return %0, %1 : tensor<2x32xf32>, tensor<16xf32>
}

// A fill on a memref (bufferized code) is left alone, not a crash.
// CHECK-LABEL: func.func @memref_fill_left_alone
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<256xf32>)
func.func @memref_fill_left_alone(%m: memref<256xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%cst : f32) outs(%m : memref<256xf32>)
  return
}
