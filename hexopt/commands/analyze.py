"""`hexopt analyze`: the static Hexagon cycle model (hexopt.backend.cycles) of a kernel, as a report.

Input: a Hexagon object (disassembled with llvm-objdump), LLVM's Hexagon assembly, or LLVM-dialect MLIR
(translated to assembly first, in a guarded child process).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hexopt.errors import InputError

from .common import CONTEXT, reports_errors

if TYPE_CHECKING:
    from hexopt.backend.cycles import Estimate


def load_assembly(path: str, arch: str | None, hvx_float: bool) -> tuple[str, str]:
    """(assembly or disassembly text, the arch it is for) of an object, an assembly file or LLVM-dialect MLIR."""
    from hexopt.backend import cycles
    from hexopt.backend.translate import TargetOptions

    if not os.path.exists(path):
        raise InputError(f"cannot read {path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"cannot read {path}: it is a directory")
    try:
        head = Path(path).read_bytes()[:4]
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from None
    options = TargetOptions(arch=arch, hvx_float=hvx_float).resolve()
    resolved = options.arch or "v73"
    if head == b"\x7fELF":
        return cycles.disassemble(path), resolved
    try:
        text = Path(path).read_text()
    except UnicodeDecodeError:
        raise InputError(f"{path}: neither a Hexagon object (ELF) nor assembly or MLIR text") from None
    if "llvm.func" in text or "func.func" in text or path.endswith(".mlir"):
        from hexopt.backend.translate import translate_guarded

        return translate_guarded(options, "asm", path=path).decode(), resolved
    return text, resolved


def _parse_trips(values: tuple[str, ...]) -> dict[str, float]:
    trips = {}
    for v in values:
        label, eq, count = v.partition("=")
        try:
            trips[label.strip()] = float(count)
        except ValueError:
            raise click.BadParameter(f"'{v}' is not LABEL=COUNT", param_hint="--trip") from None
        if not eq or not label.strip() or trips[label.strip()] < 0:
            raise click.BadParameter(f"'{v}' is not LABEL=COUNT", param_hint="--trip")
    return trips


def _fmt(x: float) -> str:
    return f"{x:,.0f}"


def format_report(est: Estimate, source: str) -> str:
    """The human-readable report of an Estimate."""
    from hexopt.backend.cycles import HVX_LANES_F32, HVX_RESOURCES, HvxResources

    lines = [
        f"hexopt analyze: {est.kernel} ({source}), {est.arch}, grid {est.grid}, {est.threads} HVX "
        f"thread{'s' if est.threads != 1 else ''}"
    ]
    lines.append(f"{'function':<32} {'role':<11} {'packets/call':>14} {'calls/grid run':>15} {'packets/grid run':>17}")
    for f in est.functions:
        if not f.calls_per_grid_run:
            continue
        lines.append(
            f"{f.name:<32} {f.role:<11} {_fmt(f.packets_per_call):>14} {f.calls_per_grid_run:>15,.6g} "
            f"{_fmt(f.packets_per_grid_run):>17}"
        )
    lines.append(f"own code per grid run: {_fmt(est.own_packets_per_grid_run)} packets")
    lines.append(f"library calls per grid run (modelled): {_fmt(est.library_packets_per_grid_run)} packets")
    lines.append(f"packets per call: {_fmt(est.packets_per_call)}")
    lines.append(f"packets per grid run: {_fmt(est.packets_per_grid_run)}")
    if est.tasks_per_grid_run:
        lines.append(
            f"async tasks per grid run: {est.tasks_per_grid_run:,.6g} in groups of {est.tasks_per_group:.3g}; "
            f"serial {_fmt(est.serial_packets_per_grid_run)}, in tasks {_fmt(est.parallel_packets_per_grid_run)}"
        )
    lines.append(
        f"packets per thread with {est.threads} HVX context{'s' if est.threads != 1 else ''}: "
        f"{_fmt(est.packets_per_thread())}"
    )
    res = HVX_RESOURCES.get(est.arch, HvxResources())
    h = est.hvx_per_grid_run
    lines.append(
        f"HVX per grid run: {_fmt(h.multiply)} f32 vmpy, {_fmt(h.add)} f32 vadd/vsub, {_fmt(h.load)} vector "
        f"loads, {_fmt(h.store)} vector stores, {_fmt(h.instructions)} HVX instructions"
    )
    lanes = HVX_LANES_F32
    lines.append(
        f"HVX roofline ({est.arch} per packet: {res.multiply:g} qf32 vmpy = {res.multiply * lanes:g} lanes, "
        f"{res.shift:g} qf32 vadd/vsub = {res.shift * lanes:g} lanes, {res.load:g} vector load, "
        f"{res.store:g} vector store, {res.slots:g} instructions):"
    )
    if est.roofline.packets > 0:
        parts = ", ".join(f"{k} {_fmt(v)}" for k, v in est.roofline.by_resource.items())
        lines.append(f"  {parts}")
        lines.append(
            f"  bound: {_fmt(est.roofline.packets)} packets per grid run ({est.roofline.bound}); "
            f"estimate / roofline = {est.roofline_ratio:.2f} ({est.own_roofline_ratio:.2f} for the own "
            "code alone)"
        )
    else:
        lines.append("  no HVX work: no roofline (a scalar build, e.g. --no-hvx-float)")
    lines.append("loops (trip = body executions per entry):")
    for f in est.functions:
        for lp in f.loops:
            if lp.entries:
                trip = "?" if lp.trip is None else f"{lp.trip:,.6g}"
                lines.append(
                    f"  {f.name} {lp.header}: depth {lp.depth}, trip {trip} ({lp.source}), "
                    f"entered {lp.entries:,.6g}x per call"
                )
    for w in est.warnings:
        lines.append(f"warning: {w}")
    return "\n".join(lines)


@click.command("analyze", context_settings=CONTEXT)
@click.argument("input", metavar="KERNEL.o|KERNEL.s|KERNEL.llvm.mlir")
@click.option("--grid", type=click.IntRange(1), default=1, show_default=True, help="programs per grid run")
@click.option(
    "--threads",
    type=click.IntRange(1),
    default=4,
    show_default=True,
    help="HVX contexts running the async tasks (for packets per thread)",
)
@click.option(
    "--arch",
    default=None,
    metavar="v68|v69|v73|v75|v79",
    help="Hexagon arch of MLIR input and of the roofline [default: $HEXAGON_ARCH_VERSION, else v73]",
)
@click.option(
    "--hvx-float/--no-hvx-float",
    default=True,
    show_default=True,
    help="for MLIR input: translate with HVX float (off: the scalar build qemu runs)",
)
@click.option("--kernel", default=None, help="the kernel function [default: the one no other function calls]")
@click.option(
    "--trip",
    "trips",
    multiple=True,
    metavar="LABEL=N",
    help="trip count of a loop the model cannot find (its header label, as printed)",
)
@click.option("--json", "as_json", is_flag=True, help="print the estimate as JSON")
@reports_errors
def analyze_cmd(
    input: str,
    grid: int,
    threads: int,
    arch: str | None,
    hvx_float: bool,
    kernel: str | None,
    trips: tuple[str, ...],
    as_json: bool,
) -> None:
    """Estimate the packets a Hexagon kernel executes per call and per grid run (static cycle model).

    Reads a Hexagon object (disassembled with llvm-objdump), LLVM's Hexagon assembly
    (`hexopt translate --emit asm`) or LLVM-dialect MLIR (translated first). Prints, per function,
    packets per call and per grid run (the kernel runs once per program, async bodies once per
    task), packets per thread with N HVX contexts, and the ratio to the HVX resource roofline.
    docs/cycle-model.md says what is modelled and how it was validated.
    """
    from hexopt.backend import cycles

    trip_counts = _parse_trips(trips)
    text, arch_used = load_assembly(input, arch, hvx_float)
    est = cycles.estimate(text, grid=grid, threads=threads, kernel=kernel, arch=arch_used, trip_counts=trip_counts)
    if as_json:
        click.echo(json.dumps(est.to_json(), indent=1))
    else:
        click.echo(format_report(est, os.path.basename(input)))
