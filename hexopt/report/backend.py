"""Back-end figures for the report's summary, read from a Hexagon assembly listing (static counts).

Static: instructions and packets in the code, not what runs, and the cycle model's estimate of the
packets one call runs (hexopt.backend.cycles). LLVM's Hexagon printer puts every packet in `{ ... }`.
"""

from __future__ import annotations

import os
import re
from typing import Any

_HVX = re.compile(r"\b(?:v\d+(?::\d+)?|vmemu?|q[0-3])\b")
_CALL = re.compile(r"\bcall\s+([\w.@]+)")


def asm_figures(asm: str) -> dict[str, str]:
    """{label: value} of a Hexagon .s file: packets, instructions, HVX instructions, qf32 ops, calls."""
    packets = 0
    insns: list[str] = []
    for line in asm.splitlines():
        body = line.split("//")[0].strip()
        if not line.startswith(("\t", " ")) or not body or body.startswith("."):
            continue  # labels, directives
        if body.startswith("{"):
            packets += 1
            body = body[1:].strip()
        if body.startswith("}"):
            continue
        if body:
            insns.append(body)
    hvx = [i for i in insns if _HVX.search(i)]
    calls: dict[str, int] = {}
    for i in insns:
        m = _CALL.search(i)
        if m:
            calls[m.group(1)] = calls.get(m.group(1), 0) + 1
    top = ", ".join(f"{n} {c}" for c, n in sorted(calls.items(), key=lambda kv: -kv[1])[:6])
    return {
        "packets (static)": str(packets),
        "instructions": str(len(insns)),
        "HVX instructions": str(len(hvx)),
        "HVX .qf32 ops": str(sum(1 for i in hvx if ".qf32" in i)),
        "calls": top or "none",
    }


def compile_figures(options: Any, emit: str, output: str, lowered: str) -> dict[str, str]:
    """`hexopt compile`'s figures: the output's size and, for Hexagon, static counts of its assembly.

    `options` is the resolved hexopt.backend.translate.TargetOptions; for an object the LLVM-dialect
    module `lowered` is translated once more to assembly (only when a report is asked for).
    """
    figures = {"output": f"{output} ({emit}, {os.path.getsize(output)} bytes)"}
    if options.target != "hexagon":
        figures["target"] = options.target
        return figures
    figures["target"] = f"{options.cpu} ({options.features})"
    if emit in ("obj", "asm"):
        if emit == "asm":
            with open(output) as f:
                asm = f.read()
        else:
            from ..backend.translate import translate_guarded

            asm = translate_guarded(options, "asm", text=lowered).decode()
        figures.update(asm_figures(asm))
        figures.update(estimate_figures(asm))
    return figures


def estimate_figures(asm: str) -> dict[str, str]:
    """The cycle model's packets per call of the kernel (docs/cycle-model.md); its failure is a figure too."""
    from ..backend.cycles import estimate
    from ..errors import HexoptError

    try:
        est = estimate(asm)
    except HexoptError as e:
        return {"packets per call (cycle model)": f"not estimated: {e.message}"}
    line = f"{est.packets_per_call:,.0f} ({est.kernel})"
    if est.warnings:
        line += f"; {len(est.warnings)} warning(s): {est.warnings[0]}"
    return {"packets per call (cycle model)": line}
