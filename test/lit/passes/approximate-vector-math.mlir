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
// CHECK:         %[[PS:.+]] = arith.mulf %[[P]], %[[S1]] {hexopt.exact_fp} : vector<32xf32>
// CHECK:         %[[E2:.+]] = arith.addi %[[N2]], %{{.+}} : vector<32xi32>
// CHECK:         %[[B2:.+]] = arith.shli %[[E2]], %{{.+}} : vector<32xi32>
// CHECK:         %[[S2:.+]] = arith.bitcast %[[B2]] : vector<32xi32> to vector<32xf32>
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

// f16 is computed in f32: extended, expanded, truncated once with the op's flags.
// CHECK-LABEL: func.func @f16_through_f32(
// CHECK-SAME:    %[[H:[a-z0-9]+]]: vector<64xf16>
// CHECK:         %[[W:.+]] = arith.extf %[[H]] fastmath<fast> : vector<64xf16> to vector<64xf32>
// CHECK-NOT:     math.
// CHECK:         arith.maximumf %[[W]], %{{.+}} fastmath<fast> : vector<64xf32>
// CHECK:         %[[T:.+]] = arith.truncf %{{.+}} fastmath<fast> : vector<64xf32> to vector<64xf16>
// CHECK:         return %[[T]]
func.func @f16_through_f32(%h: vector<64xf16>) -> vector<64xf16> {
  %0 = math.exp2 %h fastmath<fast> : vector<64xf16>
  return %0 : vector<64xf16>
}

// Without fast-math the clamps are compare + select (a NaN passes through), not maximumf.
// CHECK-LABEL: func.func @exp2_strict(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: vector<32xf32>
// CHECK:         %[[LO:.+]] = arith.constant dense<-1.510000e+02> : vector<32xf32>
// CHECK:         %[[BELOW:.+]] = arith.cmpf olt, %[[X]], %[[LO]] : vector<32xf32>
// CHECK:         arith.select %[[BELOW]], %[[LO]], %[[X]] : vector<32xi1>, vector<32xf32>
// CHECK-NOT:     fastmath
// CHECK:         return
func.func @exp2_strict(%x: vector<32xf32>) -> vector<32xf32> {
  %0 = math.exp2 %x : vector<32xf32>
  return %0 : vector<32xf32>
}

// Left alone by default: scalar f32 (a libm call is fine) and f64. Scalar erf, which LLVM cannot lower,
// is always expanded.
// CHECK-LABEL: func.func @left_alone(
// CHECK:         math.exp2 %{{.+}} : f32
// CHECK:         math.exp2 %{{.+}} : vector<16xf64>
// CHECK-NOT:     math.erf
// CHECK:         arith.constant 7.80690316E-5 : f32
// CHECK-NOT:     math.erf
// CHECK:         return
// SCALAR-LABEL: func.func @left_alone(
// SCALAR-NOT:    math.exp2 %{{.+}} : f32
// SCALAR:        arith.shli %{{.+}} : i32
// SCALAR:        math.exp2 %{{.+}} : vector<16xf64>
func.func @left_alone(%a: f32, %d: vector<16xf64>) -> (f32, vector<16xf64>, f32) {
  %0 = math.exp2 %a : f32
  %1 = math.exp2 %d : vector<16xf64>
  %2 = math.erf %a : f32
  return %0, %1, %2 : f32, vector<16xf64>, f32
}

// expm1: the exp reduction, 2^(n-1) built in the exponent field, |x| < 2^-25 returns x.
// CHECK-LABEL: func.func @expm1_vector(
// CHECK-NOT:     math.
// CHECK:         arith.constant dense<-1.750000e+01> : vector<32xf32>
// CHECK:         arith.constant dense<0.693359375> : vector<32xf32>
// CHECK:         arith.constant dense<0.49999997> : vector<32xf32>
// CHECK:         arith.constant dense<5.000000e-01> : vector<32xf32>
// CHECK:         arith.constant dense<855638016> : vector<32xi32>
// CHECK-NOT:     math.
// CHECK:         return
func.func @expm1_vector(%x: vector<32xf32>) -> vector<32xf32> {
  %0 = math.expm1 %x fastmath<fast> : vector<32xf32>
  return %0 : vector<32xf32>
}

