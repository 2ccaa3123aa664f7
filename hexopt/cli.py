"""The hexopt command line. It never imports the MLIR bindings itself (fast --help, no core dumps)."""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Sequence

import click

from .diagnostics import HexoptError, format_diagnostic

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def fail(error: HexoptError, sources: dict[str, str] | None = None) -> "NoReturn":  # noqa: F821
    """Print a user-facing error (diagnostics with source lines and carets) and exit."""
    sources = dict(sources or {})
    for d in error.diagnostics:
        if d.file and d.file not in sources and os.path.isfile(d.file):
            try:
                with open(d.file) as f:
                    sources[d.file] = f.read()
            except (OSError, UnicodeDecodeError):
                pass
    if error.diagnostics:
        for d in error.diagnostics:
            click.echo(format_diagnostic(d, sources), err=True)
    else:
        click.echo(f"hexopt: error: {error.message}", err=True)
    if error.diagnostics and error.message not in [d.message for d in error.diagnostics] and \
            not error.message.startswith("cannot parse"):
        click.echo(f"hexopt: error: {error.message}", err=True)
    if error.hint:
        click.echo(f"hexopt: note: {error.hint}", err=True)
    sys.exit(error.exit_code)


def read_input(path: str) -> tuple[str, str]:
    """(text, display name) of an input path or '-' for stdin."""
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        with open(path) as f:
            return f.read(), path
    except OSError as e:
        raise HexoptError(f"cannot read {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise HexoptError(f"cannot read {path}: not a text file") from None


class AtomicOutput:
    """A temp file beside OUT, renamed over it only on success (OUT keeps its content otherwise)."""

    def __init__(self, path: str | None):
        self.path = path
        self.tmp: str | None = None

    def __enter__(self) -> str:
        if self.path in (None, "-"):
            fd, self.tmp = tempfile.mkstemp(prefix="hexopt-", suffix=".out")
        else:
            directory = os.path.dirname(os.path.abspath(self.path))
            if not os.path.isdir(directory):
                raise HexoptError(f"cannot write {self.path}: directory {directory} does not exist")
            fd, self.tmp = tempfile.mkstemp(prefix=f".{os.path.basename(self.path)}.", suffix=".tmp", dir=directory)
        os.close(fd)
        return self.tmp

    def commit(self) -> None:
        assert self.tmp is not None
        if self.path in (None, "-"):
            with open(self.tmp) as f:
                sys.stdout.write(f.read())
            sys.stdout.flush()
        else:
            os.replace(self.tmp, self.path)
            self.tmp = None

    def __exit__(self, *exc) -> None:
        if self.tmp and os.path.exists(self.tmp):
            os.unlink(self.tmp)


def parse_sets(values: Sequence[str]) -> dict[str, str]:
    out = {}
    for v in values:
        key, eq, value = v.partition("=")
        if not eq or not key:
            raise click.BadParameter(f"'{v}' is not NAME=VALUE", param_hint="--set")
        out[key.strip()] = value.strip()
    return out


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="hexopt", prog_name="hexopt")
def cli() -> None:
    """hexopt: compile Triton/Linalg kernels to the Hexagon DSP (HVX) with MLIR.

    \b
    Typical use:
      hexopt run hexagon kernel.mlir -o kernel.llvm.mlir   # Linalg -> LLVM dialect
      hexopt translate kernel.llvm.mlir -o kernel.o        # -> Hexagon object
      hexopt pipeline show hexagon                         # the textual MLIR pipeline
      hexopt passes                                        # hexopt's own passes
    """


@cli.command(context_settings=CONTEXT)
@click.argument("args", nargs=-1, metavar="[PIPELINE] INPUT")
@click.option("-p", "--pass-pipeline", "text_pipeline", metavar="TEXT",
              help="Run a textual MLIR pipeline, e.g. 'builtin.module(canonicalize,hexagon-fusion)'.")
