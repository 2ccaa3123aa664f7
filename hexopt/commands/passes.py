"""`hexopt passes [NAME]`: hexopt's own passes with their options (name, type, default, rule, help)."""

from __future__ import annotations

import click

from hexopt.errors import UsageError
from hexopt.options import did_you_mean, format_value

from .common import CONTEXT, reports_errors


@click.command("passes", context_settings=CONTEXT)
@click.argument("name", required=False)
@reports_errors
def passes_cmd(name: str | None) -> None:
    """List hexopt's passes with their options, or show one pass."""
    from hexopt.passes import REGISTRY, get_pass_class

    if name is not None and name not in REGISTRY:
        raise UsageError(f"no hexopt pass '{name}'{did_you_mean(name, list(REGISTRY))}", exit_code=1)
    for n in [name] if name else sorted(REGISTRY):
        cls = get_pass_class(n)
        doc = cls.summary() if name is None else (cls.__doc__ or "").strip()
        click.echo(f"{n}  [{cls.scope}]  {doc}" if name is None else f"{n}  [{cls.scope}]\n  {doc}")
        for o in cls.options():
            rule = o.rule()
            click.echo(f"    --{o.name}: {o.type} = {format_value(o.default)}{f' [{rule}]' if rule else ''}  {o.help}")
