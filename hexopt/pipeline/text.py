"""Textual pipelines, as mlir-opt writes them: `builtin.module(a,b{x=1},func.func(c))`."""

from __future__ import annotations

import re

from hexopt.diagnostics import Diagnostic
from hexopt.errors import PipelineError
from hexopt.textsplit import split_top_level

from .spec import Origin, PassSpec, parse_option_text, validate_specs

_NAME = re.compile(r"[A-Za-z_][\w.\-]*")
MAX_NESTING = 8


def split_top(text: str, sep: str = ",") -> list[tuple[str, int]]:
    """Split on `sep` outside (), {}, [] and quotes; returns (piece, offset) pairs."""
    return split_top_level(text, sep, "(){}[]", quotes="\"'", strict=True)


def _matching(text: str, start: int, open_: str, close: str) -> int:
    depth, quote = 0, None
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch == '"':
            quote = ch
        elif ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i
    return -1


def parse_textual(text: str, source: str = "<pipeline>") -> list[PassSpec]:
    """Parse and check a textual pipeline; a bare list is taken as nested in builtin.module."""
    text = text.strip()

    def err(msg: str, offset: int = 0) -> PipelineError:
        message = f"invalid pipeline: {msg}"
        return PipelineError(message, [Diagnostic(message, "error", source, 1, offset + 1)])

    def parse_list(body: str, base: int, nest: tuple[str, ...]) -> list[PassSpec]:
        if len(nest) > MAX_NESTING:
            raise err(f"passes nested more than {MAX_NESTING} levels deep", base)
        specs: list[PassSpec] = []
        try:
            pieces = split_top(body)
        except ValueError as e:
            raise err(str(e), base) from None
        for piece, off in pieces:
            stripped = piece.strip()
            if not stripped:
                if len(pieces) > 1:
                    raise err("empty pass name", base + off)
                continue
            lead = len(piece) - len(piece.lstrip())
            m = _NAME.match(stripped)
            if not m:
                raise err(f"expected a pass name, got '{stripped[:20]}'", base + off + lead)
            name, rest = m.group(0), stripped[m.end() :]
            where = base + off + lead
            options: str | None = None
            if rest.startswith("{"):
                close = _matching(rest, 0, "{", "}")
                if close < 0:
                    raise err(f"missing '}}' after options of '{name}'", where)
                options, rest = rest[1:close], rest[close + 1 :]
            if rest.startswith("("):
                close = _matching(rest, 0, "(", ")")
                if close < 0 or rest[close + 1 :].strip():
                    raise err(f"malformed nesting after '{name}'", where)
                specs.extend(parse_list(rest[1:close], where + len(name) + 1, (*nest, name)))
                continue
            if rest.strip():
                raise err(f"unexpected text after '{name}': '{rest.strip()[:20]}'", where)
            spec = PassSpec(name, nest=nest, origin=Origin(source, 1, where + 1))
            if options is not None:
                if spec.is_hexopt:
                    spec.options = dict(parse_option_text(options))
                else:
                    spec.raw_options = options.strip() or None
            specs.append(spec)
        return specs

    m = re.match(r"builtin\.module\((.*)\)\s*$", text, re.S)
    specs = parse_list(m.group(1), m.start(1), ()) if m else parse_list(text, 0, ())
    return validate_specs(specs)
