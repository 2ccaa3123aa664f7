"""`hexopt pipeline show|list`: the textual MLIR pipeline a YAML pipeline compiles to, and the shipped ones.

No MLIR import: the pipeline is loaded and fully checked (hexopt passes through their options,
upstream passes through the pinned upstream schema) in the CLI process.
"""

from __future__ import annotations

import click

from hexopt.errors import HexoptError
from hexopt.options import format_value

from .common import CONTEXT, parse_assignments, reports_errors


@click.group("pipeline", context_settings=CONTEXT)
def pipeline_group() -> None:
    """Inspect YAML pipelines."""


@pipeline_group.command("show", context_settings=CONTEXT)
@click.argument("name", metavar="PIPELINE")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a pipeline option.")
@click.option("--options", "show_options", is_flag=True, help="Also list the pipeline's options (to stderr).")
@reports_errors
def pipeline_show(name: str, sets: tuple[str, ...], show_options: bool) -> None:
    """Print the one textual MLIR pipeline that PIPELINE compiles to (mlir-opt accepts it when it has only
    upstream passes)."""
    from hexopt.pipeline import load_pipeline

    p = load_pipeline(name, parse_assignments(sets, "--set"))
    if show_options:
        for decl in p.options.values():
            rule = decl.rule()
            click.echo(
                f"{decl.name} ({decl.type}) = {format_value(p.values[decl.name])}"
                f"{f' [{rule}]' if rule else ''}: {decl.help}",
                err=True,
            )
    click.echo(p.text())


@pipeline_group.command("list", context_settings=CONTEXT)
def pipeline_list() -> None:
    """List the pipelines shipped with hexopt."""
    from hexopt.pipeline import load_pipeline, pipeline_names

    for n in pipeline_names():
        try:
            desc = load_pipeline(n).description
        except HexoptError as e:
            desc = f"(broken: {e.message})"
        click.echo(f"{n:<16} {desc}")
