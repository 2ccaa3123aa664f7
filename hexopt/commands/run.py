"""`hexopt run [PIPELINE] INPUT`: run a YAML or textual pipeline on MLIR (the `linalg-hexagon-opt` step)."""

from __future__ import annotations

import os
from typing import Any

import click

from hexopt.errors import HexoptError, PipelineError, UsageError
from hexopt.options import did_you_mean

from .common import CONTEXT, fail, parse_assignments, read_input


@click.command("run", context_settings=CONTEXT)
@click.argument("args", nargs=-1, metavar="[PIPELINE] INPUT")
@click.option(
    "-p",
    "--pass-pipeline",
    "text_pipeline",
    metavar="TEXT",
    help="Run a textual MLIR pipeline, e.g. 'builtin.module(canonicalize,hexagon-fusion)'.",
)
@click.option(
    "-o",
    "--output",
    metavar="OUT",
    help="Write the result here instead of stdout (a regular file is replaced atomically).",
)
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a pipeline option (repeatable).")
@click.option("--print-ir-after-all", is_flag=True, help="Print the IR after every pass to stderr.")
@click.option("--print-ir-after", multiple=True, metavar="PASS", help="Print the IR after each run of PASS.")
@click.option("--dump-dir", metavar="DIR", help="Write the IR of every stage: 00-input.mlir, 01-<pass>.mlir, ...")
@click.option("--stop-after", metavar="PASS", help="Stop after the first run of PASS (inspect one stage).")
@click.option("--timing", is_flag=True, help="Print a per-pass time table to stderr.")
@click.option("--no-verify", is_flag=True, help="Do not verify the IR after each pass.")
@click.option(
    "--repro-dir",
    metavar="DIR",
    help="Where to save a reproducer when a pass fails or crashes [default: a new directory under "
    "hexopt's cache, ~/.cache/hexopt/repro]",
)
@click.option(
    "--report", metavar="PATH", help="Write an HTML report of every stage (also of a failed run); $HEXOPT_REPORT too."
)
@click.option("--in-process", is_flag=True, hidden=True, help="Run without the crash guard (debugging, benchmarks).")
def run_cmd(
    args: tuple[str, ...],
    text_pipeline: str | None,
    output: str | None,
    sets: tuple[str, ...],
    print_ir_after_all: bool,
    print_ir_after: tuple[str, ...],
    dump_dir: str | None,
    stop_after: str | None,
    timing: bool,
    no_verify: bool,
    repro_dir: str | None,
    report: str | None,
    in_process: bool,
) -> None:
    """Run a pipeline on INPUT (a path, or - for stdin) and print the result.

    PIPELINE is a YAML file or the name of a shipped pipeline (hexagon, host, baseline, ...;
    see `hexopt pipeline list`); it defaults to `hexagon`. With -p, give only INPUT.
    MLIR_ENABLE_DUMP=1 in the environment acts like --print-ir-after-all.
    """
    from hexopt.lowering import lower
    from hexopt.output import check_writable, write_output

    sources: dict[str, str] = {}
    try:
        specs = _specs(args, text_pipeline, sets, sources)
        input_path = args[-1]
        if stop_after:
            specs = _truncate(specs, stop_after)
        for name in print_ir_after:
            if not any(s.name == name for s in specs):
                raise PipelineError(
                    f"--print-ir-after: the pipeline has no pass '{name}'{did_you_mean(name, [s.name for s in specs])}"
                )
        if repro_dir and os.path.exists(repro_dir) and not os.path.isdir(repro_dir):
            raise UsageError(f"--repro-dir {repro_dir}: exists and is not a directory")
        if dump_dir and os.path.exists(dump_dir) and not os.path.isdir(dump_dir):
            raise UsageError(f"--dump-dir {dump_dir}: exists and is not a directory")
        check_writable(output)
        text, name = read_input(input_path)
        sources[name] = text
        from hexopt.report import report_run

        label = text_pipeline if text_pipeline is not None else (args[0] if len(args) == 2 else "hexagon")
        with report_run(
            report, specs=specs, input_name=name, pipeline_name=label, dump_dir=dump_dir, input_text=text
        ) as rep:
            result = lower(
                text,
                specs,
                source_name=name,
                guarded=not in_process,
                verify=not no_verify,
                print_ir_after_all=print_ir_after_all,
                print_ir_after=print_ir_after,
                dump_dir=rep.dump_dir,
                repro_dir=repro_dir,
            )
            write_output(output, result.text)
        if timing:
            _print_timing(result.timings)
    except HexoptError as e:
        fail(e, sources)


def _specs(
    args: tuple[str, ...], text_pipeline: str | None, sets: tuple[str, ...], sources: dict[str, str]
) -> list[Any]:
    from hexopt.pipeline import load_pipeline, parse_textual, pipeline_names

    if text_pipeline is not None:
        if len(args) != 1:
            raise UsageError("with -p/--pass-pipeline give exactly one INPUT")
        if sets:
            raise UsageError("--set applies to YAML pipelines, not to -p")
        sources["<pass-pipeline>"] = text_pipeline
        return parse_textual(text_pipeline, "<pass-pipeline>")
    if len(args) == 2:
        pipeline_ref, input_path = args
        if (
            input_path.endswith((".yaml", ".yml"))
            and not pipeline_ref.endswith((".yaml", ".yml"))
            and os.path.isfile(pipeline_ref)
        ):
            raise UsageError(
                f"arguments in the wrong order? give the pipeline first: hexopt run {input_path} {pipeline_ref}"
            )
        if input_path in pipeline_names() and not os.path.exists(input_path) and os.path.isfile(pipeline_ref):
            raise UsageError(
                f"arguments in the wrong order? give the pipeline first: hexopt run {input_path} {pipeline_ref}"
            )
    elif len(args) == 1:
        if args[0] in pipeline_names() and not os.path.exists(args[0]):
            raise UsageError(f"missing INPUT ('{args[0]}' is a pipeline): hexopt run {args[0]} INPUT.mlir")
        pipeline_ref = "hexagon"
    else:
        raise UsageError("expected [PIPELINE] INPUT")
    return load_pipeline(pipeline_ref, parse_assignments(sets, "--set")).passes


def _truncate(specs: list[Any], stop_after: str) -> list[Any]:
    for i, spec in enumerate(specs):
        if spec.name == stop_after:
            return specs[: i + 1]
    names = list(dict.fromkeys(s.name for s in specs))
    raise PipelineError(f"--stop-after: the pipeline has no pass '{stop_after}'{did_you_mean(stop_after, names)}")


def _print_timing(timings: list[tuple[str, float]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="hexopt pass timing", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("pass")
    table.add_column("ms", justify="right")
    table.add_column("%", justify="right")
    total = sum(s for _, s in timings) or 1e-12
    for i, (name, s) in enumerate(timings, 1):
        table.add_row(str(i), name if len(name) < 70 else name[:67] + "...", f"{s * 1e3:.2f}", f"{100 * s / total:.1f}")
    table.add_row("", "total", f"{total * 1e3:.2f}", "100.0")
    Console(stderr=True, width=120).print(table)
