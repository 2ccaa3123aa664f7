"""The pipeline model: a flat list of PassSpec (a pass, its options, its nesting, where it came from),
checked once by `validate_specs` and printed as ONE textual MLIR pipeline by `to_text`.

No MLIR import here: hexopt passes are checked through their option declarations, upstream passes
through the pinned upstream schema (hexopt.pipeline.upstream); the worker re-parses upstream passes
with the real PassManager before running anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hexopt.diagnostics import Diagnostic
from hexopt.errors import PipelineError
from hexopt.options import OptionError, did_you_mean, format_value
from hexopt.passes import REGISTRY, get_pass_class

from . import upstream

#: Ops a textual pipeline may nest passes under.
ANCHORS = ("func.func", "builtin.module", "llvm.func", "gpu.module")


@dataclass(frozen=True)
class Origin:
    """Where something of a pipeline was written: a file position, or `--set NAME=VALUE` (line 0)."""

    file: str
    line: int
    col: int

    def diag(self, message: str, notes: list[Diagnostic] | None = None) -> Diagnostic:
        if self.line <= 0:
            return Diagnostic(message, "error", None, None, None, notes or [])
        return Diagnostic(message, "error", self.file, self.line, self.col, notes or [])

    def __str__(self) -> str:
        return self.file if self.line <= 0 else f"{self.file}:{self.line}:{self.col}"


def error_at(origin: Origin | None, message: str, notes: list[Diagnostic] | None = None) -> PipelineError:
    """A PipelineError located at `origin` (a `--set` origin prefixes the message with it)."""
    if origin is None:
        return PipelineError(message, [Diagnostic(message, "error", "<pipeline>", 1, 1, notes or [])])
    if origin.line <= 0:
        message = f"{origin.file}: {message}"
    return PipelineError(message, [origin.diag(message, notes)])


@dataclass
class PassSpec:
    """One pass of a pipeline: its name, option values, nesting below builtin.module and origin."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    nest: tuple[str, ...] = ()
    origin: Origin | None = None
    raw_options: str | None = None  # verbatim option text of an upstream pass given textually
    #: pass option -> (pipeline option it was substituted from, where that option's value was set)
    option_sources: dict[str, tuple[str, Origin | None]] = field(default_factory=dict)

    @property
    def is_hexopt(self) -> bool:
        return self.name in REGISTRY

    def option_text(self) -> str:
        if self.raw_options is not None:
            return self.raw_options
        parts = []
        for key, value in self.options.items():
            v = format_value(value)
            if re.search(r"[\s{}]", v) and not (v.startswith("{") or v.startswith('"')):
                v = '"' + v + '"'
            parts.append(f"{key}={v}")
        return " ".join(parts)

    def text(self) -> str:
        opts = self.option_text()
        return self.name + ("{" + opts + "}" if opts else "")

    def nested_text(self) -> str:
        """The pass inside its anchors, e.g. func.func(cse)."""
        inner = self.text()
        for anchor in reversed(self.nest):
            inner = f"{anchor}({inner})"
        return inner

    def anchored_text(self) -> str:
        """This pass alone as a full pipeline, e.g. builtin.module(func.func(cse))."""
        return f"builtin.module({self.nested_text()})"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "options": self.options,
            "nest": list(self.nest),
            "raw_options": self.raw_options,
            "origin": None if self.origin is None else [self.origin.file, self.origin.line, self.origin.col],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PassSpec:
        o = d.get("origin")
        return cls(
            d["name"],
            dict(d.get("options") or {}),
            tuple(d.get("nest") or ()),
            Origin(*o) if o else None,
            d.get("raw_options"),
        )


def to_text(specs: list[PassSpec]) -> str:
    """The one textual pipeline for `specs`, grouping consecutive passes of the same nesting."""

    def render(items: list[PassSpec], depth: int) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(items):
            spec = items[i]
            if len(spec.nest) == depth:
                out.append(spec.text())
                i += 1
                continue
            anchor = spec.nest[depth]
            j = i
            while (
                j < len(items)
                and len(items[j].nest) > depth
                and items[j].nest[depth] == anchor
                and items[j].nest[:depth] == spec.nest[:depth]
            ):
                j += 1
            out.append(f"{anchor}({','.join(render(items[i:j], depth + 1))})")
            i = j
        return out

    return f"builtin.module({','.join(render(specs, 0))})"


