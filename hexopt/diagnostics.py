"""Located diagnostics: `file:line:col: error: message`, the source line and a caret.

No MLIR import here: the CLI formats diagnostics that a worker process sent as plain data. The
errors that carry them are in hexopt.errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A file location anywhere in a location: also inside name, call-site and fused locations (Triton IR names
# its values: loc("x"("kernel.py":9:9))).
_LOC = re.compile(r'"(?P<file>[^"]*)":(?P<line>\d+):(?P<col>\d+)')


@dataclass
class Diagnostic:
    message: str
    severity: str = "error"
    file: str | None = None
    line: int | None = None
    col: int | None = None
    notes: list[Diagnostic] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "message": self.message,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "notes": [n.to_json() for n in self.notes],
        }

    @classmethod
    def from_json(cls, d: dict) -> Diagnostic:
        return cls(
            d["message"],
            d.get("severity", "error"),
            d.get("file"),
            d.get("line"),
            d.get("col"),
            [cls.from_json(n) for n in d.get("notes", [])],
        )


def parse_location(text: str) -> tuple[str | None, int | None, int | None]:
    """(file, line, col) of the first file location inside an MLIR location's text."""
    m = _LOC.search(text)
    if not m:
        return None, None, None
    return m.group("file"), int(m.group("line")), int(m.group("col"))


def format_diagnostic(diag: Diagnostic, sources: dict[str, str] | None = None, indent: str = "") -> str:
    """Render one diagnostic like a compiler: position, severity, message, source line, caret, notes."""
    sources = sources or {}
    where = "hexopt: " if diag.severity == "error" and not indent else ""
    if diag.file is not None and diag.line is not None:
        where = f"{diag.file}:{diag.line}:{diag.col or 1}: "
    out = [f"{indent}{where}{diag.severity}: {diag.message}"]
    text = sources.get(diag.file or "")
    if text is not None and diag.line:
        lines = text.splitlines()
        if 0 < diag.line <= len(lines):
            src = lines[diag.line - 1].rstrip("\n").expandtabs(1)
            out.append(f"{indent}{src}")
            out.append(f"{indent}{' ' * max((diag.col or 1) - 1, 0)}^")
    for note in diag.notes:
        out.append(format_diagnostic(note, sources, indent))
    return "\n".join(out)


def __getattr__(name: str) -> object:
    # Older spelling, kept for code that imports the error from here; the hierarchy lives in hexopt.errors.
    if name == "HexoptError":
        from .errors import HexoptError

        return HexoptError
    raise AttributeError(f"module 'hexopt.diagnostics' has no attribute '{name}'")
