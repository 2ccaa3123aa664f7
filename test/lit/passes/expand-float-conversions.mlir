// RUN: hexopt run -p 'builtin.module(expand-float-conversions)' %s | filecheck %s
// RUN: hexopt run -p 'builtin.module(expand-float-conversions{f16=integer})' %s | filecheck %s --check-prefix=INT

// bf16 <-> f32 on vectors: a 16-bit shift one way, round to nearest even by adding 0x7FFF + lsb the
// other (NaNs quieted). f16 is left to LLVM (native) unless f16=integer.
// CHECK-LABEL: func.func @bf16(
// CHECK-SAME:    %[[B:[a-z0-9]+]]: vector<64xbf16>, %[[X:[a-z0-9]+]]: vector<64xf32>
// CHECK:         %[[I16:.+]] = arith.bitcast %[[B]] : vector<64xbf16> to vector<64xi16>
// CHECK:         %[[I32:.+]] = arith.extui %[[I16]] : vector<64xi16> to vector<64xi32>
// CHECK:         %[[SH:.+]] = arith.shli %[[I32]], %{{.+}} : vector<64xi32>
// CHECK:         %[[W:.+]] = arith.bitcast %[[SH]] : vector<64xi32> to vector<64xf32>
// CHECK:         arith.constant dense<32767> : vector<64xi32>
// CHECK:         arith.constant dense<4194304> : vector<64xi32>
// CHECK:         %[[T:.+]] = arith.trunci %{{.+}} : vector<64xi32> to vector<64xi16>
// CHECK:         %[[N:.+]] = arith.bitcast %[[T]] : vector<64xi16> to vector<64xbf16>
// CHECK-NOT:     arith.extf
// CHECK-NOT:     arith.truncf
// CHECK:         return %[[W]], %[[N]]
func.func @bf16(%b: vector<64xbf16>, %x: vector<64xf32>) -> (vector<64xf32>, vector<64xbf16>) {
  %0 = arith.extf %b : vector<64xbf16> to vector<64xf32>
  %1 = arith.truncf %x : vector<64xf32> to vector<64xbf16>
  return %0, %1 : vector<64xf32>, vector<64xbf16>
}

// CHECK-LABEL: func.func @f16(
// CHECK:         arith.extf %{{.+}} : vector<64xf16> to vector<64xf32>
// CHECK:         arith.truncf %{{.+}} : vector<64xf32> to vector<64xf16>
// INT-LABEL: func.func @f16(
// INT-NOT:       arith.extf
// INT:           arith.constant dense<1879048192> : vector<64xi32>
// INT:           arith.constant dense<939524096> : vector<64xi32>
// INT:           arith.subf %{{.+}}, %{{.+}} {hexopt.exact_fp} : vector<64xf32>
// INT:           arith.constant dense<1199566848> : vector<64xi32>
// INT:           arith.constant dense<31744> : vector<64xi32>
// INT-NOT:       arith.truncf
// INT:           return
func.func @f16(%h: vector<64xf16>, %x: vector<64xf32>) -> (vector<64xf32>, vector<64xf16>) {
  %0 = arith.extf %h : vector<64xf16> to vector<64xf32>
  %1 = arith.truncf %x : vector<64xf32> to vector<64xf16>
  return %0, %1 : vector<64xf32>, vector<64xf16>
}

// Scalar f16/bf16 conversions are always expanded (LLVM calls __extendhfsf2/__truncsfhf2 for them), and
// so is extf(vector.broadcast s): the scalar is converted, then broadcast (LLVM would convert the scalar
// with a libcall). Other rounding modes are left alone.
// CHECK-LABEL: func.func @scalars(
// CHECK-SAME:    %[[S:[a-z0-9]+]]: bf16, %[[H:[a-z0-9]+]]: f16, %[[X:[a-z0-9]+]]: vector<64xf32>
// CHECK:         %[[SI:.+]] = arith.bitcast %[[S]] : bf16 to i16
// CHECK:         arith.extui %[[SI]] : i16 to i32
// CHECK:         arith.bitcast %{{.+}} : i32 to f32
// CHECK:         %[[HI:.+]] = arith.bitcast %[[H]] : f16 to i16
// CHECK:         arith.extui %[[HI]] : i16 to i32
// CHECK:         %[[SPLAT:.+]] = vector.broadcast %{{.+}} : f32 to vector<64xf32>
// CHECK:         arith.truncf %[[X]] toward_zero : vector<64xf32> to vector<64xbf16>
// CHECK-NOT:     arith.extf
// CHECK:         return %{{.+}}, %[[SPLAT]]
func.func @scalars(%s: bf16, %h: f16, %x: vector<64xf32>) -> (f32, vector<64xf32>, vector<64xbf16>) {
  %0 = arith.extf %s : bf16 to f32
  %b = vector.broadcast %h : f16 to vector<64xf16>
  %1 = arith.extf %b : vector<64xf16> to vector<64xf32>
  %2 = arith.truncf %x toward_zero : vector<64xf32> to vector<64xbf16>
  return %0, %1, %2 : f32, vector<64xf32>, vector<64xbf16>
}
