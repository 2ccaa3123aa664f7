"""`hexopt compile`: Linalg to a Hexagon (or host) object in one command: run + translate (+ link)."""

from __future__ import annotations

import os

import click

from hexopt.errors import HexoptError, PipelineError, UsageError

from .common import CONTEXT, fail, parse_assignments, pipeline_options, read_input, target_of, target_options


@click.command("compile", context_settings=CONTEXT)
@click.argument("input", metavar="INPUT")
@click.option("-o", "--output", required=True, help="the object (or assembly / LLVM IR / MLIR with --emit)")
@pipeline_options
@click.option(
    "--emit",
    type=click.Choice(["obj", "asm", "llvm", "mlir"], case_sensitive=False),
    default="obj",
    show_default=True,
    help="object, assembly, LLVM IR, or the LLVM-dialect MLIR",
)
@target_options()
@click.option("--shared", metavar="LIB.so", default=None, help="also link the object into this shared library")
@click.option(
    "--keep",
    type=click.Path(file_okay=False),
    default=None,
    help="keep the intermediate LLVM-dialect MLIR here (kernel.llvm.mlir)",
)
@click.option(
    "--report",
    metavar="PATH",
    default=None,
    help="write an HTML report of every stage and the back-end figures; $HEXOPT_REPORT too",
)
@click.option(
    "--signature",
    multiple=True,
    metavar="NAME=TYPE,...",
    help="with INPUT = FILE.py:KERNEL: parameter types, as for `hexopt triton`",
)
@click.option(
    "--constexpr",
    "constexprs",
    multiple=True,
    metavar="NAME=VALUE,...",
    help="with INPUT = FILE.py:KERNEL: constexpr values, as for `hexopt triton`",
)
def compile_cmd(
    input: str,
    output: str,
    pipeline: str | None,
    sets: tuple[str, ...],
    emit: str,
    target: str,
    arch: str | None,
    opt: int,
    hvx_float: bool,
    shared: str | None,
    keep: str | None,
    report: str | None,
    signature: tuple[str, ...],
    constexprs: tuple[str, ...],
) -> None:
    """Compile a Linalg kernel (triton-shared IR), or FILE.py:KERNEL (a @triton.jit kernel), to a Hexagon object.

    The same as `hexopt run PIPELINE INPUT` followed by `hexopt translate` (and `hexopt link`
    with --shared): every stage keeps its crash guard and its error messages.
    """
    from hexopt.backend.translate import translate_guarded
    from hexopt.commands.triton import is_triton_spec, triton_source
    from hexopt.lowering import lower
    from hexopt.output import check_writable, write_output
    from hexopt.pipeline import load_pipeline

    target, emit = target.lower(), emit.lower()
    sources: dict[str, str] = {}
    try:
        if shared and emit != "obj":
            raise UsageError("--shared needs --emit obj")
        if shared and target != "hexagon":
            raise UsageError("--shared links Hexagon libraries: it needs --target hexagon")
        options = target_of(target, arch, opt, hvx_float)
        p = load_pipeline(pipeline or target, parse_assignments(sets, "--set"))
        if str(p.values.get("target", target)) != target:
            raise PipelineError(
                f"pipeline '{p.name}' compiles for {p.values['target']}; --target {target} needs "
                f"a pipeline for {target} (e.g. --pipeline {target})"
            )
        check_writable(output)
        check_writable(shared)
        if is_triton_spec(input):  # a @triton.jit kernel: its TTIR goes in (the pipeline converts it first)
            text, name = triton_source(input, signature, constexprs)
        else:
            text, name = read_input(input)
        sources[name] = text
        from hexopt.report import report_run

        with report_run(report, specs=p.passes, input_name=name, pipeline_name=p.name, input_text=text) as rep:
            lowered = lower(text, p.passes, source_name=name, dump_dir=rep.dump_dir).text
            if keep:
                os.makedirs(keep, exist_ok=True)
                write_output(os.path.join(keep, "kernel.llvm.mlir"), lowered)
            if emit == "mlir":
                write_output(output, lowered)
                return
            data = translate_guarded(options, emit, text=lowered)
            write_output(output, data if emit == "obj" else data.decode())
            if rep.path:
                from hexopt.report.backend import compile_figures

                rep.backend.update(compile_figures(options, emit, output, lowered))
        if shared:
            from hexopt.backend.link import link_shared

            res = link_shared(output, shared)
            click.echo(f"hexopt: wrote {output} and {shared} (exports {', '.join(res.exported)})", err=True)
    except HexoptError as e:
        fail(e, sources)
