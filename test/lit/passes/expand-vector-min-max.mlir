// RUN: hexopt run -p 'builtin.module(expand-vector-min-max)' %s | filecheck %s

// With nnan (fast), maxnumf/minnumf become maximumf/minimumf (LLVM lowers those to vmax/vmin; it
// scalarizes llvm.maxnum), keeping the flags; maximumf stays.
// CHECK-LABEL: func.func @fast(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: vector<32xf32>, %[[B:[a-z0-9]+]]: vector<32xf32>, %[[H:[a-z0-9]+]]: vector<64xf16>
// CHECK-NEXT:    %[[MAX:.+]] = arith.maximumf %[[A]], %[[B]] fastmath<fast> : vector<32xf32>
// CHECK-NEXT:    %[[MIN:.+]] = arith.minimumf %[[A]], %[[B]] fastmath<nnan,nsz> : vector<32xf32>
// CHECK-NEXT:    %[[MAXI:.+]] = arith.maximumf %[[A]], %[[B]] fastmath<fast> : vector<32xf32>
// CHECK-NEXT:    %[[H16:.+]] = arith.maximumf %[[H]], %[[H]] fastmath<fast> : vector<64xf16>
// CHECK-NEXT:    return %[[MAX]], %[[MIN]], %[[MAXI]], %[[H16]]
func.func @fast(%a: vector<32xf32>, %b: vector<32xf32>, %h: vector<64xf16>) -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<64xf16>) {
  %0 = arith.maxnumf %a, %b fastmath<fast> : vector<32xf32>
  %1 = arith.minnumf %a, %b fastmath<nnan,nsz> : vector<32xf32>
  %2 = arith.maximumf %a, %b fastmath<fast> : vector<32xf32>
  %3 = arith.maxnumf %h, %h fastmath<fast> : vector<64xf16>
  return %0, %1, %2, %3 : vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<64xf16>
}

// Without nnan: compare + select, NaNs decided on the bits (maxnumf returns the other operand).
// CHECK-LABEL: func.func @strict_maxnum(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: vector<32xf32>, %[[B:[a-z0-9]+]]: vector<32xf32>
// CHECK:         %[[GT:.+]] = arith.cmpf ogt, %[[A]], %[[B]] : vector<32xf32>
// CHECK:         %[[SEL:.+]] = arith.select %[[GT]], %[[A]], %[[B]] : vector<32xi1>, vector<32xf32>
// CHECK:         %[[BNAN:.+]] = arith.cmpi sgt, %{{.+}}, %{{.+}} : vector<32xi32>
// CHECK:         %[[R1:.+]] = arith.select %[[BNAN]], %[[A]], %[[SEL]]
// CHECK:         %[[ANAN:.+]] = arith.cmpi sgt, %{{.+}}, %{{.+}} : vector<32xi32>
// CHECK:         %[[R2:.+]] = arith.select %[[ANAN]], %[[B]], %[[R1]]
// CHECK-NOT:     arith.maxnumf
// CHECK:         return %[[R2]]
func.func @strict_maxnum(%a: vector<32xf32>, %b: vector<32xf32>) -> vector<32xf32> {
  %0 = arith.maxnumf %a, %b : vector<32xf32>
  return %0 : vector<32xf32>
}

// minimumf without flags: -0 < +0 by or-ing the bits of two zeros, a NaN operand is the result.
// CHECK-LABEL: func.func @strict_minimum(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: vector<32xf32>, %[[B:[a-z0-9]+]]: vector<32xf32>
// CHECK:         arith.cmpf olt, %[[A]], %[[B]] : vector<32xf32>
// CHECK:         arith.cmpi eq
// CHECK:         arith.ori
// CHECK:         arith.select %{{.+}}, %[[B]],
// CHECK:         %[[R:.+]] = arith.select %{{.+}}, %[[A]],
// CHECK-NOT:     arith.minimumf
// CHECK:         return %[[R]]
func.func @strict_minimum(%a: vector<32xf32>, %b: vector<32xf32>) -> vector<32xf32> {
  %0 = arith.minimumf %a, %b : vector<32xf32>
  return %0 : vector<32xf32>
}

// Fast maximumf reductions become maxnumf (a vmax tree instead of 31 scalar sfmax); scalars and
// strict reductions are left alone.
// CHECK-LABEL: func.func @reductions(
// CHECK:         vector.reduction <maxnumf>, %{{.+}} fastmath<fast> : vector<32xf32> into f32
// CHECK:         vector.reduction <minimumf>, %{{.+}} : vector<32xf32> into f32
// CHECK:         arith.maxnumf %{{.+}}, %{{.+}} fastmath<fast> : f32
func.func @reductions(%a: vector<32xf32>, %s: f32) -> (f32, f32, f32) {
  %0 = vector.reduction <maximumf>, %a fastmath<fast> : vector<32xf32> into f32
  %1 = vector.reduction <minimumf>, %a : vector<32xf32> into f32
  %2 = arith.maxnumf %s, %s fastmath<fast> : f32
  return %0, %1, %2 : f32, f32, f32
}
