"""`hexopt bench`: run a kernel on random inputs (host JIT or qemu-hexagon), check it, print Test_Info."""

from __future__ import annotations

import click

from .common import CONTEXT, parse_assignments, pipeline_options, reports_errors


@click.command("bench", context_settings=CONTEXT)
@click.argument("input", metavar="INPUT")
@click.option(
    "--target",
    type=click.Choice(["hexagon", "host"], case_sensitive=False),
    default="hexagon",
    show_default=True,
    help="hexagon: a static executable under qemu-hexagon (HVX float off); host: the MLIR JIT",
)
@pipeline_options
@click.option(
    "--kernel",
    default=None,
    metavar="NAME",
    help="a kernel hexopt knows (the modules of hexopt/kernels): its inputs, grid and reference [default: by the "
    "input's function name]",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="a problem size of --kernel, e.g. n-ctx=512 (must match what the input was built for)",
)
@click.option("--grid", default=None, metavar="X[,Y[,Z]]", help="programs of the grid [default: the kernel's, else 1]")
@click.option(
    "--arg",
    "arg_specs",
    multiple=True,
    metavar="I=SHAPExDTYPE|I=VALUE",
    help="argument I (0-based): an array's shape and type (1x1024xf32) or a scalar's value",
)
@click.option("--input", "input_files", multiple=True, metavar="I=FILE.npy", help="argument I's data from a .npy file")
@click.option(
    "--reference",
    "reference_files",
    multiple=True,
    metavar="I=FILE.npy",
    help="the expected value of output argument I [default: the kernel's reference, else the baseline "
    "pipeline's result]",
)
@click.option(
    "--tolerance",
    "tolerance_specs",
    multiple=True,
    metavar="[I=]RTOL,ATOL",
    help="numpy.allclose tolerances of output I (without I=: of every output) [default: the kernel's, else "
    "1e-5,1e-8 for f32 and 1e-3,1e-3 for f16]",
)
@click.option(
    "--check",
    type=click.Choice(["auto", "none"]),
    default="auto",
    show_default=True,
    help="none: run and time without checking the outputs",
)
@click.option("--arch", default=None, help="Hexagon arch [default: $HEXAGON_ARCH_VERSION, else v73]")
@click.option(
    "--iterations",
    type=click.IntRange(1),
    default=None,
    help="timed runs of the grid [default: 10 on the host, 1 under qemu]",
)
@click.option("--seed", type=int, default=0, show_default=True, help="seed of the random inputs")
@click.option("--threads", type=click.IntRange(1), default=None, help="async runtime worker threads (Hexagon)")
@click.option("--keep", type=click.Path(file_okay=False), default=None, help="keep the build products here")
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    default=None,
    help="write an HTML report of the target build's stages with the run's figures; $HEXOPT_REPORT too",
)
@reports_errors
def bench_cmd(
    input: str,
    target: str,
    pipeline: str | None,
    sets: tuple[str, ...],
    kernel: str | None,
    params: tuple[str, ...],
    grid: str | None,
    arg_specs: tuple[str, ...],
    input_files: tuple[str, ...],
    reference_files: tuple[str, ...],
    tolerance_specs: tuple[str, ...],
    check: str,
    arch: str | None,
    iterations: int | None,
    seed: int,
    threads: int | None,
    keep: str | None,
    report: str | None,
) -> None:
    """Run a triton-shared kernel (Linalg, or already lowered) on inputs, check its outputs, print Test_Info.

    Known kernels (hexopt/kernels) bring their inputs, grid and reference. For
    any other kernel, arrays get the sizes the kernel reaches (or --arg), random inputs (or --input),
    and are checked against the baseline pipeline's lowering run on the host (or --reference). Before
    running, hexopt checks that the kernel's accesses stay inside the buffers for this grid.
    Under qemu the object is built with HVX float off (qemu 7.2 cannot execute HVX float).
    """
    import sys

    from hexopt.commands.common import read_input
    from hexopt.runner.bench import (
        BenchRequest,
        _index_map,
        _parse_grid,
        parse_tolerances,
        print_result,
        run_bench,
    )

    read_input(input)  # a clear error for a missing, binary or directory input
    req = BenchRequest(
        input=input,
        target=target.lower(),
        pipeline=pipeline,
        sets=parse_assignments(sets, "--set"),
        kernel=kernel,
        params=parse_assignments(params, "--param"),
        grid=_parse_grid(grid) if grid else None,
        args=_index_map(parse_assignments(arg_specs, "--arg"), "--arg"),
        inputs=_index_map(parse_assignments(input_files, "--input"), "--input"),
        references=_index_map(parse_assignments(reference_files, "--reference"), "--reference"),
        tolerances=parse_tolerances(tolerance_specs),
        check=check,
        iterations=iterations,
        seed=seed,
        threads=threads,
        arch=arch,
        keep=keep,
        report=report,
    )
    result = run_bench(req, log=lambda line: click.echo(line, err=True))
    print_result(result)
    if not result.passed:
        sys.exit(1)
