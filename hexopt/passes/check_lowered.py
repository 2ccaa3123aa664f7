"""check-lowered: fail, with each leftover op kind and its location, unless the module is all LLVM dialect.

A pipeline that promises the LLVM dialect (linalg-to-llvm and the pipelines built on it) ends with
this pass, so that `hexopt run` never exits 0 with output that `hexopt translate` must refuse.
Upstream has no such check: each conversion pass is partial, and `reconcile-unrealized-casts` only
fails on the casts, not on the ops that caused them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

from hexopt.ir import non_llvm_ops

from .base import Pass, PassFailure

#: What usually leaves an op kind behind, and what to do about it.
HINTS = {
    "builtin.unrealized_conversion_cast": "a value whose producer or user was not converted (see the other ops)",
    "complex": "complex numbers are not supported by hexopt's lowering",
    "linalg": "a linalg op the pipeline does not lower (e.g. linalg.softmax, or an op on a dynamic shape)",
    "tensor": "tensors left after bufferization (an op one-shot-bufferize could not handle)",
    "func.func": "a function whose signature could not be converted (e.g. tensor or unsupported types)",
    "math": "a math function with no lowering for this type",
    "transform": "a transform-dialect script in the input: run it first (transform-interpreter) or remove it",
}


@dataclass(frozen=True)
class CheckLowered(Pass):
    """Fail unless every op of the module is in the LLVM dialect, naming each leftover op kind and where it is."""

    name: ClassVar[str] = "check-lowered"
    scope: ClassVar[str] = "builtin.module"

    def apply(self, module: Any) -> None:
        left = non_llvm_ops(module)
        if not left:
            return
        counts = Counter(name for name, _ in left)
        first: dict[str, Any] = {}
        for name, loc in left:
            first.setdefault(name, loc)
        kinds = []
        for name, n in counts.most_common():
            hint = HINTS.get(name) or HINTS.get(name.split(".")[0])
            kinds.append(f"{name}{f' x{n}' if n > 1 else ''}" + (f" ({hint})" if hint else ""))
        ops = _ops(module)
        op = next((o for o in ops if o.name != "builtin.unrealized_conversion_cast"), ops[0])
        raise PassFailure(
            f"the pipeline did not lower the module to the LLVM dialect: {len(left)} op(s) left: " + "; ".join(kinds),
            op,
            unsupported=True,
        )


def _ops(module: Any) -> list[Any]:
    from hexopt.ir import walk_ops

    top = module.operation
    return walk_ops(top, lambda op: op != top and not op.name.startswith("llvm."))
