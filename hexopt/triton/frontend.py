"""Stage 1: a `@triton.jit` function to Triton IR (TTIR), without a GPU, printed in generic form.

Triton's own front end (`ASTSource.make_ir`) builds the IR; the TTIR passes are the ones the CUDA
backend runs before leaving TTIR (inliner, tensor descriptors to pointers, canonicalize, combine,
reorder-broadcast, cse, symbol-dce, loop-unroll). hexopt needs the IR in MLIR's *generic* form,
which the MLIR 22 bindings parse without the Triton dialect; Triton's printer has no flag for it,
but MLIR prints a module that fails verification generically, and a module attribute without a
dialect prefix makes it fail. That attribute is removed from the text afterwards.

This module imports triton (it is the front end's only link to Triton besides backend.py/driver.py).
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from triton._C.libtriton import ir as tir
from triton._C.libtriton import passes as tpasses

from .options import HexoptOptions  # the options Triton's code generator reads are among them

_MARK = "hexopt_generic_print"


def codegen_functions() -> dict[str, Any]:
    """Target hooks of Triton's code generator: no lower bound on tl.dot shapes, no fp8 conversions."""
    return {"min_dot_size": lambda lhs, rhs: (1, 1, 1)}


def module_map() -> dict[str, Any]:
    """`triton.language.extra.libdevice` resolves to the CUDA flavour: its `__nv_*` symbols are what the
    converter maps to math ops (hexopt.passes.triton_to_linalg.libdevice)."""
    from triton.language.extra.cuda import libdevice

    return {"triton.language.extra.libdevice": libdevice}


def make_ir(src: Any, target: Any, options: Any, context: Any) -> Any:
    """`src.make_ir` across Triton versions (3.8 added the target argument)."""
    params = inspect.signature(src.make_ir).parameters
    if "target" in params:
        return src.make_ir(target, options, codegen_functions(), module_map(), context)
    return src.make_ir(options, codegen_functions(), module_map(), context)


def run_ttir_passes(module: Any) -> Any:
    pm = tir.pass_manager(module.context)
    pm.enable_debug()
    tpasses.common.add_inliner(pm)
    if hasattr(tpasses.ttir, "add_rewrite_tensor_descriptor_to_pointer"):
        tpasses.ttir.add_rewrite_tensor_descriptor_to_pointer(pm)
    tpasses.common.add_canonicalizer(pm)
    tpasses.ttir.add_combine(pm)
    tpasses.ttir.add_reorder_broadcast(pm)
    tpasses.common.add_cse(pm)
    tpasses.common.add_symbol_dce(pm)
    tpasses.ttir.add_loop_unroll(pm)
    try:
        pm.run(module, "make_ttir")
    except TypeError:  # Triton < 3.8: run(module)
        pm.run(module)
    return module


def generic_text(module: Any) -> str:
    """The module printed in generic form with its locations (see the module docstring)."""
    builder = tir.builder(module.context)
    module.set_attr(_MARK, builder.get_unit_attr())
    text = str(module)
    text = text.replace("{" + _MARK + "} ", "").replace(_MARK + ", ", "").replace(", " + _MARK, "")
    if _MARK in text:
        raise RuntimeError("could not print the Triton module in generic form")
    return text


def is_generic(text: str) -> bool:
    return re.search(r'^\s*"tt\.func"\(\)', text, re.M) is not None


def ttir(fn: Any, signature: dict[str, str], constexprs: dict[str, Any], attrs: dict | None = None) -> str:
    """Generic TTIR of `fn` (a JITFunction) for one specialization (the `hexopt triton` command's path).

    `signature` maps each runtime parameter to a Triton type ('*fp32', 'i32', 'fp32', ...) and
    `attrs` maps a parameter name to its Triton attributes (e.g. [["tt.divisibility", 16]])."""
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource

    sig = dict(signature)
    for name in constexprs:
        sig[name] = "constexpr"
    attr_paths = {(fn.arg_names.index(k),): v for k, v in (attrs or {}).items()}
    src = ASTSource(fn, sig, constexprs, attr_paths)
    context = tir.context()
    tir.load_dialects(context)
    module = make_ir(src, GPUTarget("hexopt", "host", 1), HexoptOptions(), context)
    run_ttir_passes(module)
    return generic_text(module)
