// RUN: hexopt run -p 'builtin.module(form-row-threads{num-threads=4 min-work=0})' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(form-row-threads{num-threads=4})' %s | filecheck %s --check-prefix=WORK
// RUN: hexopt run -p 'builtin.module(form-row-threads{num-threads=3 min-work=0})' %s | filecheck %s --check-prefix=THREE
// RUN: hexopt run -p 'builtin.module(form-row-threads{num-threads=1 max-rows=4 min-work=0})' %s | filecheck %s --check-prefix=SEQ
// RUN: hexopt run -p 'builtin.module(form-row-threads{num-threads=2 max-rows=2 min-work=0})' %s | filecheck %s --check-prefix=MAX
// With strict, each refused function (one chunk at a time) fails with its reason:
// RUN: %python -c "import sys; print(open(sys.argv[1]).read().split('\n// -----\n')[int(sys.argv[2])])" %s 2 | not hexopt run -p 'builtin.module(form-row-threads{min-work=0 strict=true})' - 2>&1 | filecheck %s --check-prefix=ERR2
// RUN: %python -c "import sys; print(open(sys.argv[1]).read().split('\n// -----\n')[int(sys.argv[2])])" %s 3 | not hexopt run -p 'builtin.module(form-row-threads{min-work=0 strict=true})' - 2>&1 | filecheck %s --check-prefix=ERR3
// RUN: %python -c "import sys; print(open(sys.argv[1]).read().split('\n// -----\n')[int(sys.argv[2])])" %s 4 | not hexopt run -p 'builtin.module(form-row-threads{min-work=0 strict=true})' - 2>&1 | filecheck %s --check-prefix=ERR4
// RUN: %python -c "import sys; print(open(sys.argv[1]).read().split('\n// -----\n')[int(sys.argv[2])])" %s 5 | not hexopt run -p 'builtin.module(form-row-threads{min-work=0 strict=true})' - 2>&1 | filecheck %s --check-prefix=ERR5
// RUN: %python -c "import sys; print(open(sys.argv[1]).read().split('\n// -----\n')[int(sys.argv[2])])" %s 6 | not hexopt run -p 'builtin.module(form-row-threads{min-work=0 strict=true})' - 2>&1 | filecheck %s --check-prefix=ERR6
// RUN: %python -c "import sys; print(open(sys.argv[1]).read().split('\n// -----\n')[int(sys.argv[2])])" %s 7 | not hexopt run -p 'builtin.module(form-row-threads{min-work=0 strict=true})' - 2>&1 | filecheck %s --check-prefix=ERR7
// RUN: %python -c "import sys; print(open(sys.argv[1]).read().split('\n// -----\n')[int(sys.argv[2])])" %s 8 | not hexopt run -p 'builtin.module(form-row-threads{min-work=0 strict=true})' - 2>&1 | filecheck %s --check-prefix=ERR8
// RUN: %python -c "import sys; print(open(sys.argv[1]).read().split('\n// -----\n')[int(sys.argv[2])])" %s 9 | not hexopt run -p 'builtin.module(form-row-threads{min-work=0 strict=true})' - 2>&1 | filecheck %s --check-prefix=ERR9

// An online-softmax loop in the shape of flash attention: 8 rows of Q, 4 KV blocks of 16 keys read
// inside the loop (row-invariant), acc and the row max carried by the loop, one store at the end.
// Every thread runs the whole loop for its 2 rows.