def parse_option_text(text: str) -> dict[str, str]:
    """`a=1 b="x y" c={...}` -> {"a": "1", ...}; a bare `flag` means flag=true."""
    from .text import split_top

    out: dict[str, str] = {}
    for piece, _ in split_top(text.strip(), " "):
        piece = piece.strip()
        if not piece:
            continue
        key, eq, value = piece.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        out[key.strip()] = value if eq else "true"
    return out


def all_pass_names() -> list[str]:
    return sorted(set(REGISTRY) | set(upstream.pass_names()))


def validate_specs(specs: list[PassSpec]) -> list[PassSpec]:
    """Check every pass: hexopt passes' nesting and typed options (normalized in place), upstream passes'
    names and options against the pinned schema. Raises a PipelineError at the pass (or at the `--set`
    whose value a pass option rejects)."""
    for spec in specs:
        if spec.is_hexopt:
            _validate_hexopt(spec)
        else:
            _validate_upstream(spec)
    return specs


def _blame(spec: PassSpec, key: str | None) -> Origin | None:
    """Where the value of pass option `key` was written: the --set or `set:` line it came from, else the pass."""
    if key is not None and key in spec.option_sources:
        option, where = spec.option_sources[key]
        if where is not None:
            return where
    return spec.origin


def _validate_hexopt(spec: PassSpec) -> None:
    cls = get_pass_class(spec.name)
    if spec.nest and spec.nest != (cls.scope,):
        raise error_at(
            spec.origin,
            f"hexopt pass '{spec.name}' runs on {cls.scope}; it cannot be nested under '{'/'.join(spec.nest)}'",
        )
    declared = {o.name: o for o in cls.options()}
    typed: dict[str, Any] = {}
    for key, value in spec.options.items():
        if key not in declared:
            raise error_at(
                spec.origin,
                f"unknown option '{key}' for pass '{spec.name}'"
                f"{did_you_mean(key, list(declared))} (options: {', '.join(declared) or 'none'})",
            )
        try:
            typed[key] = declared[key].convert(value, f"option '{key}' of '{spec.name}'")
        except OptionError as e:
            raise _option_error(spec, key, str(e)) from None
    try:
        cls.from_options(typed)
    except OptionError as e:
        raise _option_error(spec, next(iter(k for k in typed if k in spec.option_sources), None), str(e)) from None
    spec.options = typed


def _option_error(spec: PassSpec, key: str | None, message: str) -> PipelineError:
    where = _blame(spec, key)
    notes = []
    if where is not spec.origin and spec.origin is not None:
        notes.append(
            Diagnostic(f"used by pass '{spec.name}' here", "note", spec.origin.file, spec.origin.line, spec.origin.col)
        )
    return error_at(where, message, notes)


def _validate_upstream(spec: PassSpec) -> None:
    known = upstream.schema()
    if not known:  # no schema file: the worker checks upstream passes before running them
        return
    if spec.name not in known:
        if spec.name in ANCHORS:
            raise error_at(
                spec.origin,
                f"'{spec.name}' is an anchor, not a pass: nest passes under it "
                f"({spec.name}(...) in text, `{spec.name}:` and a list in YAML)",
            )
        raise error_at(spec.origin, f"unknown pass '{spec.name}'{did_you_mean(spec.name, all_pass_names())}")
    options = known[spec.name]
    given = (
        parse_option_text(spec.raw_options)
        if spec.raw_options is not None
        else {k: format_value(v) for k, v in spec.options.items()}
    )
    for key, value in given.items():
        if key not in options:
            raise _option_error(
                spec,
                key,
                f"invalid options for pass '{spec.name}': no option '{key}'"
                f"{did_you_mean(key, list(options))}"
                f" (options: {', '.join(sorted(options)) or 'none'})",
            )
        problem = upstream.check_option(options[key], value)
        if problem:
            raise _option_error(
                spec, key, f"invalid options for pass '{spec.name}': option '{key}' {problem}; got {value}"
            )
