// RUN: hexopt run -p 'builtin.module(widen-bool-tensors)' %s | filecheck %s
// RUN: hexopt run hexagon --set fusion=false %S/Inputs/where-mask.mlir | filecheck %s --check-prefix=LLVM
// RUN: not hexopt run -p 'builtin.module(widen-bool-tensors)' %S/Inputs/bool-tensor-arith.mlir 2>&1 | filecheck %s --check-prefix=ARITH
// RUN: not hexopt run -p 'builtin.module(widen-bool-tensors)' %S/Inputs/bool-tensor-signature.mlir 2>&1 | filecheck %s --check-prefix=SIG

#id = affine_map<(d0, d1) -> (d0, d1)>

// A mask computed by one generic and read by another: the mask tensor is i8; the producer yields
// extui of the i1, the consumer truncates the byte back to i1.
// CHECK-LABEL: func.func @where(
// CHECK:       %[[W_E:.+]] = tensor.empty() : tensor<64x64xi8>
// CHECK:       %[[W_M:.+]] = linalg.generic
// CHECK-SAME:    outs(%[[W_E]] : tensor<64x64xi8>)
// CHECK-NEXT:  ^bb0(%{{.+}}: f32, %{{.+}}: f32, %{{.+}}: i8):
// CHECK-NEXT:    %[[W_C:.+]] = arith.cmpf olt
// CHECK-NEXT:    %[[W_X:.+]] = arith.extui %[[W_C]] : i1 to i8
// CHECK-NEXT:    linalg.yield %[[W_X]] : i8
// CHECK-NEXT:  } -> tensor<64x64xi8>
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%[[W_M]], %{{.+}}, %{{.+}} : tensor<64x64xi8>, tensor<64x64xf32>, tensor<64x64xf32>)
// CHECK-NEXT:  ^bb0(%[[W_IN:[^:]+]]: i8,
// CHECK-NEXT:    %[[W_T:.+]] = arith.trunci %[[W_IN]] : i8 to i1
// CHECK-NEXT:    arith.select %[[W_T]]
func.func @where(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %e = tensor.empty() : tensor<64x64xi1>
  %m = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<64x64xf32>, tensor<64x64xf32>) outs(%e : tensor<64x64xi1>) {
  ^bb0(%a: f32, %b: f32, %o: i1):
    %c = arith.cmpf olt, %a, %b : f32
    linalg.yield %c : i1
  } -> tensor<64x64xi1>
  %e2 = tensor.empty() : tensor<64x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %x, %y : tensor<64x64xi1>, tensor<64x64xf32>, tensor<64x64xf32>) outs(%e2 : tensor<64x64xf32>) {
  ^bb0(%c: i1, %a: f32, %b: f32, %o: f32):
    %s = arith.select %c, %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}

// A filled mask, a slice of it and a scalar read: the fill value is widened, the slice only changes
// type, the extracted byte is truncated; a mask that a generic reads and updates (its init) is
// truncated on entry and widened on yield.
// CHECK-LABEL: func.func @fill_slice_extract(
// CHECK:       %[[F_T:.+]] = arith.constant true
// CHECK:       %[[F_X:.+]] = arith.extui %[[F_T]] : i1 to i8
// CHECK:       %[[F_F:.+]] = linalg.fill ins(%[[F_X]] : i8) outs(%{{.+}} : tensor<8x32xi8>) -> tensor<8x32xi8>
// CHECK:       linalg.generic
// CHECK-SAME:    outs(%[[F_F]] : tensor<8x32xi8>)
// CHECK-NEXT:  ^bb0(%{{.+}}: f32, %[[F_OUT:[^:]+]]: i8):
// CHECK-NEXT:    %[[F_OLD:.+]] = arith.trunci %[[F_OUT]] : i8 to i1
// CHECK:         %[[F_AND:.+]] = arith.andi %{{.+}}, %[[F_OLD]] : i1
// CHECK-NEXT:    %[[F_Y:.+]] = arith.extui %[[F_AND]] : i1 to i8
// CHECK-NEXT:    linalg.yield %[[F_Y]] : i8
// CHECK:       tensor.extract_slice %{{.+}}[0, 0] [1, 32] [1, 1] : tensor<8x32xi8> to tensor<1x32xi8>
// CHECK:       %[[F_B:.+]] = tensor.extract %{{.+}}[%{{.+}}, %{{.+}}] : tensor<1x32xi8>
// CHECK-NEXT:  %[[F_BT:.+]] = arith.trunci %[[F_B]] : i8 to i1
// CHECK:       arith.select %[[F_BT]]
func.func @fill_slice_extract(%x: tensor<8x32xf32>) -> f32 {
  %true = arith.constant true
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<8x32xi1>
  %f = linalg.fill ins(%true : i1) outs(%e : tensor<8x32xi1>) -> tensor<8x32xi1>
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x32xf32>) outs(%f : tensor<8x32xi1>) {
  ^bb0(%a: f32, %o: i1):
    %c = arith.cmpf ogt, %a, %zero : f32
    %both = arith.andi %c, %o : i1
    linalg.yield %both : i1
  } -> tensor<8x32xi1>
  %s = tensor.extract_slice %m[0, 0] [1, 32] [1, 1] : tensor<8x32xi1> to tensor<1x32xi1>
  %b = tensor.extract %s[%c0, %c0] : tensor<1x32xi1>
  %r = arith.select %b, %one, %zero : f32
  return %r : f32
}

// Constant masks become i8 constants (a load of i1 aborts the lowering as a store does).
// CHECK-LABEL: func.func @constant_masks(
// CHECK-DAG:   arith.constant dense<[1, 0, 1, 1]> : tensor<4xi8>
// CHECK-DAG:   arith.constant dense<1> : tensor<4xi8>
func.func @constant_masks(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %m = arith.constant dense<[true, false, true, true]> : tensor<4xi1>
  %all = arith.constant dense<true> : tensor<4xi1>
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%m, %x, %y : tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%c: i1, %a: f32, %b: f32, %o: f32):
    %s = arith.select %c, %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %r2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%all, %x, %y : tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%c: i1, %a: f32, %b: f32, %o: f32):
    %s = arith.select %c, %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r, %r2 : tensor<4xf32>, tensor<4xf32>
}

// The mask is a buffer here (fusion off) and still lowers to the LLVM dialect: it is stored as i8 (whole
// vectors of 128 i8: flatten-elementwise makes each 64 x 64 op one loop of 4096 elements).
// LLVM-LABEL: llvm.func @where
// LLVM:       %[[L_Z:.+]] = llvm.zext %{{.+}} : vector<128xi1> to vector<128xi8>
// LLVM:       llvm.store %[[L_Z]], %{{.+}} : vector<128xi8>, !llvm.ptr
// LLVM:       %[[L_B:.+]] = llvm.load %{{.+}} : !llvm.ptr -> vector<128xi8>
// LLVM:       %[[L_T:.+]] = llvm.trunc %[[L_B]] : vector<128xi8> to vector<128xi1>
// LLVM:       llvm.select %[[L_T]]

// Arithmetic on whole i1 tensors is not lowered: a located error, not an abort.
// ARITH: bool-tensor-arith.mlir:2:8: error: unsupported: 'arith.cmpf' on a tensor of i1

// SIG: bool-tensor-signature.mlir:1:1: error: unsupported: a function taking or returning a tensor of i1