// log: subnormals scaled by 2^24, k from the bits minus bits(sqrt(1/2)) (0x3F3504F3), k as a float
// by the 1.5 * 2^23 trick (no sitofp), log1p polynomial, k * ln2 in two parts, special values from
// the bits (NaN for x < 0, -inf for +-0, x itself for +inf/NaN).
// CHECK-LABEL: func.func @log_vector(
// CHECK-NOT:     math.
// CHECK-NOT:     arith.sitofp
// CHECK:         %[[SQRTH:.+]] = arith.constant dense<1060439283> : vector<32xi32>
// CHECK:         %[[K0:.+]] = arith.subi %{{.+}}, %[[SQRTH]] : vector<32xi32>
// CHECK:         arith.shrsi %[[K0]], %{{.+}} : vector<32xi32>
// CHECK:         arith.constant dense<-0.0763643906> : vector<32xf32>
// CHECK:         arith.constant dense<0.693359375> : vector<32xf32>
// CHECK:         arith.constant dense<2143289344> : vector<32xi32>
// CHECK:         arith.constant dense<-8388608> : vector<32xi32>
// CHECK-NOT:     math.
// CHECK:         return
func.func @log_vector(%x: vector<32xf32>) -> vector<32xf32> {
  %0 = math.log %x fastmath<fast> : vector<32xf32>
  return %0 : vector<32xf32>
}

// log2, log10, log1p share the reduction.
// CHECK-LABEL: func.func @logs(
// CHECK-NOT:     math.
// CHECK:         arith.constant dense<1.44269502> : vector<32xf32>
// CHECK:         arith.constant dense<0.434294492> : vector<32xf32>
// CHECK:         arith.constant dense<0.301269531> : vector<32xf32>
// CHECK-NOT:     math.
// CHECK:         return
func.func @logs(%x: vector<32xf32>) -> (vector<32xf32>, vector<32xf32>, vector<32xf32>) {
  %0 = math.log2 %x fastmath<fast> : vector<32xf32>
  %1 = math.log10 %x fastmath<fast> : vector<32xf32>
  %2 = math.log1p %x fastmath<fast> : vector<32xf32>
  return %0, %1, %2 : vector<32xf32>, vector<32xf32>, vector<32xf32>
}

// tanh: polynomial below 0.75, 1 - 2 / (e^2a + 1) above (the reciprocal by the 0x7EF311C3 bit trick and
// three Newton steps), the sign bit of x put back. No division is left.
// CHECK-LABEL: func.func @tanh_vector(
// CHECK-NOT:     math.
// CHECK-NOT:     arith.divf
// CHECK:         arith.constant dense<-5.93017961E-4> : vector<32xf32>
// CHECK:         arith.constant dense<9.500000e+00> : vector<32xf32>
// CHECK:         arith.constant dense<2129859011> : vector<32xi32>
// CHECK-COUNT-3: arith.subf %{{.+}}, %{{.+}} fastmath<fast> : vector<32xf32>
// CHECK:         arith.constant dense<1061158912> : vector<32xi32>
// CHECK:         arith.ori
// CHECK-NOT:     math.
// CHECK:         return
func.func @tanh_vector(%x: vector<32xf32>) -> vector<32xf32> {
  %0 = math.tanh %x fastmath<fast> : vector<32xf32>
  return %0 : vector<32xf32>
}

// Triton's sigmoid, 1 / (1 + exp(0 - x)), is recognized as a whole: t = e^-|x|, s = 1/(1 + t), x < 0
// takes t * s. The subf, exp, addf and divf are gone.
// CHECK-LABEL: func.func @sigmoid(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: vector<32xf32>
// CHECK-NOT:     math.exp
// CHECK-NOT:     arith.divf
// CHECK:         %[[XB:.+]] = arith.bitcast %[[X]] : vector<32xf32> to vector<32xi32>
// CHECK:         arith.ori %[[XB]], %{{.+}} : vector<32xi32>
// CHECK:         %[[NEG:.+]] = arith.cmpf olt, %[[X]], %{{.+}} : vector<32xf32>
// CHECK:         %[[TS:.+]] = arith.mulf
// CHECK:         %[[R:.+]] = arith.select %[[NEG]], %[[TS]], %{{.+}} : vector<32xi1>, vector<32xf32>
// CHECK-NOT:     arith.divf
// CHECK:         return %[[R]]
func.func @sigmoid(%x: vector<32xf32>) -> vector<32xf32> {
  %one = arith.constant dense<1.0> : vector<32xf32>
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %n = arith.subf %zero, %x fastmath<fast> : vector<32xf32>
  %e = math.exp %n fastmath<fast> : vector<32xf32>
  %d = arith.addf %e, %one fastmath<fast> : vector<32xf32>
  %s = arith.divf %one, %d fastmath<fast> : vector<32xf32>
  return %s : vector<32xf32>
}

