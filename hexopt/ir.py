"""The one module that imports the MLIR Python bindings; the rest of hexopt imports from here.

Importing it costs ~0.4 s, so the CLI imports it only when IR is really touched.
"""

from __future__ import annotations

from mlir import ir  # noqa: F401
from mlir import passmanager  # noqa: F401
from mlir import rewrite  # noqa: F401
from mlir.dialects import (  # noqa: F401
    affine,
    arith,
    async_dialect,
    bufferization,
    builtin,
    func,
    linalg,
    llvm,
    math,
    memref,
    scf,
    tensor,
    transform,
    vector,
)
from mlir.dialects.transform import structured  # noqa: F401
from mlir.ir import (  # noqa: F401
    AffineMap,
    AffineMapAttr,
    ArrayAttr,
    Attribute,
    Block,
    Context,
    DenseI64ArrayAttr,
    FloatAttr,
    InsertionPoint,
    IntegerAttr,
    Location,
    MLIRError,
    Module,
    Operation,
    OpView,
    StringAttr,
    Type,
    UnitAttr,
    Value,
)
from mlir.passmanager import PassManager  # noqa: F401

import mlir as _mlir_pkg  # noqa: E402

#: Directory of the MLIR runtime libraries (libmlir_c_runner_utils.so, libmlir_async_runtime.so).
MLIR_LIB_DIR = list(_mlir_pkg.__path__)[0] + "/lib"


def execution_engine_class():
    """mlir.execution_engine.ExecutionEngine, imported on first use (the host JIT runner needs it)."""
    from mlir.execution_engine import ExecutionEngine

    return ExecutionEngine


def run_upstream(module: "ir.Module", pipeline: str) -> None:
    """Run a textual upstream pipeline `builtin.module(...)` on `module`; raises MLIRError."""
    PassManager.parse(pipeline, context=module.context).run(module.operation)


def ops_named(root, name: str, as_views: bool = True) -> list:
    """All operations named `name` nested under `root` (an Operation or OpView), in walk order;
    as OpViews, or as plain Operations with as_views=False."""
    found = []

    def visit(op):
        if op.name == name:
            found.append(op.opview if as_views else op)
        return ir.WalkResult.ADVANCE

    (root.operation if hasattr(root, "operation") else root).walk(visit)
    return found

# Loop-level passes (tiling, vectorization): affine expressions and the transform interpreter.
from mlir.dialects.transform import interpreter as transform_interpreter  # noqa: E402,F401
from mlir.ir import AffineDimExpr  # noqa: E402,F401