#id2_0 = affine_map<(d0, d1) -> (d0, d1)>
#row2_0 = affine_map<(d0, d1) -> (d0)>
#bc2_0 = affine_map<(d0, d1) -> (d0, 0)>
#qa_0 = affine_map<(d0, d1, d2) -> (d0, d1)>
#qb_0 = affine_map<(d0, d1, d2) -> (d1, d2)>
#qc_0 = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @online(
// CHECK-SAME:    %[[Q:[^:]*]]: memref<*xf32>, %[[K:[^:]*]]: memref<*xf32>, %[[OUT:[^:]*]]: memref<*xf32>
// CHECK-NEXT:    scf.forall (%[[R:.*]]) = (0) to (8) step (2) {
// CHECK:           %[[QV:.*]] = memref.reinterpret_cast %[[Q]]
// CHECK:           %[[QT:.*]] = bufferization.to_tensor %[[QV]] restrict : memref<8x16xf32{{.*}}> to tensor<8x16xf32>
// CHECK:           %[[QS:.*]] = tensor.extract_slice %[[QT]][%[[R]], 0] [2, 16] [1, 1] : tensor<8x16xf32> to tensor<2x16xf32>
// CHECK:           %{{.*}}:2 = scf.for {{.*}} -> (tensor<2x16xf32>, tensor<2xf32>) {
// The KV block is read whole by every thread.
// CHECK:             bufferization.to_tensor {{.*}} to tensor<16x16xf32>
// CHECK-NOT:         tensor.extract_slice
// CHECK:             linalg.generic {{.*}} ins(%[[QS]], %{{.*}} : tensor<2x16xf32>, tensor<16x16xf32>) outs(%{{.*}} : tensor<2x16xf32>)
// CHECK:             linalg.generic {{.*}} ins(%{{.*}} : tensor<2x16xf32>) outs(%{{.*}} : tensor<2xf32>)
// CHECK:             tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [2, 1] : tensor<2xf32> into tensor<2x1xf32>
// CHECK:             scf.yield {{.*}} : tensor<2x16xf32>, tensor<2xf32>
// CHECK:           %[[OV:.*]] = memref.reinterpret_cast %[[OUT]]
// CHECK:           %[[SUB:.*]] = memref.subview %[[OV]][%[[R]], 0] [2, 16] [1, 1] : memref<8x16xf32, strided<[16, 1], offset: ?>> to memref<2x16xf32, strided<[16, 1], offset: ?>>
// CHECK:           bufferization.materialize_in_destination %{{.*}} in writable %[[SUB]] : (tensor<2x16xf32>, memref<2x16xf32, strided<[16, 1], offset: ?>>) -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    return
// THREE-LABEL: func.func @online(
// THREE:         scf.forall (%{{.*}}) = (0) to (8) step (4)
// One thread, blocks of at most 4 rows (row locality): 2 blocks.
// SEQ-LABEL: func.func @online(
// SEQ:         scf.forall (%{{.*}}) = (0) to (8) step (4)
// Two threads, blocks of at most 2 rows: 4 blocks, more than threads.
// MAX-LABEL: func.func @online(
// MAX:         scf.forall (%{{.*}}) = (0) to (8) step (2)
func.func @online(%q: memref<*xf32>, %k: memref<*xf32>, %out: memref<*xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %qv = memref.reinterpret_cast %q to offset: [0], sizes: [8, 16], strides: [16, 1] : memref<*xf32> to memref<8x16xf32, strided<[16, 1]>>
  %qt = bufferization.to_tensor %qv restrict : memref<8x16xf32, strided<[16, 1]>> to tensor<8x16xf32>
  %e2 = tensor.empty() : tensor<8x16xf32>
  %acc0 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %e1 = tensor.empty() : tensor<8xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  %res:2 = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %acc0, %m = %m0) -> (tensor<8x16xf32>, tensor<8xf32>) {
    %off = arith.muli %i, %c4 : index
    %kv = memref.reinterpret_cast %k to offset: [%off], sizes: [16, 16], strides: [16, 1] : memref<*xf32> to memref<16x16xf32, strided<[16, 1], offset: ?>>
    %kt = bufferization.to_tensor %kv restrict : memref<16x16xf32, strided<[16, 1], offset: ?>> to tensor<16x16xf32>
    %s = linalg.generic {indexing_maps = [#qa_0, #qb_0, #qc_0], iterator_types = ["parallel", "reduction", "parallel"]}
        ins(%qt, %kt : tensor<8x16xf32>, tensor<16x16xf32>) outs(%acc0 : tensor<8x16xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %p = arith.mulf %a, %b : f32
      %t = arith.addf %o, %p : f32
      linalg.yield %t : f32
    } -> tensor<8x16xf32>
    %mx = linalg.generic {indexing_maps = [#id2_0, #row2_0], iterator_types = ["parallel", "reduction"]}
        ins(%s : tensor<8x16xf32>) outs(%m : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %t = arith.maxnumf %a, %o : f32
      linalg.yield %t : f32
    } -> tensor<8xf32>
    %mx2 = tensor.expand_shape %mx [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
    %acc2 = linalg.generic {indexing_maps = [#id2_0, #bc2_0, #id2_0], iterator_types = ["parallel", "parallel"]}
        ins(%s, %mx2 : tensor<8x16xf32>, tensor<8x1xf32>) outs(%acc : tensor<8x16xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %d = arith.subf %a, %b : f32
      %t = arith.addf %o, %d : f32
      linalg.yield %t : f32
    } -> tensor<8x16xf32>
    scf.yield %acc2, %mx : tensor<8x16xf32>, tensor<8xf32>
  }
  %ov = memref.reinterpret_cast %out to offset: [0], sizes: [8, 16], strides: [16, 1] : memref<*xf32> to memref<8x16xf32, strided<[16, 1], offset: ?>>
  bufferization.materialize_in_destination %res#0 in writable %ov : (tensor<8x16xf32>, memref<8x16xf32, strided<[16, 1], offset: ?>>) -> ()
  return
}

// -----

// A value read transposed: out[i, j] = x[j, i] + 1. The thread's rows of out are columns of x, so x is
// sliced along its dimension 1.
#id2_1 = affine_map<(d0, d1) -> (d0, d1)>
#tr2_1 = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-LABEL: func.func @transposed_read(
// CHECK:         scf.forall (%[[R:.*]]) = (0) to (8) step (2) {
// CHECK:           tensor.extract_slice %{{.*}}[0, %[[R]]] [8, 2] [1, 1] : tensor<8x8xf32> to tensor<8x2xf32>
// CHECK:           linalg.generic {{.*}} ins(%{{.*}} : tensor<8x2xf32>) outs(%{{.*}} : tensor<2x8xf32>)
func.func @transposed_read(%x: memref<8x8xf32>, %out: memref<8x8xf32>) {
  %one = arith.constant 1.0 : f32
  %xt = bufferization.to_tensor %x restrict : memref<8x8xf32> to tensor<8x8xf32>
  %e = tensor.empty() : tensor<8x8xf32>
  %r = linalg.generic {indexing_maps = [#tr2_1, #id2_1], iterator_types = ["parallel", "parallel"]}
      ins(%xt : tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.addf %a, %one : f32
    linalg.yield %t : f32
  } -> tensor<8x8xf32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<8x8xf32>, memref<8x8xf32>) -> ()
  return
}

// -----

// Refused: a reduction across rows (each column centred on its sum). The function is left as it was.
#id2_2 = affine_map<(d0, d1) -> (d0, d1)>
#col2_2 = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @column_sum(
// CHECK-NOT:     scf.forall
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["reduction", "parallel"]
// ERR2: error: cannot thread by rows: a reduction across rows
func.func @column_sum(%x: memref<8x16xf32>, %out: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %xt = bufferization.to_tensor %x restrict : memref<8x16xf32> to tensor<8x16xf32>
  %e = tensor.empty() : tensor<16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<16xf32>) -> tensor<16xf32>
  %cols = linalg.generic {indexing_maps = [#id2_2, #col2_2], iterator_types = ["reduction", "parallel"]}
      ins(%xt : tensor<8x16xf32>) outs(%z : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.addf %a, %o : f32
    linalg.yield %t : f32
  } -> tensor<16xf32>
  %e2 = tensor.empty() : tensor<8x16xf32>
  %r = linalg.generic {indexing_maps = [#id2_2, #col2_2, #id2_2], iterator_types = ["parallel", "parallel"]}
      ins(%xt, %cols : tensor<8x16xf32>, tensor<16xf32>) outs(%e2 : tensor<8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %t = arith.subf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<8x16xf32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<8x16xf32>, memref<8x16xf32>) -> ()
  return
}

// -----

// Refused: a loop-carried column accumulator (not row-partitioned) summed over the rows.
#id2_3 = affine_map<(d0, d1) -> (d0, d1)>
#col2_3 = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @carried_column_sums(
// CHECK-NOT:     scf.forall
// ERR3: error: cannot thread by rows: a reduction across rows
func.func @carried_column_sums(%x: memref<8x16xf32>, %out: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %xt = bufferization.to_tensor %x restrict : memref<8x16xf32> to tensor<8x16xf32>
  %e = tensor.empty() : tensor<16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<16xf32>) -> tensor<16xf32>
  %cols = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %z) -> (tensor<16xf32>) {
    %s = linalg.generic {indexing_maps = [#id2_3, #col2_3], iterator_types = ["reduction", "parallel"]}
        ins(%xt : tensor<8x16xf32>) outs(%acc : tensor<16xf32>) {
    ^bb0(%a: f32, %o: f32):
      %t = arith.addf %a, %o : f32
      linalg.yield %t : f32
    } -> tensor<16xf32>
    scf.yield %s : tensor<16xf32>
  }
  %e2 = tensor.empty() : tensor<8x16xf32>
  %r = linalg.generic {indexing_maps = [#id2_3, #col2_3, #id2_3], iterator_types = ["parallel", "parallel"]}
      ins(%xt, %cols : tensor<8x16xf32>, tensor<16xf32>) outs(%e2 : tensor<8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %t = arith.subf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<8x16xf32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<8x16xf32>, memref<8x16xf32>) -> ()
  return
}

// -----

// Refused: a row-indexed value read by every row (x[0, j] broadcast down the rows).
#id2_4 = affine_map<(d0, d1) -> (d0, d1)>
#first_4 = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @first_row_broadcast(
// CHECK-NOT:     scf.forall
// ERR4: error: cannot thread by rows: a row-indexed value is read by every row (a broadcast across rows)
func.func @first_row_broadcast(%x: memref<8x16xf32>, %out: memref<8x16xf32>) {
  %xt = bufferization.to_tensor %x restrict : memref<8x16xf32> to tensor<8x16xf32>
  %e = tensor.empty() : tensor<8x16xf32>
  %r = linalg.generic {indexing_maps = [#id2_4, #first_4, #id2_4], iterator_types = ["parallel", "parallel"]}
      ins(%xt, %xt : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %t = arith.subf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<8x16xf32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<8x16xf32>, memref<8x16xf32>) -> ()
  return
}

// -----

// Refused: a row read through a computed index (row i reads row i + 1 of a 9-row input).
#shift_5 = affine_map<(d0, d1) -> (d0 + 1, d1)>
#id2_5 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @shifted_rows(
// CHECK-NOT:     scf.forall
// ERR5: error: cannot thread by rows: a generic indexes the rows with an expression (another row is read)
func.func @shifted_rows(%x: memref<9x16xf32>, %out: memref<8x16xf32>) {
  %xt = bufferization.to_tensor %x restrict : memref<9x16xf32> to tensor<9x16xf32>
  %e = tensor.empty() : tensor<8x16xf32>
  %r = linalg.generic {indexing_maps = [#shift_5, #id2_5], iterator_types = ["parallel", "parallel"]}
      ins(%xt : tensor<9x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<8x16xf32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<8x16xf32>, memref<8x16xf32>) -> ()
  return
}

// -----

// Refused: a scalar read out of a row-indexed tensor (the loop would carry a value of one row).
#id2_6 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @scalar_of_a_row(
// CHECK-NOT:     scf.forall
// ERR6: error: cannot thread by rows: 'tensor.extract' on a row-indexed value
func.func @scalar_of_a_row(%x: memref<8x16xf32>, %out: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %xt = bufferization.to_tensor %x restrict : memref<8x16xf32> to tensor<8x16xf32>
  %s = tensor.extract %xt[%c0, %c0] : tensor<8x16xf32>
  %e = tensor.empty() : tensor<8x16xf32>
  %r = linalg.generic {indexing_maps = [#id2_6, #id2_6], iterator_types = ["parallel", "parallel"]}
      ins(%xt : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.mulf %a, %s : f32
    linalg.yield %t : f32
  } -> tensor<8x16xf32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<8x16xf32>, memref<8x16xf32>) -> ()
  return
}

// -----

// Refused: a side effect that every thread would repeat.
#id2_7 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @side_effect(
// CHECK-NOT:     scf.forall
// ERR7: error: cannot thread by rows: 'memref.store' may have side effects that every thread would repeat
func.func @side_effect(%x: memref<8x16xf32>, %out: memref<8x16xf32>, %flag: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  memref.store %one, %flag[%c0] : memref<1xf32>
  %xt = bufferization.to_tensor %x restrict : memref<8x16xf32> to tensor<8x16xf32>
  %e = tensor.empty() : tensor<8x16xf32>
  %r = linalg.generic {indexing_maps = [#id2_7, #id2_7], iterator_types = ["parallel", "parallel"]}
      ins(%xt : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.mulf %a, %a : f32
    linalg.yield %t : f32
  } -> tensor<8x16xf32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<8x16xf32>, memref<8x16xf32>) -> ()
  return
}

// -----

// Refused: the body reads the row index.
#id2_8 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @row_index(
// CHECK-NOT:     scf.forall
// ERR8: error: cannot thread by rows: a generic's body reads the row index (linalg.index)
func.func @row_index(%out: memref<8x16xf32>) {
  %e = tensor.empty() : tensor<8x16xf32>
  %r = linalg.generic {indexing_maps = [#id2_8], iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<8x16xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %c = arith.index_cast %i : index to i32
    %f = arith.sitofp %c : i32 to f32
    linalg.yield %f : f32
  } -> tensor<8x16xf32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<8x16xf32>, memref<8x16xf32>) -> ()
  return
}

// -----

// Refused: a function that returns its result instead of storing it.
// CHECK-LABEL: func.func @returns(
// CHECK-NOT:     scf.forall
// ERR9: error: cannot thread by rows: no result stored with bufferization.materialize_in_destination
func.func @returns(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  return %x : tensor<8x16xf32>
}

// -----

// Refused with the default min-work: 8 x 16 elements are not worth a task each.
#id2_10 = affine_map<(d0, d1) -> (d0, d1)>
// WORK-LABEL: func.func @small(
// WORK-NOT:     scf.forall
// CHECK-LABEL: func.func @small(
// CHECK:         scf.forall
// ERR10-NOT: error: cannot thread by rows
func.func @small(%x: memref<8x16xf32>, %out: memref<8x16xf32>) {
  %xt = bufferization.to_tensor %x restrict : memref<8x16xf32> to tensor<8x16xf32>
  %e = tensor.empty() : tensor<8x16xf32>
  %r = linalg.generic {indexing_maps = [#id2_10, #id2_10], iterator_types = ["parallel", "parallel"]}
      ins(%xt : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.mulf %a, %a : f32
    linalg.yield %t : f32
  } -> tensor<8x16xf32>
  bufferization.materialize_in_destination %r in writable %out : (tensor<8x16xf32>, memref<8x16xf32>) -> ()
  return
}
