// RUN: hexopt run -p 'builtin.module(approximate-vector-math)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(approximate-vector-math{scalars=true})' %s | filecheck %s --check-prefix=SCALAR

// exp2 on vector<32xf32>: clamp to [-151, 128] (so -1e14 gives 0), n = round(x) by the 1.5 * 2^23 trick
// (those two ops are marked so that fast-math leaves them exact), a degree-6 polynomial in f = x - n,
// and 2^n built in the exponent field as two factors. No math op is left.
// CHECK-LABEL: func.func @exp2_vector(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: vector<32xf32>
// CHECK-NOT:     math.
// CHECK:         %[[LO:.+]] = arith.constant dense<-1.510000e+02> : vector<32xf32>
// CHECK:         %[[MAXED:.+]] = arith.maximumf %[[X]], %[[LO]] fastmath<fast> : vector<32xf32>
// CHECK:         %[[HI:.+]] = arith.constant dense<1.280000e+02> : vector<32xf32>
// CHECK:         %[[XC:.+]] = arith.minimumf %[[MAXED]], %[[HI]] fastmath<fast> : vector<32xf32>
// CHECK:         %[[MAGIC:.+]] = arith.constant dense<0x4B400000> : vector<32xf32>
// CHECK:         %[[T:.+]] = arith.addf %[[XC]], %[[MAGIC]] {hexopt.exact_fp} : vector<32xf32>
// CHECK:         %[[NF:.+]] = arith.subf %[[T]], %[[MAGIC]] {hexopt.exact_fp} : vector<32xf32>
// CHECK:         %[[TI:.+]] = arith.bitcast %[[T]] : vector<32xf32> to vector<32xi32>
// CHECK:         %[[MI:.+]] = arith.bitcast %[[MAGIC]] : vector<32xf32> to vector<32xi32>
// CHECK:         %[[N:.+]] = arith.subi %[[TI]], %[[MI]] : vector<32xi32>
// CHECK:         %[[F:.+]] = arith.subf %[[XC]], %[[NF]] fastmath<fast> : vector<32xf32>
// CHECK-COUNT-6: arith.mulf %{{.+}}, %[[F]] fastmath<fast> : vector<32xf32>
// CHECK:         %[[P:.+]] = arith.addf %{{.+}}, %{{.+}} fastmath<fast> : vector<32xf32>
// CHECK:         %[[N1:.+]] = arith.shrsi %[[N]], %{{.+}} : vector<32xi32>
// CHECK:         %[[N2:.+]] = arith.subi %[[N]], %[[N1]] : vector<32xi32>
// CHECK:         %[[E1:.+]] = arith.addi %[[N1]], %{{.+}} : vector<32xi32>
// CHECK:         %[[B1:.+]] = arith.shli %[[E1]], %{{.+}} : vector<32xi32>
// CHECK:         %[[S1:.+]] = arith.bitcast %[[B1]] : vector<32xi32> to vector<32xf32>
// CHECK:         %[[E2:.+]] = arith.addi %[[N2]], %{{.+}} : vector<32xi32>
// CHECK:         %[[B2:.+]] = arith.shli %[[E2]], %{{.+}} : vector<32xi32>
// CHECK:         %[[S2:.+]] = arith.bitcast %[[B2]] : vector<32xi32> to vector<32xf32>
// CHECK:         %[[PS:.+]] = arith.mulf %[[P]], %[[S1]] {hexopt.exact_fp} : vector<32xf32>
// CHECK:         %[[R:.+]] = arith.mulf %[[PS]], %[[S2]] {hexopt.exact_fp} : vector<32xf32>
// CHECK-NOT:     math.
// CHECK:         return %[[R]]
func.func @exp2_vector(%x: vector<32xf32>) -> vector<32xf32> {
  %0 = math.exp2 %x fastmath<fast> : vector<32xf32>
  return %0 : vector<32xf32>
}

// exp: n = round(x * log2 e), reduced argument x - n * ln2 in two exact parts (Cody-Waite).
// CHECK-LABEL: func.func @exp_vector(
// CHECK-NOT:     math.exp
// CHECK:         arith.constant dense<1.44269502> : vector<32xf32>
// CHECK:         arith.constant dense<0.693359375> : vector<32xf32>
// CHECK:         arith.constant dense<-2.12194442E-4> : vector<32xf32>
// CHECK:         arith.shli
// CHECK-NOT:     math.exp
// CHECK:         return
func.func @exp_vector(%x: vector<32xf32>) -> vector<32xf32> {
  %0 = math.exp %x : vector<32xf32>
  return %0 : vector<32xf32>
}

// Left alone by default: scalar f32 (a libm call is fine) and f16 vectors.
// CHECK-LABEL: func.func @left_alone(
// CHECK:         math.exp2 %{{.+}} : f32
// CHECK:         math.exp2 %{{.+}} : vector<64xf16>
// SCALAR-LABEL: func.func @left_alone(
// SCALAR-NOT:    math.exp2 %{{.+}} : f32
// SCALAR:        arith.shli %{{.+}} : i32
// SCALAR:        math.exp2 %{{.+}} : vector<64xf16>
func.func @left_alone(%a: f32, %h: vector<64xf16>) -> (f32, vector<64xf16>) {
  %0 = math.exp2 %a : f32
  %1 = math.exp2 %h : vector<64xf16>
  return %0, %1 : f32, vector<64xf16>
}