@click.option("-o", "--output", metavar="OUT", help="Write the result here (atomically) instead of stdout.")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a pipeline option (repeatable).")
@click.option("--print-ir-after-all", is_flag=True, help="Print the IR after every pass to stderr.")
@click.option("--print-ir-after", multiple=True, metavar="PASS", help="Print the IR after each run of PASS.")
@click.option("--dump-dir", metavar="DIR", help="Write the IR of every stage: 00-input.mlir, 01-<pass>.mlir, ...")
@click.option("--stop-after", metavar="PASS", help="Stop after the first run of PASS (inspect one stage).")
@click.option("--timing", is_flag=True, help="Print a per-pass time table to stderr.")
@click.option("--no-verify", is_flag=True, help="Do not verify the IR after each pass.")
@click.option("--repro-dir", metavar="DIR", help="Where to save a reproducer when a pass fails or crashes (default: a new temp dir).")
@click.option("--in-process", is_flag=True, hidden=True, help="Run without the crash guard (debugging, benchmarks).")
def run(args, text_pipeline, output, sets, print_ir_after_all, print_ir_after, dump_dir, stop_after, timing,
        no_verify, repro_dir, in_process) -> None:
    """Run a pipeline on INPUT (a path, or - for stdin) and print the result.

    PIPELINE is a YAML file or the name of a shipped pipeline (hexagon, host, baseline, ...;
    see `hexopt pipeline list`); it defaults to `hexagon`. With -p, give only INPUT.
    MLIR_ENABLE_DUMP=1 in the environment acts like --print-ir-after-all.
    """
    from .pipeline import load_pipeline, parse_textual

    sources: dict[str, str] = {}
    try:
        if text_pipeline is not None:
            if len(args) != 1:
                raise click.UsageError("with -p/--pass-pipeline give exactly one INPUT")
            if sets:
                raise click.UsageError("--set applies to YAML pipelines, not to -p")
            sources["<pass-pipeline>"] = text_pipeline
            specs = parse_textual(text_pipeline, "<pass-pipeline>")
            input_path = args[0]
        else:
            if len(args) == 2:
                pipeline_ref, input_path = args
            elif len(args) == 1:
                from .pipeline import pipeline_names

                if args[0] in pipeline_names() and not os.path.exists(args[0]):
                    raise click.UsageError(f"missing INPUT ('{args[0]}' is a pipeline): "
                                           f"hexopt run {args[0]} INPUT.mlir")
                pipeline_ref, input_path = "hexagon", args[0]
            else:
                raise click.UsageError("expected [PIPELINE] INPUT")
            pipeline = load_pipeline(pipeline_ref, parse_sets(sets))
            specs = pipeline.passes
        if stop_after:
            specs = _truncate(specs, stop_after)
        text, name = read_input(input_path)
        sources[name] = text
        request = {"input_text": text, "source_name": name, "specs": [s.to_json() for s in specs],
                   "verify": not no_verify, "print_ir_after_all": print_ir_after_all,
                   "print_ir_after": list(print_ir_after), "dump_dir": dump_dir}
        from .guard import run_request

        atomic = AtomicOutput(output)
        with atomic as tmp:
            request["output"] = tmp
            result = run_request(request, guarded=not in_process, repro_dir=repro_dir)
            atomic.commit()
        if timing:
            _print_timing(result.timings)
    except HexoptError as e:
        fail(e, sources)


def _truncate(specs: list, stop_after: str) -> list:
    for i, spec in enumerate(specs):
        if spec.name == stop_after:
            return specs[: i + 1]
    from .passes import close_names

    names = list(dict.fromkeys(s.name for s in specs))
    close = close_names(stop_after, names)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise HexoptError(f"--stop-after: the pipeline has no pass '{stop_after}'{hint}")


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


@cli.group(context_settings=CONTEXT)
def pipeline() -> None:
    """Inspect YAML pipelines."""


@pipeline.command("show", context_settings=CONTEXT)
@click.argument("name", metavar="PIPELINE")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a pipeline option.")
@click.option("--options", "show_options", is_flag=True, help="Also list the pipeline's options (to stderr).")
def pipeline_show(name, sets, show_options) -> None:
    """Print the one textual MLIR pipeline that PIPELINE compiles to."""
    from .pipeline import load_pipeline

    try:
        p = load_pipeline(name, parse_sets(sets))
    except HexoptError as e:
        fail(e)
    if show_options:
        for decl in p.options.values():
            click.echo(f"{decl.name} ({decl.type}) = {p.values[decl.name]!r}: {decl.help}", err=True)
    click.echo(p.text())


@pipeline.command("list", context_settings=CONTEXT)
def pipeline_list() -> None:
    """List the pipelines shipped with hexopt."""
    from .pipeline import load_pipeline, pipeline_names

    for n in pipeline_names():
        try:
            desc = load_pipeline(n).description
        except HexoptError as e:
            desc = f"(broken: {e.message})"
        click.echo(f"{n:<16} {desc}")


@cli.command(context_settings=CONTEXT)
@click.argument("name", required=False)
def passes(name) -> None:
    """List hexopt's passes with their options, or show one pass."""
    from .passes import REGISTRY, close_names, get_pass_class

    if name is not None and name not in REGISTRY:
        close = close_names(name)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        click.echo(f"hexopt: error: no hexopt pass '{name}'{hint}", err=True)
        sys.exit(1)
    for n in ([name] if name else sorted(REGISTRY)):
        try:
            cls = get_pass_class(n)
        except (ImportError, AttributeError):
            click.echo(f"{n}  (not available in this build)")
            continue
        doc = cls.summary() if name is None else (cls.__doc__ or "").strip()
        click.echo(f"{n}  [{cls.scope}]  {doc}" if name is None else f"{n}  [{cls.scope}]\n  {doc}")
        for o in cls.options():
            default = str(o.default).lower() if isinstance(o.default, bool) else o.default
            click.echo(f"    --{o.name}: {o.type} = {default}  {o.help}")


def _register_commands() -> None:
    from .commands.backend import COMMANDS
    from .commands.compile import compile_cmd

    for command in [compile_cmd, *COMMANDS]:
        cli.add_command(command)
    from .commands.analyze import analyze_cmd; cli.add_command(analyze_cmd)  # noqa: E702


_register_commands()


def main(argv: Sequence[str] | None = None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="hexopt")
    except KeyboardInterrupt:
        click.echo("hexopt: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