// Division is expanded only where the flags allow a reciprocal (arcp or fast).
// CHECK-LABEL: func.func @divide(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: vector<32xf32>, %[[B:[a-z0-9]+]]: vector<32xf32>
// CHECK:         arith.constant dense<2129859011> : vector<32xi32>
// CHECK-COUNT-3: arith.subf %{{.+}}, %{{.+}} fastmath<arcp> : vector<32xf32>
// CHECK-NOT:     arith.divf %{{.+}} fastmath<arcp>
// CHECK:         %[[STRICT:.+]] = arith.divf %[[A]], %[[B]] : vector<32xf32>
// CHECK:         return %{{.+}}, %[[STRICT]]
func.func @divide(%a: vector<32xf32>, %b: vector<32xf32>) -> (vector<32xf32>, vector<32xf32>) {
  %0 = arith.divf %a, %b fastmath<arcp> : vector<32xf32>
  %1 = arith.divf %a, %b : vector<32xf32>
  return %0, %1 : vector<32xf32>, vector<32xf32>
}

// erf: a + a * P(a^2) below 1, 1 - e^(-a^2) * Q(a) above (a clamped to 4).
// CHECK-LABEL: func.func @erf_vector(
// CHECK-NOT:     math.
// CHECK:         arith.constant dense<7.80690316E-5> : vector<32xf32>
// CHECK:         arith.constant dense<4.000000e+00> : vector<32xf32>
// CHECK:         arith.constant dense<-2.79928736E-5> : vector<32xf32>
// CHECK-NOT:     math.
// CHECK:         return
func.func @erf_vector(%x: vector<32xf32>) -> vector<32xf32> {
  %0 = math.erf %x fastmath<fast> : vector<32xf32>
  return %0 : vector<32xf32>
}

// sqrt and rsqrt: the 0x5F3759DF bit trick (a logical shift of the bits) and three Newton steps.
// CHECK-LABEL: func.func @roots(
// CHECK-NOT:     math.
// CHECK:         arith.constant dense<1597463007> : vector<32xi32>
// CHECK:         arith.shrui
// CHECK-COUNT-3: arith.subf %{{.+}}, %{{.+}} fastmath<fast> : vector<32xf32>
// CHECK-NOT:     math.
// CHECK:         return
func.func @roots(%x: vector<32xf32>) -> (vector<32xf32>, vector<32xf32>) {
  %0 = math.sqrt %x fastmath<fast> : vector<32xf32>
  %1 = math.rsqrt %x fastmath<fast> : vector<32xf32>
  return %0, %1 : vector<32xf32>, vector<32xf32>
}

// sin/cos: n = round(|x| * 2/pi), pi/2 subtracted in six parts (kept exact), the quadrant from n's bits.
// CHECK-LABEL: func.func @sin_vector(
// CHECK-NOT:     math.
// CHECK:         arith.constant dense<0.636619746> : vector<32xf32>
// CHECK:         arith.constant dense<1.5703125> : vector<32xf32>
// CHECK:         arith.mulf %{{.+}}, %{{.+}} {hexopt.exact_fp} : vector<32xf32>
// CHECK:         arith.constant dense<5.39030295E-15> : vector<32xf32>
// CHECK:         arith.constant dense<2.83276677E-6> : vector<32xf32>
// CHECK:         arith.constant dense<-2.88812458E-7> : vector<32xf32>
// CHECK:         arith.andi
// CHECK:         arith.xori
// CHECK-NOT:     math.
// CHECK:         return
func.func @sin_vector(%x: vector<32xf32>) -> vector<32xf32> {
  %0 = math.sin %x fastmath<fast> : vector<32xf32>
  return %0 : vector<32xf32>
}

// atan: t = min(|x|, 1/|x|) by the reciprocal bit trick, an odd polynomial, pi/2 - p above 1.
// CHECK-LABEL: func.func @trig(
// CHECK-NOT:     math.
// CHECK:         arith.constant dense<0.00113452214> : vector<32xf32>
// CHECK:         arith.constant dense<1.57079637> : vector<32xf32>
// CHECK-NOT:     math.
// CHECK:         return
func.func @trig(%x: vector<32xf32>) -> (vector<32xf32>, vector<32xf32>) {
  %0 = math.cos %x fastmath<fast> : vector<32xf32>
  %1 = math.atan %x fastmath<fast> : vector<32xf32>
  return %0, %1 : vector<32xf32>, vector<32xf32>
}

