"""The one module that imports the MLIR Python bindings; the rest of hexopt imports from here.

Importing the bindings costs 0.4-0.9 s, and loading a pipeline imports every pass class (for its
options) in the CLI process, which must stay fast and must never load the bindings (an assertions
build that can abort the process). So the dialect modules here are *lazy*: ``ir``, ``linalg``,
``arith``, ... are proxies that import the real module on first attribute access. A pass module
writes ``from hexopt.ir import ir, linalg`` at its top and uses ``ir.AffineDimExpr``,
``linalg.GenericOp`` inside its functions; importing it loads nothing. Bare names such as
``Context`` or ``MLIRError`` are also served (``from hexopt.ir import Context``), but importing one
loads the bindings, so only code that runs in the worker process (inside functions) may do that.
A test asserts that loading and showing the shipped pipelines leaves ``mlir`` out of
``sys.modules``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeAlias

#: Annotations for MLIR objects in code that must not import the bindings (to mypy they are Any):
#: an ir.Operation or OpView, an ir.Value, an ir.AffineMap, an ir.Attribute, an ir.Type.
AnyOp: TypeAlias = Any
AnyValue: TypeAlias = Any
AnyMap: TypeAlias = Any
AnyAttr: TypeAlias = Any
AnyType: TypeAlias = Any


class LazyModule:
    """A stand-in for a module, imported on first attribute access (then cached on the instance)."""

    def __init__(self, module_name: str):
        self.__dict__["_lazy_name"] = module_name

    def _load(self) -> Any:
        module = importlib.import_module(self.__dict__["_lazy_name"])
        # Later lookups find the attributes on the instance, without __getattr__.
        self.__dict__.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
        self.__dict__["_lazy_module"] = module
        return module

    def __getattr__(self, attr: str) -> Any:
        module = self.__dict__.get("_lazy_module") or self._load()
        return getattr(module, attr)

    def __repr__(self) -> str:
        state = "loaded" if "_lazy_module" in self.__dict__ else "not loaded"
        return f"<lazy module {self.__dict__['_lazy_name']} ({state})>"


ir: Any = LazyModule("mlir.ir")
passmanager: Any = LazyModule("mlir.passmanager")
rewrite: Any = LazyModule("mlir.rewrite")
affine: Any = LazyModule("mlir.dialects.affine")
arith: Any = LazyModule("mlir.dialects.arith")
async_dialect: Any = LazyModule("mlir.dialects.async_dialect")
bufferization: Any = LazyModule("mlir.dialects.bufferization")
builtin: Any = LazyModule("mlir.dialects.builtin")
func: Any = LazyModule("mlir.dialects.func")
linalg: Any = LazyModule("mlir.dialects.linalg")
llvm: Any = LazyModule("mlir.dialects.llvm")
math: Any = LazyModule("mlir.dialects.math")
memref: Any = LazyModule("mlir.dialects.memref")
scf: Any = LazyModule("mlir.dialects.scf")
tensor: Any = LazyModule("mlir.dialects.tensor")
transform: Any = LazyModule("mlir.dialects.transform")
structured: Any = LazyModule("mlir.dialects.transform.structured")
transform_interpreter: Any = LazyModule("mlir.dialects.transform.interpreter")
vector: Any = LazyModule("mlir.dialects.vector")

#: Bare names served from mlir.ir / mlir.passmanager (loading the bindings when imported).
_IR_NAMES = frozenset(
    {
        "AffineDimExpr",
        "AffineMap",
        "AffineMapAttr",
        "ArrayAttr",
        "Attribute",
        "Block",
        "Context",
        "DenseI64ArrayAttr",
        "FloatAttr",
        "InsertionPoint",
        "IntegerAttr",
        "Location",
        "MLIRError",
        "Module",
        "Operation",
        "OpView",
        "StringAttr",
        "Type",
        "UnitAttr",
        "Value",
    }
)


def __getattr__(name: str) -> Any:  # PEP 562: `from hexopt.ir import Context` inside worker code
    if name in _IR_NAMES:
        return getattr(ir, name)
    if name == "PassManager":
        return passmanager.PassManager
    raise AttributeError(f"module 'hexopt.ir' has no attribute '{name}'")


def bindings_loaded() -> bool:
    """Whether the MLIR bindings have been imported into this process."""
    import sys

    return "mlir.ir" in sys.modules


def mlir_lib_dir() -> str:
    """Directory of the MLIR runtime libraries (libmlir_c_runner_utils.so, libmlir_async_runtime.so)."""
    import mlir

    return list(mlir.__path__)[0] + "/lib"


def execution_engine_class() -> Any:
    """mlir.execution_engine.ExecutionEngine (the host JIT runner needs it)."""
    from mlir.execution_engine import ExecutionEngine

    return ExecutionEngine


def run_upstream(op: Any, pipeline: str) -> None:
    """Run a textual upstream pipeline (`builtin.module(...)`, or `func.func(...)` on a function) on
    `op` (a Module, Operation or OpView); raises ir.MLIRError."""
    target = op.operation
    passmanager.PassManager.parse(pipeline, context=target.context).run(target)


def walk_ops(root: Any, predicate: Callable[[Any], bool], as_views: bool = False) -> list[Any]:
    """The operations nested under `root` (a Module, Operation or OpView; root included) for which
    `predicate(operation)` holds, in walk order: plain Operations, or OpViews with as_views=True."""
    found: list[Any] = []
    advance = ir.WalkResult.ADVANCE

    def visit(op: Any) -> Any:
        if predicate(op):
            found.append(op.opview if as_views else op)
        return advance

    root.operation.walk(visit)
    return found


def ops_named(root: Any, name: str, as_views: bool = True) -> list[Any]:
    """All operations named `name` nested under `root`, in walk order; OpViews by default."""
    return walk_ops(root, lambda op: op.name == name, as_views)


def non_llvm_ops(module: Any) -> list[tuple[str, Any]]:
    """(name, location) of every op that is not in the LLVM dialect, the module itself excluded, in walk
    order: what neither translation to LLVM IR nor the JIT can take (both crash on them)."""
    top = module.operation
    return [(op.name, op.location) for op in walk_ops(top, lambda op: not op.name.startswith("llvm.") and op != top)]


def top_level_ancestor(op: Any, module: Any) -> Any:
    """The operation directly in `module`'s body that holds `op` (`op` itself if it is one), or None."""
    top = module.operation
    op = op.operation
    while op is not None:
        parent = op.parent
        if parent is None:
            return None
        if parent == top:
            return op
        op = parent.operation
    return None


def apply_rewrites(root: Any, patterns: dict[str, Callable[[Any, Any], Any]], fold: bool = False) -> None:
    """Apply one-op rewrite patterns greedily under `root`: {op name: fn(op, rewriter)}. A pattern
    rewrites its op and returns None, or returns True when it does not apply (mlir.rewrite's
    convention). Folding and constant CSE are off unless `fold`, so that only the patterns change
    the IR (trivially dead ops are still erased, as by the greedy driver)."""
    patterns_set = rewrite.RewritePatternSet(root.operation.context)
    for name, fn in patterns.items():
        patterns_set.add(name, fn)
    config = rewrite.GreedyRewriteConfig()
    config.enable_folding = fold
    config.enable_constant_cse = fold
    config.region_simplification_level = rewrite.GreedySimplifyRegionLevel.DISABLED
    rewrite.apply_patterns_and_fold_greedily(root.operation, patterns_set.freeze(), config)
