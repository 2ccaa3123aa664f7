// RUN: hexopt run -p 'builtin.module(form-async-threads)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(form-async-threads,async-to-async-runtime)' %s | filecheck %s --check-prefix=RT

// The seed's multi-threading shape: one async.execute per 64-row chunk, all in one group, awaited after.
// CHECK-LABEL: func.func @rows(
// CHECK-SAME:    %[[R_IN:[a-z0-9]+]]: memref<256x64xf32>, %[[R_OUT:[a-z0-9]+]]: memref<256x64xf32>)
// CHECK-DAG:     %[[R_UB:.+]] = arith.constant 256 : index
// CHECK-DAG:     %[[R_STEP:.+]] = arith.constant 64 : index
// The group size is computed from the loop's bounds (canonicalize folds it to 4).
// CHECK:         %[[R_N:.+]] = arith.divui %[[R_UB]], %[[R_STEP]] : index
// CHECK:         %[[R_G:.+]] = async.create_group %[[R_N]] : !async.group
// CHECK:         scf.for %[[R_I:.+]] = %{{.+}} to %[[R_UB]] step %[[R_STEP]] {
// CHECK-NEXT:      %[[R_T:.+]] = async.execute {
// CHECK-NEXT:        %[[R_S:.+]] = memref.subview %[[R_IN]][%[[R_I]], 0] [64, 64] [1, 1]
// CHECK-NEXT:        %[[R_D:.+]] = memref.subview %[[R_OUT]][%[[R_I]], 0] [64, 64] [1, 1]
// CHECK-NEXT:        memref.copy %[[R_S]], %[[R_D]]
// CHECK-NEXT:        async.yield
// CHECK-NEXT:      }
// CHECK-NEXT:      async.add_to_group %[[R_T]], %[[R_G]] : !async.token
// CHECK-NEXT:    }
// CHECK-NEXT:    async.await_all %[[R_G]]
// CHECK-NOT:     scf.forall
// CHECK:         return

// The result is what upstream's async lowering expects.
// RT-LABEL: func.func @rows(
// RT:         async.runtime.create_group
// RT:         async.runtime.add_to_group
// RT:         async.runtime.await
func.func @rows(%in: memref<256x64xf32>, %out: memref<256x64xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  scf.forall (%i) = (0) to (256) step (64) {
    %s = memref.subview %in[%i, 0] [64, 64] [1, 1] : memref<256x64xf32> to memref<64x64xf32, strided<[64, 1], offset: ?>>
    %d = memref.subview %out[%i, 0] [64, 64] [1, 1] : memref<256x64xf32> to memref<64x64xf32, strided<[64, 1], offset: ?>>
    memref.copy %s, %d : memref<64x64xf32, strided<[64, 1], offset: ?>> to memref<64x64xf32, strided<[64, 1], offset: ?>>
  }
  return
}

// Dynamic bounds: the group size is ceildiv(ub - lb, step).
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME:    %[[D_N:[a-z0-9]+]]: index, %[[D_STEP:[a-z0-9]+]]: index
// CHECK:         %[[D_LEN:.+]] = arith.subi %[[D_N]], %{{.+}} : index
// CHECK:         %[[D_CNT:.+]] = arith.ceildivsi %[[D_LEN]], %[[D_STEP]] : index
// CHECK:         %[[D_G:.+]] = async.create_group %[[D_CNT]] : !async.group
// CHECK:         scf.for %{{.+}} = %{{.+}} to %[[D_N]] step %[[D_STEP]] {
// CHECK:           async.execute {
// CHECK:             memref.store
// CHECK:           async.add_to_group %{{.+}}, %[[D_G]]
// CHECK:         async.await_all %[[D_G]]
func.func @dynamic(%n: index, %step: index, %buf: memref<?xf32>) {
  %one = arith.constant 1.0 : f32
  scf.forall (%i) = (0) to (%n) step (%step) {
    memref.store %one, %buf[%i] : memref<?xf32>
  }
  return
}

// Left alone: a forall on tensors (not bufferized yet) and a 2-D forall.
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT:     async.
// CHECK:         scf.forall (%{{.+}}) in (4) shared_outs
// CHECK:         scf.forall (%{{.+}}, %{{.+}}) in (16, 16)
// CHECK-NOT:     async.
// CHECK:         return
func.func @left_alone(%t: tensor<256xf32>, %m: memref<16x16xf32>) -> tensor<256xf32> {
  %one = arith.constant 1.0 : f32
  %r = scf.forall (%i) in (4) shared_outs(%o = %t) -> (tensor<256xf32>) {
    %off = affine.apply affine_map<(d0) -> (d0 * 64)>(%i)
    %s = tensor.extract_slice %o[%off] [64] [1] : tensor<256xf32> to tensor<64xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %s into %o[%off] [64] [1] : tensor<64xf32> into tensor<256xf32>
    }
  }
  scf.forall (%i, %j) in (16, 16) {
    memref.store %one, %m[%i, %j] : memref<16x16xf32>
  }
  return %r : tensor<256xf32>
}
