"""check-memory-spaces: reject memrefs in a memory space the lowering cannot handle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyType, ir

from .base import Pass, PassFailure, option


@dataclass(frozen=True)
class CheckMemorySpaces(Pass):
    """Reject a memref in a non-default memory space (e.g. VTCM, space 1), with its location."""

    name: ClassVar[str] = "check-memory-spaces"

    # Why a check and not a lowering: finalize-memref-to-llvm aborts the process on some such
    # inputs (an assertion) and emits calls of `free` on `!llvm.ptr<1>` on others; hexopt has no
    # VTCM support (the reference's enableVTCMTiling, off for flash attention).
    allowed: str = option("", "comma-separated memory spaces to accept besides the default one")

    def apply(self, module: AnyOp) -> None:
        allowed = {s.strip() for s in self.allowed.split(",") if s.strip()}
        bad: list[tuple[AnyOp, str]] = []

        def check_type(t: AnyType) -> str | None:
            if isinstance(t, (ir.MemRefType, ir.UnrankedMemRefType)) and t.memory_space is not None:
                space = str(t.memory_space).split(":")[0].strip()
                if space not in allowed:
                    return str(t)
            return None

        def visit(op: AnyOp) -> object:
            types = [v.type for v in op.results] + [a.type for r in op.regions for b in r.blocks for a in b.arguments]
            for t in types:
                found = check_type(t)
                if found:
                    bad.append((op, found))
                    return ir.WalkResult.INTERRUPT
            return ir.WalkResult.ADVANCE

        module.operation.walk(visit)
        if bad:
            op, t = bad[0]
            raise PassFailure(
                f"'{op.name}' uses {t}: memrefs outside the default memory space (VTCM) are not "
                "supported by hexopt's lowering",
                op,
                unsupported=True,
            )
