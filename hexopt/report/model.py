"""The report's data: one Stage per pipeline stage, read from a dump directory, plus the run's summary.

`build` reads what `hexopt run --dump-dir DIR` leaves behind (`00-input.mlir`, `01-<pass>.mlir`, ...
and `timings.json`, the seconds of every pass finished so far), the pipeline's PassSpecs and, for a
failed run, the HexoptError. No MLIR import: op counts come from the printed text (opcount.py).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..diagnostics import format_diagnostic
from .opcount import count_ops

if TYPE_CHECKING:
    from ..errors import HexoptError
    from ..pipeline import PassSpec

TIMINGS_FILE = "timings.json"
StageStatus = Literal["ok", "failed", "not-run"]


@dataclass(frozen=True)
class Stage:
    """The IR after one pass (index 0: the input), or a pass that failed or did not run (no IR)."""

    index: int
    pass_name: str
    pass_text: str  # the pass with its options, as in the textual pipeline
    nest: tuple[str, ...] = ()  # anchors below builtin.module, e.g. ("func.func",)
    origin: str | None = None  # "file:line:col" where the pipeline names the pass
    seconds: float | None = None
    status: StageStatus = "ok"
    lines: tuple[str, ...] | None = None  # the IR after the stage; None when it did not finish
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Failure:
    message: str
    diagnostics: tuple[str, ...] = ()  # formatted like the terminal: position, message, source line, caret
    hint: str | None = None
    reproducer: str | None = None  # the one command that reproduces the failure
    stage: int | None = None  # the failed pass's stage index; None: before the first pass or after the last


@dataclass
class Report:
    input_name: str
    pipeline_name: str
    stages: list[Stage]
    target: str | None = None
    failure: Failure | None = None
    backend: dict[str, str] = field(default_factory=dict)  # back-end figures: label -> value
    created: str = ""

    @property
    def completed(self) -> list[Stage]:
        return [s for s in self.stages if s.lines is not None]

    @property
    def total_seconds(self) -> float:
        return sum(s.seconds or 0.0 for s in self.stages)

    def slowest(self, n: int = 5) -> list[Stage]:
        timed = [s for s in self.stages if s.seconds is not None and s.index > 0]
        return sorted(timed, key=lambda s: -(s.seconds or 0.0))[:n]


def short_path(path: str) -> str:
    """A pipeline file as a reader knows it: hexopt/pipelines/x.yaml for shipped ones, else relative if shorter."""
    package = Path(__file__).resolve().parent.parent
    try:
        return str(Path("hexopt") / Path(path).resolve().relative_to(package))
    except (ValueError, OSError):
        pass
    if not os.path.isabs(path):
        return path
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") and len(rel) < len(path) else path


def origin_text(spec: PassSpec) -> str | None:
    o = spec.origin
    if o is None:
        return None
    return f"{short_path(o.file) if not o.file.startswith('<') else o.file}:{o.line}:{o.col}"


def read_timings(dump_dir: str) -> list[tuple[str, float]] | None:
    try:
        with open(os.path.join(dump_dir, TIMINGS_FILE)) as f:
            return [(str(n), float(s)) for n, s in json.load(f)]
    except (OSError, ValueError, TypeError):
        return None


def _read(path: str) -> str | None:
    try:
        with open(path) as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


def _reproducer(hint: str | None) -> str | None:
    for line in (hint or "").splitlines():
        if line.startswith(" ") and line.strip().startswith("hexopt "):
            return line.strip()
    return None


def _target(lines: Sequence[str] | None) -> str | None:
    for line in lines or ():
        m = re.search(r'llvm\.target_triple = "([^"]+)"', line)
        if m:
            return m.group(1)
    return None


def build(
    dump_dir: str,
    specs: Sequence[PassSpec],
    timings: Sequence[tuple[str, float]] | None,
    input_name: str,
    pipeline_name: str,
    error: HexoptError | None = None,
    *,
    input_text: str | None = None,
    target: str | None = None,
    backend: dict[str, str] | None = None,
) -> Report:
    """The report of one run from its dump directory.

    `timings` are the seconds of the finished passes in order (`hexopt.guard.Result.timings`); None
    reads `timings.json` in `dump_dir`, which the driver writes with the input's dump and after
    every pass (no such file: no stage ran). Stages are taken for the finished passes only, so a dump
    directory reused from a longer run adds nothing stale. With `error`, the pass after the last
    finished one is the failed stage; `input_text` is shown when even the input was not dumped
    (the input did not parse).
    """
    first = None
    if timings is None:
        timings = read_timings(dump_dir)
    if timings is not None:  # without timings.json, whatever is in the directory is not from this run
        first = _read(os.path.join(dump_dir, "00-input.mlir"))
    stages: list[Stage] = []
    name = "input"
    if first is None and input_text is not None and error is not None:
        first, name = input_text, "input-text"  # as given: it did not parse
    if first is not None:
        lines = tuple(first.splitlines())
        stages.append(Stage(0, name, input_name, lines=lines, counts=dict(count_ops(first))))
    finished = 0
    if stages:
        for k in range(min(len(timings or ()), len(specs))):
            spec = specs[k]
            text = _read(os.path.join(dump_dir, f"{k + 1:02d}-{spec.name}.mlir"))
            if text is None:
                break
            assert timings is not None
            stages.append(
                Stage(
                    k + 1,
                    spec.name,
                    spec.text(),
                    spec.nest,
                    origin_text(spec),
                    timings[k][1],
                    "ok",
                    tuple(text.splitlines()),
                    dict(count_ops(text)),
                )
            )
            finished = k + 1
    failure = None
    if error is not None:
        failed_at = finished + 1 if stages and stages[0].pass_name == "input" and finished < len(specs) else None
        sources = {input_name: input_text} if input_text is not None else {}
        failure = Failure(
            error.message,
            tuple(format_diagnostic(d, sources) for d in error.diagnostics),
            error.hint,
            _reproducer(error.hint),
            failed_at,
        )
    if stages:  # the passes that did not run (after a failure or a crash), greyed in the list
        for k in range(finished, len(specs)):
            spec = specs[k]
            status: StageStatus = "failed" if failure is not None and failure.stage == k + 1 else "not-run"
            stages.append(Stage(k + 1, spec.name, spec.text(), spec.nest, origin_text(spec), None, status))
    done = [s for s in stages if s.lines is not None]
    return Report(
        input_name,
        pipeline_name,
        stages,
        target or _target(done[-1].lines if done else None),
        failure,
        dict(backend or {}),
        time.strftime("%Y-%m-%d %H:%M:%S"),
    )
