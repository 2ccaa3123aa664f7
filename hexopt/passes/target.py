"""set-target: the module attributes that tell the LLVM lowering which machine it compiles for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Pass, PassFailure, option

#: The data layout linalg-hexagon-translate gives Hexagon modules (32-bit pointers and index,
#: HVX vectors aligned to their size).
HEXAGON_DATA_LAYOUT = (
    "e-m:e-p:32:32:32-a:0-n16:32-i64:64:64-i32:32:32-i16:16:16-i1:8:8-f32:32:32-f64:64:64"
    "-v32:32:32-v64:64:64-v512:512:512-v1024:1024:1024-v2048:2048:2048"
)
HEXAGON_TRIPLE = "hexagon-unknown-linux-musl"

_TARGETS = ("host", "hexagon")


@dataclass(frozen=True)
class SetTarget(Pass):
    """Set the module's index width (DLTI), LLVM triple and data layout for the host or Hexagon."""

    name: ClassVar[str] = "set-target"
    scope: ClassVar[str] = "builtin.module"

    target: str = option("hexagon", "host (the JIT's machine, 64-bit index) or hexagon (32-bit)")
    index_bitwidth: int = option(0, "index width in bits; 0 = the target's (64 host, 32 hexagon)")
    triple: str = option("", "LLVM target triple; empty = the target's (hexagon-unknown-linux-musl; none on host)")
    c_interface: bool = option(False, "mark public functions llvm.emit_c_interface (for ExecutionEngine.invoke)")

    def apply(self, module) -> None:
        from hexopt.ir import ir

        target = self.target.lower()
        if target not in _TARGETS:
            raise PassFailure(f"set-target: unknown target '{self.target}' (choices: {', '.join(_TARGETS)})")
        bits = self.index_bitwidth or (32 if target == "hexagon" else 64)
        if bits not in (32, 64):
            raise PassFailure(f"set-target: index-bitwidth must be 32 or 64, got {bits}")
        attrs = module.operation.attributes
        attrs["dlti.dl_spec"] = ir.Attribute.parse(f"#dlti.dl_spec<index = {bits} : i64>")
        triple = self.triple or (HEXAGON_TRIPLE if target == "hexagon" else "")
        if triple:
            attrs["llvm.target_triple"] = ir.StringAttr.get(triple)
        elif "llvm.target_triple" in attrs:
            # triton-shared stamps "hexagon" on its output; the host JIT chooses its own triple.
            del attrs["llvm.target_triple"]
        if target == "hexagon":
            attrs["llvm.data_layout"] = ir.StringAttr.get(HEXAGON_DATA_LAYOUT)
        elif "llvm.data_layout" in attrs:
            del attrs["llvm.data_layout"]
        if self.c_interface:
            for op in module.body.operations:
                if op.operation.name in ("func.func", "llvm.func") and "sym_visibility" not in op.attributes:
                    op.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
