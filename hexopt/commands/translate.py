"""`hexopt translate`: LLVM-dialect MLIR to LLVM IR, Hexagon assembly or an object (`linalg-hexagon-translate`)."""

from __future__ import annotations

import click

from hexopt.errors import InputError

from .common import CONTEXT, read_input, reports_errors, target_of, target_options


@click.command("translate", context_settings=CONTEXT)
@click.argument("input", metavar="INPUT")
@click.option("-o", "--output", default="-", show_default=True, help="output file ('-': stdout)")
@click.option(
    "--emit",
    type=click.Choice(["llvm", "asm", "obj"], case_sensitive=False),
    default="obj",
    show_default=True,
    help="optimized LLVM IR, assembly or an ELF object",
)
@target_options()
@click.option("--hvx-length", default="128b", show_default=True, help="HVX vector length")
@reports_errors
def translate_cmd(
    input: str, output: str, emit: str, target: str, arch: str | None, opt: int, hvx_float: bool, hvx_length: str
) -> None:
    """Translate LLVM-dialect MLIR (from `hexopt run`) to LLVM IR, assembly or an object file.

    INPUT is a file or - for stdin. The module must have been lowered for the same target (the
    hexagon pipeline for --target hexagon, the host pipeline for --target host).
    """
    from dataclasses import replace

    from hexopt.backend.translate import translate_guarded
    from hexopt.output import check_writable, write_output

    options = replace(target_of(target, arch, opt, hvx_float), hvx_length=hvx_length).resolve()
    check_writable(output)
    if input == "-":
        text, _ = read_input("-")
        data = translate_guarded(options, emit.lower(), text=text)
    else:
        read_input(input)  # a clear error for a missing, binary or directory input
        data = translate_guarded(options, emit.lower(), path=input)
    if not data:
        raise InputError(f"translating {input} produced nothing")
    write_output(output, data if emit.lower() == "obj" else data.decode())
