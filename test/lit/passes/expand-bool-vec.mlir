// RUN: hexopt run -p 'builtin.module(expand-bool-vec)' %s | filecheck %s
// Through the hexagon pipeline: (x > 0).to(f32) + y ends as one select per vector in the LLVM IR; without
// the pass LLVM keeps `uitofp <32 x i1>`, which the Hexagon backend expands lane by lane (192 instead
// of 87 instructions for this kernel).
// RUN: hexopt run hexagon --set multi-threading=false %S/Inputs/mask-to-float.mlir | hexopt translate - --emit llvm | filecheck %s --check-prefix=LLVM
// RUN: hexopt run hexagon --set multi-threading=false --set expand-bool-vec=false %S/Inputs/mask-to-float.mlir | hexopt translate - --emit llvm | filecheck %s --check-prefix=OFF

// CHECK-LABEL: func.func @unsigned
// CHECK-SAME: (%[[M:.*]]: vector<32xi1>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : vector<32xf32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<32xf32>
// CHECK: %[[R:.*]] = arith.select %[[M]], %[[ONE]], %[[ZERO]] : vector<32xi1>, vector<32xf32>
// CHECK: return %[[R]]
func.func @unsigned(%m: vector<32xi1>) -> vector<32xf32> {
  %f = arith.uitofp %m : vector<32xi1> to vector<32xf32>
  return %f : vector<32xf32>
}

// A signed i1 is 0 or -1.
// CHECK-LABEL: func.func @signed_half
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<-1.000000e+00> : vector<64xf16>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<64xf16>
// CHECK: arith.select %{{.*}}, %[[ONE]], %[[ZERO]] : vector<64xi1>, vector<64xf16>
func.func @signed_half(%m: vector<64xi1>) -> vector<64xf16> {
  %f = arith.sitofp %m : vector<64xi1> to vector<64xf16>
  return %f : vector<64xf16>
}

// Scalars, and vectors of wider integers, are left alone.
// CHECK-LABEL: func.func @left_alone
// CHECK: arith.uitofp %{{.*}} : i1 to f32
// CHECK: arith.sitofp %{{.*}} : vector<32xi8> to vector<32xf32>
func.func @left_alone(%b: i1, %v: vector<32xi8>) -> (f32, vector<32xf32>) {
  %f = arith.uitofp %b : i1 to f32
  %g = arith.sitofp %v : vector<32xi8> to vector<32xf32>
  return %f, %g : f32, vector<32xf32>
}

// LLVM-LABEL: define void @mask_to_float(
// LLVM: select <32 x i1> %{{.*}}, <32 x float> splat (float 1.000000e+00), <32 x float> zeroinitializer
// LLVM-NOT: uitofp
// OFF-LABEL: define void @mask_to_float(
// OFF: uitofp <32 x i1> %{{.*}} to <32 x float>
