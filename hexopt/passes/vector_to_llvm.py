"""lower-vector-to-llvm: vector ops that touch memrefs to LLVM with a chosen index width.

Upstream `convert-vector-to-llvm` has no index-bitwidth option and ignores the module's DLTI
index width: on a 32-bit target its memref descriptors use i64 while finalize-memref-to-llvm's
use i32, and `reconcile-unrealized-casts` is left with casts it cannot remove (the module then
cannot be translated). We run the same rewrites through the transform dialect, whose conversion
op accepts a memref type converter with `index_bitwidth`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp

from ._transform import ROOT, Script, run_script
from .base import Pass, PassFailure, option

#: The vector-to-vector lowerings convert-vector-to-llvm applies itself (in-bounds minor-identity
#: transfers become vector.load/store, broadcasts and reductions are unrolled).
_VECTOR_LOWERINGS = (
    "vector.lower_transfer max_transfer_rank = 1",
    "vector.lower_broadcast",
    'vector.lower_multi_reduction lowering_strategy = "innerreduction"',
    "vector.lower_shape_cast",
    "vector.lower_masks",
    "vector.lower_contraction",
    "vector.lower_transpose",
)


@dataclass(frozen=True)
class LowerVectorToLlvm(Pass):
    """Lower vector transfers/loads/stores and vector arithmetic to the LLVM dialect with the given index width."""

    name: ClassVar[str] = "lower-vector-to-llvm"
    scope: ClassVar[str] = "builtin.module"

    index_bitwidth: int = option(
        0, "bits of index in memref descriptors; 0 = the module's DLTI index width (else 64)", choices=(0, 32, 64)
    )
    use_vector_alignment: bool = option(False, "align vector loads/stores to the vector type (aligned HVX vmem)")

    def apply(self, module: AnyOp) -> None:
        bits = self.index_bitwidth or _dlti_index_bits(module) or 64
        if bits not in (32, 64):  # from the module's DLTI spec (the option itself is validated when built)
            raise PassFailure(f"lower-vector-to-llvm: the module's DLTI index width {bits} is not 32 or 64", module)
        align = " use_vector_alignment = true" if self.use_vector_alignment else ""
        script = Script()
        script.apply_patterns(ROOT, _VECTOR_LOWERINGS)
        script.apply_conversion_patterns(
            ROOT,
            [f"vector.vector_to_llvm{align}"],
            f"memref.memref_to_llvm_type_converter {{index_bitwidth = {bits}}}",
            legal_dialects=["llvm"],
        )
        run_script(module, script)


def _dlti_index_bits(module: AnyOp) -> int | None:
    """The `index` width of the module's `dlti.dl_spec` (set by set-target), if any."""
    attrs = module.operation.attributes
    if "dlti.dl_spec" not in attrs:
        return None
    m = re.search(r"index\s*=\s*(\d+)", str(attrs["dlti.dl_spec"]))
    return int(m.group(1)) if m else None
