"""replace-library-calls: call the function a bufferized linalg op names in its `library_call` attribute.

A named op such as `linalg.matmul {library_call = "foo"}` asks to be computed by an external routine
(a vendor GEMM). After bufferization it becomes `func.call @foo(%a, %b, %c)` on its memref operands
(cast to a fully dynamic strided layout, so that one routine serves every shape), with a private
declaration of @foo marked `llvm.emit_c_interface`: the routine receives pointers to memref
descriptors (`_mlir_ciface_foo`), as the reference's calls do. Upstream `convert-linalg-to-std` does
the same for linalg.generic only: for a named op it calls a generated name (`linalg_matmul_view...`)
and ignores the attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, func, ir, memref, walk_ops

from .base import Pass, PassFailure


def _dynamic_layout(t: AnyOp) -> AnyOp:
    dynamic = ir.ShapedType.get_dynamic_size()
    layout = ir.StridedLayoutAttr.get(dynamic, [dynamic] * t.rank)
    return ir.MemRefType.get(t.shape, t.element_type, layout, t.memory_space)


@dataclass(frozen=True)
class ReplaceLibraryCalls(Pass):
    """Replace each bufferized linalg op with a `library_call` attribute by a func.call of that function."""

    name: ClassVar[str] = "replace-library-calls"
    scope: ClassVar[str] = "builtin.module"

    def apply(self, module: AnyOp) -> None:
        ops = walk_ops(module, lambda op: op.name.startswith("linalg.") and "library_call" in op.attributes)
        declared = {
            str(ir.StringAttr(op.attributes["sym_name"]).value): op
            for op in module.body.operations
            if op.operation.name == "func.func"
        }
        for op in ops:
            if len(op.results):
                raise PassFailure(
                    f"'{op.name}' with a library_call still works on tensors: only a bufferized op "
                    "can be replaced by a call",
                    op,
                )
            callee = ir.StringAttr(op.attributes["library_call"]).value
            with ir.InsertionPoint(op), op.location:
                args = [
                    memref.CastOp(_dynamic_layout(v.type), v).result if isinstance(v.type, ir.MemRefType) else v
                    for v in op.operands
                ]
                func.CallOp([], ir.FlatSymbolRefAttr.get(callee), args)
            if callee not in declared:
                with ir.InsertionPoint.at_block_begin(module.body), op.location:
                    decl = func.FuncOp(callee, ir.FunctionType.get([a.type for a in args], []), visibility="private")
                decl.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
                declared[callee] = decl
            op.erase()
