"""Render a Report as one self-contained HTML file: inline CSS and JavaScript, no network access.

The input is stored whole and every later stage as the edit script against the stage before it
(diff.py), computed once here, each in its own `<script type="application/json">` block that the
page parses only when the stage (or a later one) is shown. The same script draws the stage's diff
views. The page draws only the lines in view, so a module of tens of thousands of lines stays
responsive.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import Any

from .diff import changed_lines, edit_script
from .model import Report
from .opcount import count_delta


def _json(value: Any) -> str:
    # Inside <script>, "</script" or "<!--" in the IR must not end the block: escape every "<".
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


def _asset(name: str) -> str:
    return resources.files("hexopt.report").joinpath("assets", name).read_text()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("hexopt")
    except Exception:  # not installed (a source checkout on PYTHONPATH)
        return "dev"


def page_data(report: Report) -> tuple[dict[str, Any], list[Any]]:
    """(the page's metadata, one stored IR payload per stage that has IR)."""
    stages = []
    payloads: list[Any] = []
    prev_lines: tuple[str, ...] | None = None
    prev_counts: dict[str, int] = {}
    for s in report.stages:
        row: dict[str, Any] = {
            "i": s.index,
            "name": s.pass_name,
            "text": s.pass_text,
            "nest": list(s.nest),
            "origin": s.origin,
            "seconds": s.seconds,
            "status": s.status,
        }
        if s.lines is not None:
            if prev_lines is None:
                payload: Any = {"full": "\n".join(s.lines)}
                removed = added = 0
            elif s.lines == prev_lines:
                payload = {"same": 1}
                removed = added = 0
            else:
                script = edit_script(list(prev_lines), list(s.lines))
                removed, added = changed_lines(script)
                payload = {"edit": script}
            row.update(
                payload=len(payloads),
                lines=len(s.lines),
                removed=removed,
                added=added,
                changed=prev_lines is not None and s.lines != prev_lines,
                counts=s.counts,
                delta=[list(d) for d in count_delta(prev_counts, s.counts)] if prev_lines is not None else [],
            )
            payloads.append(payload)
            prev_lines, prev_counts = s.lines, s.counts
        stages.append(row)
    failure = None
    if report.failure is not None:
        f = report.failure
        failure = {
            "message": f.message,
            "diagnostics": list(f.diagnostics),
            "hint": f.hint,
            "reproducer": f.reproducer,
            "stage": f.stage,
        }
    slowest = [{"i": s.index, "text": s.pass_text, "seconds": s.seconds} for s in report.slowest()]
    meta = {
        "input": report.input_name,
        "pipeline": report.pipeline_name,
        "target": report.target,
        "total": report.total_seconds,
        "slowest": slowest,
        "backend": report.backend,
        "failure": failure,
        "created": report.created,
        "version": _version(),
        "stages": stages,
        "ops": sorted({n for s in report.stages for n in s.counts}),
    }
    return meta, payloads


def render_html(report: Report) -> str:
    """The report as one HTML document (a few hundred KB for the seed kernel's 62 stages)."""
    meta, payloads = page_data(report)
    title = f"hexopt report: {report.input_name} ({report.pipeline_name})"
    if report.failure is not None:
        title += " FAILED"
    blocks = "\n".join(
        f'<script type="application/json" id="hx-s{i}">{_json(p)}</script>' for i, p in enumerate(payloads)
    )
    parts = {
        "TITLE": html.escape(title),
        "CSS": _asset("report.css"),
        "META": _json(meta),
        "STAGES": blocks,
        "JS": _asset("report.js"),
    }
    # one pass over the template: text from the IR is never scanned for placeholders
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda m: parts[m.group(1)], _asset("report.html"))
