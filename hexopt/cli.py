"""The hexopt command line: builds the command group; the commands live in hexopt/commands/.

It never imports the MLIR bindings (fast --help; a crash in them cannot take the CLI down).
Exit status: 0 success, 1 an error (printed like a compiler's, never a traceback), 2 a usage
error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import importlib
import signal
import sys
import traceback
from collections.abc import Sequence
from types import FrameType

import click

from .commands import COMMANDS
from .commands.common import CONTEXT


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that cleanup (temp files, the worker) runs."""


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="hexopt", prog_name="hexopt")
def cli() -> None:
    """hexopt: compile Triton/Linalg kernels to the Hexagon DSP (HVX) with MLIR.

    \b
    Typical use:
      hexopt run hexagon kernel.mlir -o kernel.llvm.mlir   # Linalg -> LLVM dialect
      hexopt translate kernel.llvm.mlir -o kernel.o        # -> Hexagon object
      hexopt compile kernel.mlir -o kernel.o               # both in one command
      hexopt bench kernel.mlir --target host               # run, check and time a kernel
      hexopt pipeline show hexagon                         # the textual MLIR pipeline
      hexopt passes                                        # hexopt's own passes
    """


for _ref in COMMANDS:
    _module, _, _attr = _ref.partition(":")
    cli.add_command(getattr(importlib.import_module(_module), _attr))


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def _internal_error(e: BaseException) -> int:
    """A bug in hexopt's own code outside the worker: one line, the traceback saved for the report."""
    from .toolchain import cache_dir

    where = ""
    try:
        path = cache_dir() / "last-internal-error.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(traceback.format_exception(e)))
        where = f" (traceback saved in {path})"
    except OSError:
        pass
    click.echo(
        f"hexopt: internal error: {type(e).__name__}: {e}{where}; this is a hexopt bug, please report it", err=True
    )
    return 1


def main(argv: Sequence[str] | None = None) -> None:
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="hexopt", standalone_mode=False)
        code = 0
    except click.exceptions.Abort:
        click.echo("hexopt: interrupted", err=True)
        code = 130
    except KeyboardInterrupt:
        click.echo("hexopt: interrupted", err=True)
        code = 130
    except Terminated:
        click.echo("hexopt: terminated", err=True)
        code = 143
    except click.exceptions.ClickException as e:
        e.show()
        code = e.exit_code
    except click.exceptions.Exit as e:
        code = e.exit_code
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BrokenPipeError:
        code = 1  # stdout closed by the reader (e.g. `| head`)
    except Exception as e:
        code = _internal_error(e)
    finally:
        signal.signal(signal.SIGTERM, previous)
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
