"""The pipeline explorer: one self-contained HTML file showing every stage of a compile.

API (no MLIR import anywhere in this package):
- `build(dump_dir, specs, timings, input_name, pipeline_name, error=None, ...) -> Report` reads the
  stages that `--dump-dir` wrote (`00-input.mlir`, `01-<pass>.mlir`, ..., `timings.json`);
- `render_html(report) -> str`; `write_report(report, path)` writes it atomically;
- `report_run(path, specs=..., input_name=..., pipeline_name=...)`, a context manager around one
  pipeline run: it gives the dump directory to hand to the worker (a temporary one unless the user
  asked for one) and writes the report when the run ends, also when it fails with a HexoptError (the
  stages up to the failing pass, the diagnostics and the reproducer command).

`HEXOPT_REPORT=PATH` in the environment asks for a report where no path is given explicitly (the
Triton driver and scripts that call hexopt without `--report`).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import HexoptError
from .html import render_html
from .model import TIMINGS_FILE, Failure, Report, Stage, build
from .opcount import count_delta, count_ops

if TYPE_CHECKING:
    from ..pipeline import PassSpec

__all__ = [
    "REPORT_ENV",
    "Failure",
    "Report",
    "ReportRun",
    "Stage",
    "build",
    "count_delta",
    "count_ops",
    "render_html",
    "report_path",
    "report_run",
    "write_report",
]

REPORT_ENV = "HEXOPT_REPORT"


def report_path(explicit: str | None = None) -> str | None:
    """Where to write a report: the explicit path (e.g. --report), else $HEXOPT_REPORT, else None (no report)."""
    return explicit or os.environ.get(REPORT_ENV) or None


def write_report(report: Report, path: str) -> None:
    """Write the HTML with hexopt's one writer (a regular file is replaced atomically)."""
    from ..output import write_output

    if path == "-":
        raise HexoptError("--report needs a file path, not '-'")
    write_output(path, render_html(report))


@dataclass
class ReportRun:
    """One run being recorded: hand `dump_dir` to the worker request; add back-end figures to `backend`."""

    path: str | None
    dump_dir: str | None
    backend: dict[str, str] = field(default_factory=dict)
    target: str | None = None


@contextmanager
def report_run(
    path: str | None,
    *,
    specs: Sequence[PassSpec],
    input_name: str,
    pipeline_name: str,
    dump_dir: str | None = None,
    input_text: str | None = None,
    target: str | None = None,
) -> Iterator[ReportRun]:
    """Record one pipeline run and write its report at the end; a no-op when no report is wanted.

    `path` None falls back to $HEXOPT_REPORT. `dump_dir` is the user's --dump-dir if any (the stages
    are read from it); otherwise a temporary directory is used and removed afterwards. A HexoptError
    leaving the block is re-raised after the report of the failed run is written, with a note naming
    the report appended to its hint.
    """
    path = report_path(path)
    if path is None:
        yield ReportRun(None, dump_dir)
        return
    own = dump_dir is None
    directory = tempfile.mkdtemp(prefix="hexopt-report-") if own else dump_dir
    assert directory is not None
    if not own:  # stale bookkeeping of an earlier run in the same --dump-dir must not be read as this run's
        os.makedirs(directory, exist_ok=True)
        with suppress(FileNotFoundError):
            os.unlink(os.path.join(directory, TIMINGS_FILE))
    run = ReportRun(path, directory, target=target)

    def report_of(error: HexoptError | None) -> Report:
        return build(
            directory,
            specs,
            None,
            input_name,
            pipeline_name,
            error,
            input_text=input_text,
            target=run.target,
            backend=run.backend,
        )

    try:
        try:
            yield run
        except HexoptError as e:
            report = report_of(e)
            try:
                write_report(report, path)
                note = f"report of the failed run written to {path}"
            except (HexoptError, OSError) as w:
                note = f"could not write the report: {getattr(w, 'message', None) or w}"
            e.hint = f"{e.hint}\nhexopt: note: {note}" if e.hint else note  # printed as notes, after the error
            raise
        report = report_of(None)
        write_report(report, path)
        passes = sum(1 for s in report.stages if s.index > 0 and s.lines is not None)
        sys.stderr.write(f"hexopt: report written to {path} ({passes} passes)\n")
    finally:
        if own:
            shutil.rmtree(directory, ignore_errors=True)
