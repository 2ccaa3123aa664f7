// Every function approximate-vector-math expands, in f32, f16 and bf16 (one elementwise generic each over
// x and z): exp exp2 expm1 log log2 log10 log1p tanh erf sqrt rsqrt sin cos atan floor ceil round
// roundeven trunc, Triton's sigmoid 1 / (1 + exp(0 - x)), fpowi by 3, powf by 2.0, x / z, maxnumf,
// minnumf, maximumf, minimumf; the results are summed so that none is dead.
#map = affine_map<(d0) -> (d0)>
module {
  func.func @math_f32(%arg0: memref<*xf32>, %arg1: memref<*xf32>, %arg2: memref<*xf32>, %arg3: i32, %arg4: i32,
                     %arg5: i32, %arg6: i32, %arg7: i32, %arg8: i32) {
    %zero = arith.constant 0.000000e+00 : f32
    %one = arith.constant 1.000000e+00 : f32
    %two = arith.constant 2.000000e+00 : f32
    %c3 = arith.constant 3 : i32
    %a = memref.reinterpret_cast %arg0 to offset: [0], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32, strided<[1]>>
    %b = memref.reinterpret_cast %arg1 to offset: [0], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32, strided<[1]>>
    %xs = bufferization.to_tensor %a restrict : memref<1024xf32, strided<[1]>> to tensor<1024xf32>
    %zs = bufferization.to_tensor %b restrict : memref<1024xf32, strided<[1]>> to tensor<1024xf32>
    %e = tensor.empty() : tensor<1024xf32>
    %r = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
        ins(%xs, %zs : tensor<1024xf32>, tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
    ^bb0(%x: f32, %z: f32, %o: f32):
      %exp = math.exp %x : f32
      %exp2 = math.exp2 %x : f32
      %expm1 = math.expm1 %x : f32
      %log = math.log %x : f32
      %log2 = math.log2 %x : f32
      %log10 = math.log10 %x : f32
      %log1p = math.log1p %x : f32
      %tanh = math.tanh %x : f32
      %erf = math.erf %x : f32
      %sqrt = math.sqrt %x : f32
      %rsqrt = math.rsqrt %x : f32
      %sin = math.sin %x : f32
      %cos = math.cos %x : f32
      %atan = math.atan %x : f32
      %floor = math.floor %x : f32
      %ceil = math.ceil %x : f32
      %round = math.round %x : f32
      %roundeven = math.roundeven %x : f32
      %trunc = math.trunc %x : f32
      %neg = arith.subf %zero, %x : f32
      %eneg = math.exp %neg : f32
      %den = arith.addf %one, %eneg : f32
      %sigmoid = arith.divf %one, %den : f32
      %pow3 = math.fpowi %x, %c3 : f32, i32
      %pow2 = math.powf %x, %two : f32
      %div = arith.divf %x, %z : f32
      %max = arith.maxnumf %x, %z : f32
      %min = arith.minnumf %x, %z : f32
      %maxi = arith.maximumf %x, %z : f32
      %mini = arith.minimumf %x, %z : f32
      %s0 = arith.addf %exp, %exp2 : f32
      %s1 = arith.addf %s0, %expm1 : f32
      %s2 = arith.addf %s1, %log : f32
      %s3 = arith.addf %s2, %log2 : f32
      %s4 = arith.addf %s3, %log10 : f32
      %s5 = arith.addf %s4, %log1p : f32
      %s6 = arith.addf %s5, %tanh : f32
      %s7 = arith.addf %s6, %erf : f32
      %s8 = arith.addf %s7, %sqrt : f32
      %s9 = arith.addf %s8, %rsqrt : f32
      %s10 = arith.addf %s9, %sin : f32
      %s11 = arith.addf %s10, %cos : f32
      %s12 = arith.addf %s11, %atan : f32
      %s13 = arith.addf %s12, %floor : f32
      %s14 = arith.addf %s13, %ceil : f32
      %s15 = arith.addf %s14, %round : f32
      %s16 = arith.addf %s15, %roundeven : f32
      %s17 = arith.addf %s16, %trunc : f32
      %s18 = arith.addf %s17, %sigmoid : f32
      %s19 = arith.addf %s18, %pow3 : f32
      %s20 = arith.addf %s19, %pow2 : f32
      %s21 = arith.addf %s20, %div : f32
      %s22 = arith.addf %s21, %max : f32
      %s23 = arith.addf %s22, %min : f32
      %s24 = arith.addf %s23, %maxi : f32
      %s25 = arith.addf %s24, %mini : f32
      linalg.yield %s25 : f32
    } -> tensor<1024xf32>
    %out = memref.reinterpret_cast %arg2 to offset: [0], sizes: [1024], strides: [1] : memref<*xf32> to memref<1024xf32, strided<[1]>>
    bufferization.materialize_in_destination %r in writable %out : (tensor<1024xf32>, memref<1024xf32, strided<[1]>>) -> ()
    return
  }
  func.func @math_f16(%arg0: memref<*xf16>, %arg1: memref<*xf16>, %arg2: memref<*xf16>, %arg3: i32, %arg4: i32,
                     %arg5: i32, %arg6: i32, %arg7: i32, %arg8: i32) {
    %zero = arith.constant 0.000000e+00 : f16
    %one = arith.constant 1.000000e+00 : f16
    %two = arith.constant 2.000000e+00 : f16
    %c3 = arith.constant 3 : i32
    %a = memref.reinterpret_cast %arg0 to offset: [0], sizes: [1024], strides: [1] : memref<*xf16> to memref<1024xf16, strided<[1]>>
    %b = memref.reinterpret_cast %arg1 to offset: [0], sizes: [1024], strides: [1] : memref<*xf16> to memref<1024xf16, strided<[1]>>
    %xs = bufferization.to_tensor %a restrict : memref<1024xf16, strided<[1]>> to tensor<1024xf16>
    %zs = bufferization.to_tensor %b restrict : memref<1024xf16, strided<[1]>> to tensor<1024xf16>
    %e = tensor.empty() : tensor<1024xf16>
    %r = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
        ins(%xs, %zs : tensor<1024xf16>, tensor<1024xf16>) outs(%e : tensor<1024xf16>) {
    ^bb0(%x: f16, %z: f16, %o: f16):
      %exp = math.exp %x : f16
      %exp2 = math.exp2 %x : f16
      %expm1 = math.expm1 %x : f16
      %log = math.log %x : f16
      %log2 = math.log2 %x : f16
      %log10 = math.log10 %x : f16
      %log1p = math.log1p %x : f16
      %tanh = math.tanh %x : f16
      %erf = math.erf %x : f16
      %sqrt = math.sqrt %x : f16
      %rsqrt = math.rsqrt %x : f16
      %sin = math.sin %x : f16
      %cos = math.cos %x : f16
      %atan = math.atan %x : f16
      %floor = math.floor %x : f16
      %ceil = math.ceil %x : f16
      %round = math.round %x : f16
      %roundeven = math.roundeven %x : f16
      %trunc = math.trunc %x : f16
      %neg = arith.subf %zero, %x : f16
      %eneg = math.exp %neg : f16
      %den = arith.addf %one, %eneg : f16
      %sigmoid = arith.divf %one, %den : f16
      %pow3 = math.fpowi %x, %c3 : f16, i32
      %pow2 = math.powf %x, %two : f16
      %div = arith.divf %x, %z : f16
      %max = arith.maxnumf %x, %z : f16
      %min = arith.minnumf %x, %z : f16
      %maxi = arith.maximumf %x, %z : f16
      %mini = arith.minimumf %x, %z : f16
      %s0 = arith.addf %exp, %exp2 : f16
      %s1 = arith.addf %s0, %expm1 : f16
      %s2 = arith.addf %s1, %log : f16
      %s3 = arith.addf %s2, %log2 : f16
      %s4 = arith.addf %s3, %log10 : f16
      %s5 = arith.addf %s4, %log1p : f16
      %s6 = arith.addf %s5, %tanh : f16
      %s7 = arith.addf %s6, %erf : f16
      %s8 = arith.addf %s7, %sqrt : f16
      %s9 = arith.addf %s8, %rsqrt : f16
      %s10 = arith.addf %s9, %sin : f16
      %s11 = arith.addf %s10, %cos : f16
      %s12 = arith.addf %s11, %atan : f16
      %s13 = arith.addf %s12, %floor : f16
      %s14 = arith.addf %s13, %ceil : f16
      %s15 = arith.addf %s14, %round : f16
      %s16 = arith.addf %s15, %roundeven : f16
      %s17 = arith.addf %s16, %trunc : f16
      %s18 = arith.addf %s17, %sigmoid : f16
      %s19 = arith.addf %s18, %pow3 : f16
      %s20 = arith.addf %s19, %pow2 : f16
      %s21 = arith.addf %s20, %div : f16
      %s22 = arith.addf %s21, %max : f16
      %s23 = arith.addf %s22, %min : f16
      %s24 = arith.addf %s23, %maxi : f16
      %s25 = arith.addf %s24, %mini : f16
      linalg.yield %s25 : f16
    } -> tensor<1024xf16>
    %out = memref.reinterpret_cast %arg2 to offset: [0], sizes: [1024], strides: [1] : memref<*xf16> to memref<1024xf16, strided<[1]>>
    bufferization.materialize_in_destination %r in writable %out : (tensor<1024xf16>, memref<1024xf16, strided<[1]>>) -> ()
    return
  }
  func.func @math_bf16(%arg0: memref<*xbf16>, %arg1: memref<*xbf16>, %arg2: memref<*xbf16>, %arg3: i32, %arg4: i32,
                     %arg5: i32, %arg6: i32, %arg7: i32, %arg8: i32) {
    %zero = arith.constant 0.000000e+00 : bf16
    %one = arith.constant 1.000000e+00 : bf16
    %two = arith.constant 2.000000e+00 : bf16
    %c3 = arith.constant 3 : i32
    %a = memref.reinterpret_cast %arg0 to offset: [0], sizes: [1024], strides: [1] : memref<*xbf16> to memref<1024xbf16, strided<[1]>>
    %b = memref.reinterpret_cast %arg1 to offset: [0], sizes: [1024], strides: [1] : memref<*xbf16> to memref<1024xbf16, strided<[1]>>
    %xs = bufferization.to_tensor %a restrict : memref<1024xbf16, strided<[1]>> to tensor<1024xbf16>
    %zs = bufferization.to_tensor %b restrict : memref<1024xbf16, strided<[1]>> to tensor<1024xbf16>
    %e = tensor.empty() : tensor<1024xbf16>
    %r = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
        ins(%xs, %zs : tensor<1024xbf16>, tensor<1024xbf16>) outs(%e : tensor<1024xbf16>) {
    ^bb0(%x: bf16, %z: bf16, %o: bf16):
      %exp = math.exp %x : bf16
      %exp2 = math.exp2 %x : bf16
      %expm1 = math.expm1 %x : bf16
      %log = math.log %x : bf16
      %log2 = math.log2 %x : bf16
      %log10 = math.log10 %x : bf16
      %log1p = math.log1p %x : bf16
      %tanh = math.tanh %x : bf16
      %erf = math.erf %x : bf16
      %sqrt = math.sqrt %x : bf16
      %rsqrt = math.rsqrt %x : bf16
      %sin = math.sin %x : bf16
      %cos = math.cos %x : bf16
      %atan = math.atan %x : bf16
      %floor = math.floor %x : bf16
      %ceil = math.ceil %x : bf16
      %round = math.round %x : bf16
      %roundeven = math.roundeven %x : bf16
      %trunc = math.trunc %x : bf16
      %neg = arith.subf %zero, %x : bf16
      %eneg = math.exp %neg : bf16
      %den = arith.addf %one, %eneg : bf16
      %sigmoid = arith.divf %one, %den : bf16
      %pow3 = math.fpowi %x, %c3 : bf16, i32
      %pow2 = math.powf %x, %two : bf16
      %div = arith.divf %x, %z : bf16
      %max = arith.maxnumf %x, %z : bf16
      %min = arith.minnumf %x, %z : bf16
      %maxi = arith.maximumf %x, %z : bf16
      %mini = arith.minimumf %x, %z : bf16
      %s0 = arith.addf %exp, %exp2 : bf16
      %s1 = arith.addf %s0, %expm1 : bf16
      %s2 = arith.addf %s1, %log : bf16
      %s3 = arith.addf %s2, %log2 : bf16
      %s4 = arith.addf %s3, %log10 : bf16
      %s5 = arith.addf %s4, %log1p : bf16
      %s6 = arith.addf %s5, %tanh : bf16
      %s7 = arith.addf %s6, %erf : bf16
      %s8 = arith.addf %s7, %sqrt : bf16
      %s9 = arith.addf %s8, %rsqrt : bf16
      %s10 = arith.addf %s9, %sin : bf16
      %s11 = arith.addf %s10, %cos : bf16
      %s12 = arith.addf %s11, %atan : bf16
      %s13 = arith.addf %s12, %floor : bf16
      %s14 = arith.addf %s13, %ceil : bf16
      %s15 = arith.addf %s14, %round : bf16
      %s16 = arith.addf %s15, %roundeven : bf16
      %s17 = arith.addf %s16, %trunc : bf16
      %s18 = arith.addf %s17, %sigmoid : bf16
      %s19 = arith.addf %s18, %pow3 : bf16
      %s20 = arith.addf %s19, %pow2 : bf16
      %s21 = arith.addf %s20, %div : bf16
      %s22 = arith.addf %s21, %max : bf16
      %s23 = arith.addf %s22, %min : bf16
      %s24 = arith.addf %s23, %maxi : bf16
      %s25 = arith.addf %s24, %mini : bf16
      linalg.yield %s25 : bf16
    } -> tensor<1024xbf16>
    %out = memref.reinterpret_cast %arg2 to offset: [0], sizes: [1024], strides: [1] : memref<*xbf16> to memref<1024xbf16, strided<[1]>>
    bufferization.materialize_in_destination %r in writable %out : (tensor<1024xbf16>, memref<1024xbf16, strided<[1]>>) -> ()
    return
  }
}
