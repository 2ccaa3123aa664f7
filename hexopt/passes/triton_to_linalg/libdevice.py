"""`tt.extern_elementwise` calls (Triton's libdevice, CUDA symbol names) as math/arith ops.

Triton's `triton.language.extra.libdevice` functions compile to `tt.extern_elementwise` with the
symbol of NVIDIA's libdevice (`__nv_rsqrtf`, `__nv_tanh`, ...); hexopt has no libdevice, so each
symbol is mapped to the MLIR op with the same meaning. The f32 (`...f`) and f64 spellings map alike.
"""

from __future__ import annotations

#: math/arith op name per libdevice function (without the __nv_ prefix and the f32 'f' suffix).
_OPS = {
    "abs": "math.absi",
    "fabs": "math.absf",
    "ceil": "math.ceil",
    "floor": "math.floor",
    "trunc": "math.trunc",
    "round": "math.round",
    "rint": "math.roundeven",
    "nearbyint": "math.roundeven",
    "sqrt": "math.sqrt",
    "rsqrt": "math.rsqrt",
    "cbrt": "math.cbrt",
    "exp": "math.exp",
    "exp2": "math.exp2",
    "expm1": "math.expm1",
    "fast_exp": "math.exp",
    "log": "math.log",
    "log2": "math.log2",
    "log10": "math.log10",
    "log1p": "math.log1p",
    "fast_log": "math.log",
    "sin": "math.sin",
    "cos": "math.cos",
    "tan": "math.tan",
    "asin": "math.asin",
    "acos": "math.acos",
    "atan": "math.atan",
    "sinh": "math.sinh",
    "cosh": "math.cosh",
    "tanh": "math.tanh",
    "asinh": "math.asinh",
    "acosh": "math.acosh",
    "atanh": "math.atanh",
    "erf": "math.erf",
    "erfc": "math.erfc",
    "fast_sin": "math.sin",
    "fast_cos": "math.cos",
    "fast_tan": "math.tan",
    "pow": "math.powf",
    "powf": "math.powf",
    "atan2": "math.atan2",
    "copysign": "math.copysign",
    "fmin": "arith.minnumf",
    "fmax": "arith.maxnumf",
    "fma": "math.fma",
    "fma_rn": "math.fma",
    "fdiv_rn": "arith.divf",
    "div_rn": "arith.divf",
    "fast_dividef": "arith.divf",
    "fadd_rn": "arith.addf",
    "fmul_rn": "arith.mulf",
    "fsub_rn": "arith.subf",
    "sqrt_rn": "math.sqrt",
    "min": "arith.minsi",
    "max": "arith.maxsi",
    "umin": "arith.minui",
    "umax": "arith.maxui",
}


def op_for(symbol: str) -> str | None:
    """The op name for a libdevice symbol such as '__nv_rsqrtf', or None if hexopt has no equivalent."""
    name = symbol[5:] if symbol.startswith("__nv_") else symbol
    if name in _OPS:
        return _OPS[name]
    if name.endswith("f") and name[:-1] in _OPS:
        return _OPS[name[:-1]]
    if name.startswith("fast_") and name.endswith("f") and name[:-1] in _OPS:
        return _OPS[name[:-1]]
    return None
