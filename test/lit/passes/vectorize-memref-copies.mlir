// RUN: hexopt run -p 'builtin.module(vectorize-memref-copies)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(vectorize-memref-copies{vector-bytes=64})' %s | filecheck %s --check-prefix=HALF
// RUN: hexopt run -p 'builtin.module(vectorize-memref-copies{memref-copy=all})' %s | filecheck %s --check-prefix=MEMREF

// A masked load's copy of n (runtime) floats: full vectors over [0, n - n % 32), then one vector ending at n
// (overlapping the last full one) when n % 32 != 0; a scalar loop when n < 32. Every access stays in [0, n).
// CHECK-LABEL: func.func @masked_load(
// CHECK-SAME:    %[[D_SRC:[a-z0-9]+]]: memref<?xf32, strided<[1], offset: ?>>, %[[D_DST:[a-z0-9]+]]: memref<?xf32>
// CHECK-SAME:    attributes {passthrough = ["no-builtins"]}
// CHECK:         %[[D_N:.+]] = memref.dim %[[D_DST]], %{{.+}} : memref<?xf32>
// CHECK:         %[[D_L:.+]] = arith.constant 32 : index
// CHECK:         %[[D_REST:.+]] = arith.remui %[[D_N]], %[[D_L]] : index
// CHECK:         %[[D_FULL:.+]] = arith.subi %[[D_N]], %[[D_REST]] : index
// CHECK:         %[[D_WIDE:.+]] = arith.cmpi uge, %[[D_N]], %[[D_L]] : index
// CHECK:         scf.if %[[D_WIDE]] {
// CHECK:           scf.for %[[D_I:.+]] = %{{.+}} to %[[D_FULL]] step %[[D_L]] {
// CHECK:             %[[D_V:.+]] = vector.load %[[D_SRC]][%[[D_I]]] : memref<?xf32, strided<[1], offset: ?>>, vector<32xf32>
// CHECK:             vector.store %[[D_V]], %[[D_DST]][%[[D_I]]] : memref<?xf32>, vector<32xf32>
// CHECK:           %[[D_TAIL:.+]] = arith.cmpi ne, %[[D_REST]], %{{.+}} : index
// CHECK:           scf.if %[[D_TAIL]] {
// CHECK:             %[[D_LAST:.+]] = arith.subi %[[D_N]], %[[D_L]] : index
// CHECK:             %[[D_W:.+]] = vector.load %[[D_SRC]][%[[D_LAST]]]
// CHECK:             vector.store %[[D_W]], %[[D_DST]][%[[D_LAST]]]
// CHECK:         } else {
// CHECK:           scf.for %[[D_J:.+]] = %{{.+}} to %[[D_N]] step %{{.+}} {
// CHECK:             %[[D_S:.+]] = memref.load %[[D_SRC]][%[[D_J]]]
// CHECK:             memref.store %[[D_S]], %[[D_DST]][%[[D_J]]]
// CHECK-NOT:     linalg.generic
// CHECK:         return
// With 64-byte vectors: 16 lanes.
// HALF-LABEL: func.func @masked_load(
// HALF:         vector.load %{{.+}} : memref<?xf32, strided<[1], offset: ?>>, vector<16xf32>
func.func @masked_load(%src: memref<?xf32, strided<[1], offset: ?>>, %dst: memref<?xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%src : memref<?xf32, strided<[1], offset: ?>>) outs(%dst : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// A fill of 32 x 70 (a masked 2-D load's `other` = 1.0): per row two full vectors and one ending at 70; the
// size is static, so no runtime branch.
// CHECK-LABEL: func.func @fill_2d(
// CHECK:         %[[F_ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:         scf.for %[[F_R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-NOT:       scf.if %{{.+}} {
// CHECK:           scf.for %[[F_C:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:             %[[F_V:.+]] = vector.broadcast %[[F_ONE]] : f32 to vector<32xf32>
// CHECK:             vector.store %[[F_V]], %{{.+}}[%[[F_R]], %[[F_C]]] : memref<32x70xf32>, vector<32xf32>
// CHECK:           scf.if
// CHECK:             vector.store %{{.+}}, %{{.+}}[%[[F_R]], %{{.+}}] : memref<32x70xf32>, vector<32xf32>
func.func @fill_2d(%buf: memref<32x70xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%buf : memref<32x70xf32>)
  return
}

