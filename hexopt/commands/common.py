"""What every command shares: error printing, input reading, NAME=VALUE lists and option groups.

Commands are click commands in their own modules; they import nothing heavy at module level (the
MLIR bindings never load in the CLI process) and report every failure through `fail`.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import click

from hexopt.diagnostics import format_diagnostic
from hexopt.errors import HexoptError, InputError, UsageError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

F = TypeVar("F", bound=Callable[..., Any])


def fail(error: HexoptError, sources: dict[str, str] | None = None) -> NoReturn:
    """Print a user-facing error (diagnostics with source lines and carets, then notes) and exit."""
    sources = dict(sources or {})
    for d in error.diagnostics:
        if d.file and d.file not in sources and os.path.isfile(d.file):
            try:
                with open(d.file, encoding="utf-8") as f:
                    sources[d.file] = f.read()
            except (OSError, UnicodeDecodeError):
                pass
    for d in error.diagnostics:
        click.echo(format_diagnostic(d, sources), err=True)
    said = {d.message for d in error.diagnostics}
    if error.message not in said and not (error.diagnostics and error.kind == "input"):
        click.echo(f"hexopt: error: {error.message}", err=True)
    if error.hint:
        click.echo(f"hexopt: note: {error.hint}", err=True)
    sys.exit(error.exit_code)


def reports_errors(command: F) -> F:
    """Turn a HexoptError raised by a command into its printed error and exit status."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except HexoptError as e:
            fail(e, getattr(e, "sources", None))

    return wrapper  # type: ignore[return-value]


def read_input(path: str) -> tuple[str, str]:
    """(text, display name) of an input file, or of stdin for '-'; InputError when it is not MLIR text."""
    if path == "-":
        stream = sys.stdin
        if stream is None or stream.closed:
            raise InputError("cannot read <stdin>: standard input is closed")
        try:
            data = stream.buffer.read()
        except (OSError, ValueError) as e:
            raise InputError(f"cannot read <stdin>: {e}") from None
        name = "<stdin>"
    else:
        if os.path.isdir(path):
            raise InputError(f"cannot read {path}: it is a directory")
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise InputError(f"cannot read {path}: {e.strerror}") from None
        name = path
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"cannot read {name}: not a text file (invalid UTF-8)") from None
    if "\x00" in text:
        raise InputError(f"cannot read {name}: not a text file (it contains NUL bytes)")
    return text, name


def parse_assignments(values: Sequence[str], option: str) -> dict[str, str]:
    """['a=1', 'b = x'] -> {'a': '1', 'b': 'x'}: the one NAME=VALUE parser (--set, --constexpr, --arg ...)."""
    out: dict[str, str] = {}
    for v in values:
        key, eq, value = v.partition("=")
        if not eq or not key.strip():
            raise UsageError(f"{option}: '{v}' is not NAME=VALUE")
        out[key.strip()] = value.strip()
    return out


# --- option groups --------------------------------------------------------------------------------


def target_options(hexagon_only: bool = False, opt_level: bool = True) -> Callable[[F], F]:
    """--target, --arch, -O, --hvx-float/--no-hvx-float: what code generation needs (hexopt.backend.TargetOptions)."""

    def decorate(f: F) -> F:
        opts = []
        if not hexagon_only:
            opts.append(
                click.option(
                    "--target",
                    type=click.Choice(["hexagon", "host"], case_sensitive=False),
                    default="hexagon",
                    show_default=True,
                    help="machine to generate code for: Hexagon, or the host (x86-64 JIT)",
                )
            )
        opts.append(
            click.option(
                "--arch",
                default=None,
                metavar="v68|v69|v73|v75|v79",
                help="Hexagon arch [default: $HEXAGON_ARCH_VERSION, else v73]",
            )
        )
        if opt_level:
            opts.append(
                click.option(
                    "-O", "opt", type=click.IntRange(0, 3), default=3, show_default=True, help="LLVM optimization level"
                )
            )
        opts.append(
            click.option(
                "--hvx-float/--no-hvx-float",
                default=True,
                show_default=True,
                help="HVX floating point (qf32); off: scalar float code that qemu-hexagon can run",
            )
        )
        for o in reversed(opts):
            f = o(f)
        return f

    return decorate


def pipeline_options(f: F) -> F:
    """--pipeline and --set: the YAML pipeline that lowers Linalg input, and its option overrides."""
    f = click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="NAME=VALUE",
        help="change a pipeline option (repeatable; `hexopt pipeline show PIPELINE --options` lists them)",
    )(f)
    f = click.option(
        "--pipeline",
        default=None,
        metavar="PIPELINE",
        help="YAML pipeline (a file or a shipped name) [default: the target's: hexagon or host]",
    )(f)
    return f


def target_of(target: str, arch: str | None, opt: int = 3, hvx_float: bool = True) -> Any:
    """The resolved TargetOptions (errors for unknown archs and the like)."""
    from hexopt.backend.translate import TargetOptions

    return TargetOptions(target=target.lower(), arch=arch, hvx_float=hvx_float, opt_level=opt).resolve()