// floor/ceil/round/roundeven/trunc: (|x| + 2^23) - 2^23 kept exact, the sign bit put back, |x| >= 2^23
// (and inf/NaN) returned as they are.
// CHECK-LABEL: func.func @rounding(
// CHECK-NOT:     math.
// CHECK:         %[[M:.+]] = arith.constant dense<0x4B000000> : vector<32xf32>
// CHECK:         %[[T:.+]] = arith.addf %{{.+}}, %[[M]] {hexopt.exact_fp} : vector<32xf32>
// CHECK:         arith.subf %[[T]], %[[M]] {hexopt.exact_fp} : vector<32xf32>
// CHECK:         arith.constant dense<1258291200> : vector<32xi32>
// CHECK-NOT:     math.
// CHECK:         return
func.func @rounding(%x: vector<32xf32>) -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>) {
  %0 = math.floor %x fastmath<fast> : vector<32xf32>
  %1 = math.ceil %x fastmath<fast> : vector<32xf32>
  %2 = math.round %x fastmath<fast> : vector<32xf32>
  %3 = math.roundeven %x fastmath<fast> : vector<32xf32>
  %4 = math.trunc %x fastmath<fast> : vector<32xf32>
  return %0, %1, %2, %3, %4 : vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>
}

// Powers by a constant integer: square-and-multiply (x^5 = x * (x^2)^2); a non-integral exponent is left.
// CHECK-LABEL: func.func @powers(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: vector<32xf32>
// CHECK:         %[[X2:.+]] = arith.mulf %[[X]], %[[X]] fastmath<fast> : vector<32xf32>
// CHECK:         %[[X4:.+]] = arith.mulf %[[X2]], %[[X2]] fastmath<fast> : vector<32xf32>
// CHECK:         %[[X5:.+]] = arith.mulf %[[X]], %[[X4]] fastmath<fast> : vector<32xf32>
// CHECK:         %[[SQ:.+]] = arith.mulf %[[X]], %[[X]] fastmath<fast> : vector<32xf32>
// CHECK:         %[[HALF:.+]] = math.powf %[[X]], %{{.+}} fastmath<fast> : vector<32xf32>
// CHECK:         return %[[X5]], %[[SQ]], %[[HALF]]
func.func @powers(%x: vector<32xf32>) -> (vector<32xf32>, vector<32xf32>, vector<32xf32>) {
  %c5 = arith.constant 5 : i32
  %n = vector.broadcast %c5 : i32 to vector<32xi32>
  %0 = math.fpowi %x, %n fastmath<fast> : vector<32xf32>, vector<32xi32>
  %two = arith.constant dense<2.0> : vector<32xf32>
  %1 = math.powf %x, %two fastmath<fast> : vector<32xf32>
  %half = arith.constant dense<0.5> : vector<32xf32>
  %2 = math.powf %x, %half fastmath<fast> : vector<32xf32>
  return %0, %1, %2 : vector<32xf32>, vector<32xf32>, vector<32xf32>
}

// bf16 arithmetic (which LLVM scalarizes on Hexagon) is computed in f32; f16 arithmetic (native HVX
// qf16) is left alone.
// CHECK-LABEL: func.func @narrow_arithmetic(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: vector<64xbf16>, %[[B:[a-z0-9]+]]: vector<64xbf16>, %[[H:[a-z0-9]+]]: vector<64xf16>
// CHECK:         %[[WA:.+]] = arith.extf %[[A]] fastmath<fast> : vector<64xbf16> to vector<64xf32>
// CHECK:         %[[WB:.+]] = arith.extf %[[B]] fastmath<fast> : vector<64xbf16> to vector<64xf32>
// CHECK:         %[[S:.+]] = arith.addf %[[WA]], %[[WB]] fastmath<fast> : vector<64xf32>
// CHECK:         %[[R:.+]] = arith.truncf %[[S]] fastmath<fast> : vector<64xf32> to vector<64xbf16>
// CHECK:         %[[C:.+]] = arith.cmpf ogt, %{{.+}}, %{{.+}} : vector<64xf32>
// CHECK:         %[[H2:.+]] = arith.mulf %[[H]], %[[H]] fastmath<fast> : vector<64xf16>
// CHECK:         return %[[R]], %[[C]], %[[H2]]
func.func @narrow_arithmetic(%a: vector<64xbf16>, %b: vector<64xbf16>, %h: vector<64xf16>) -> (vector<64xbf16>, vector<64xi1>, vector<64xf16>) {
  %0 = arith.addf %a, %b fastmath<fast> : vector<64xbf16>
  %1 = arith.cmpf ogt, %a, %b : vector<64xbf16>
  %2 = arith.mulf %h, %h fastmath<fast> : vector<64xf16>
  return %0, %1, %2 : vector<64xbf16>, vector<64xi1>, vector<64xf16>
}