// A copy that converts f16 to f32: 64 lanes (the f16 side's vector).
// CHECK-LABEL: func.func @convert(
// CHECK:         %[[C_V:.+]] = vector.load %{{.+}} : memref<128xf16>, vector<64xf16>
// CHECK:         %[[C_W:.+]] = arith.extf %[[C_V]] : vector<64xf16> to vector<64xf32>
// CHECK:         vector.store %[[C_W]], %{{.+}} : memref<128xf32>, vector<64xf32>
func.func @convert(%src: memref<128xf16>, %dst: memref<128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%src : memref<128xf16>) outs(%dst : memref<128xf32>) {
  ^bb0(%in: f16, %out: f32):
    %w = arith.extf %in : f16 to f32
    linalg.yield %w : f32
  }
  return
}

// Rows of 31 (static) are shorter than a vector: scalar loops, in a no-builtins function (LLVM would make
// them memcpy calls). linalg.copy is a copy too; a contiguous memref.copy (from bufferization) only with
// memref-copy=all, a strided one by default.
// CHECK-LABEL: func.func @short_rows(
// CHECK-SAME:    attributes {passthrough = ["no-builtins"]}
// CHECK-NOT:     vector.load
// CHECK:         memref.load
// CHECK:         memref.copy
// CHECK:         vector.load %{{.+}} : memref<256xi8>, vector<128xi8>
// CHECK-NOT:     linalg.copy
// CHECK:         vector.load %{{.+}} : memref<4x64xf32, strided<[128, 1]>>, vector<32xf32>
// CHECK-NOT:     memref.copy
// CHECK:         return
// MEMREF-LABEL: func.func @short_rows(
// MEMREF:         vector.load %{{.+}} : memref<64xf32>, vector<32xf32>
// MEMREF-NOT:     memref.copy
// MEMREF:         return
func.func @short_rows(%src: memref<8x31xf32, strided<[32, 1], offset: 1>>, %dst: memref<8x31xf32, strided<[32, 1]>>,
                      %a: memref<64xf32>, %b: memref<64xf32>, %c: memref<256xi8>, %d: memref<256xi8>,
                      %e: memref<4x64xf32, strided<[128, 1]>>, %f: memref<4x64xf32>) {
  linalg.copy ins(%src : memref<8x31xf32, strided<[32, 1], offset: 1>>) outs(%dst : memref<8x31xf32, strided<[32, 1]>>)
  memref.copy %a, %b : memref<64xf32> to memref<64xf32>
  linalg.copy ins(%c : memref<256xi8>) outs(%d : memref<256xi8>)
  memref.copy %e, %f : memref<4x64xf32, strided<[128, 1]>> to memref<4x64xf32>
  return
}

// Left alone: a column (innermost stride 64), a transposing generic, a copy that computes, tensors.
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT:     passthrough
// CHECK-NOT:     vector.
// CHECK:         linalg.copy
// CHECK:         linalg.generic
// CHECK:         linalg.generic
// CHECK:         linalg.fill
// CHECK:         return
func.func @left_alone(%col: memref<64xf32, strided<[64]>>, %dst: memref<64xf32>, %m: memref<64x64xf32>,
                      %t: tensor<64xf32>) -> tensor<64xf32> {
  linalg.copy ins(%col : memref<64xf32, strided<[64]>>) outs(%dst : memref<64xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel"]} ins(%m : memref<64x64xf32>) outs(%m : memref<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%dst : memref<64xf32>) outs(%dst : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  %zero = arith.constant 0.0 : f32
  %f = linalg.fill ins(%zero : f32) outs(%t : tensor<64xf32>) -> tensor<64xf32>
  return %f : tensor<64xf32>
}
