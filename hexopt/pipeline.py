"""Pipelines: YAML files (data) and textual MLIR pipelines, both parsed into a flat list of PassSpec.

A YAML pipeline compiles to ONE textual pipeline (`builtin.module(a,func.func(b),c{x=1})`) that
`hexopt pipeline show` prints; a pipeline of upstream passes only is accepted verbatim by
`mlir-opt --pass-pipeline=`. The format is documented in docs/pipelines.md. No MLIR import here:
upstream pass names are checked by the worker, which owns the bindings.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, HexoptError
from .passes import REGISTRY, OptionError, close_names, get_pass_class
from .options import convert_value, format_value

PIPELINE_DIR = Path(__file__).parent / "pipelines"
ANCHORS = ("func.func", "builtin.module", "llvm.func", "gpu.module")


@dataclass
class Origin:
    """Where a pass came from, for error messages."""

    file: str
    line: int
    col: int

    def diag(self, message: str, notes: list[Diagnostic] | None = None) -> Diagnostic:
        return Diagnostic(message, "error", self.file, self.line, self.col, notes or [])


@dataclass
class PassSpec:
    """One pass of a pipeline: its name, option text and nesting below builtin.module."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    nest: tuple[str, ...] = ()
    origin: Origin | None = None
    raw_options: str | None = None  # verbatim option text of an upstream pass given textually

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

    def anchored_text(self) -> str:
        """This pass alone as a full pipeline, e.g. builtin.module(func.func(cse))."""
        inner = self.text()
        for anchor in reversed(self.nest):
            inner = f"{anchor}({inner})"
        return f"builtin.module({inner})"

    def file_label(self) -> str:
        return self.name

    def to_json(self) -> dict:
        return {"name": self.name, "options": self.options, "nest": list(self.nest),
                "raw_options": self.raw_options,
                "origin": None if self.origin is None else [self.origin.file, self.origin.line, self.origin.col]}

    @classmethod
    def from_json(cls, d: dict) -> "PassSpec":
        o = d.get("origin")
        return cls(d["name"], dict(d.get("options") or {}), tuple(d.get("nest") or ()),
                   Origin(*o) if o else None, d.get("raw_options"))


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
            while j < len(items) and len(items[j].nest) > depth and items[j].nest[depth] == anchor \
                    and items[j].nest[:depth] == spec.nest[:depth]:
                j += 1
            out.append(f"{anchor}({','.join(render(items[i:j], depth + 1))})")
            i = j
        return out

    return f"builtin.module({','.join(render(specs, 0))})"


# --------------------------------------------------------------------------------------------
# Textual pipelines: builtin.module(a,b{x=1},func.func(c))
# --------------------------------------------------------------------------------------------

def _split_top(text: str, sep: str = ",") -> list[tuple[str, int]]:
    """Split on `sep` outside (), {}, [] and quotes; returns (piece, offset) pairs."""
    pieces, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced '{ch}' at character {i + 1}")
        elif ch == sep and depth == 0:
            pieces.append((text[start:i], start))
            start = i + 1
    if quote or depth:
        raise ValueError("unbalanced brackets or quotes")
    pieces.append((text[start:], start))
    return pieces


def parse_option_text(text: str) -> dict[str, str]:
    """`a=1 b="x y" c={...}` -> {"a": "1", ...}; a bare `flag` means flag=true."""
    out: dict[str, str] = {}
    for piece, _ in _split_top(text.strip(), " "):
        piece = piece.strip()
        if not piece:
            continue
        key, eq, value = piece.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        out[key.strip()] = value if eq else "true"
    return out


def parse_textual(text: str, source: str = "<pipeline>") -> list[PassSpec]:
    """Parse a textual MLIR pipeline into PassSpecs; a bare list is taken as nested in builtin.module."""
    text = text.strip()

    def err(msg: str, offset: int = 0) -> HexoptError:
        return HexoptError(f"invalid pipeline: {msg}", [Diagnostic(f"invalid pipeline: {msg}", "error",
                                                                   source, 1, offset + 1)])

    def parse_list(body: str, base: int, nest: tuple[str, ...]) -> list[PassSpec]:
        specs: list[PassSpec] = []
        try:
            pieces = _split_top(body)
        except ValueError as e:
            raise err(str(e), base) from None
        for piece, off in pieces:
            stripped = piece.strip()
            if not stripped:
                if len(pieces) > 1:
                    raise err("empty pass name", base + off)
                continue
            lead = len(piece) - len(piece.lstrip())
            m = re.match(r"[A-Za-z_][\w.\-]*", stripped)
            if not m:
                raise err(f"expected a pass name, got '{stripped[:20]}'", base + off + lead)
            name, rest = m.group(0), stripped[m.end():]
            where = base + off + lead
            options: str | None = None
            if rest.startswith("{"):
                close = _matching(rest, 0, "{", "}")
                if close < 0:
                    raise err(f"missing '}}' after options of '{name}'", where)
                options, rest = rest[1:close], rest[close + 1:]
            if rest.startswith("("):
                close = _matching(rest, 0, "(", ")")
                if close < 0 or rest[close + 1:].strip():
                    raise err(f"malformed nesting after '{name}'", where)
                specs.extend(parse_list(rest[1:close], where + len(name) + 1, nest + (name,)))
                continue
            if rest.strip():
                raise err(f"unexpected text after '{name}': '{rest.strip()[:20]}'", where)
            spec = PassSpec(name, nest=nest, origin=Origin(source, 1, where + 1))
            if options is not None:
                if spec.is_hexopt:
                    spec.options = parse_option_text(options)
                else:
                    spec.raw_options = options.strip() or None
            specs.append(spec)
        return specs

    m = re.match(r"builtin\.module\((.*)\)\s*$", text, re.S)
    if m:
        return _validate_hexopt(parse_list(m.group(1), m.start(1), ()))
    return _validate_hexopt(parse_list(text, 0, ()))


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


def _validate_hexopt(specs: list[PassSpec]) -> list[PassSpec]:
    """Type-check the options of hexopt passes and their nesting; upstream ones are checked by the worker."""
    for spec in specs:
        if not spec.is_hexopt:
            continue
        cls = get_pass_class(spec.name)
        if spec.nest and spec.nest != (cls.scope,):
            where = spec.origin or Origin("<pipeline>", 1, 1)
            msg = f"hexopt pass '{spec.name}' runs on {cls.scope}; it cannot be nested under '{'/'.join(spec.nest)}'"
            raise HexoptError(msg, [where.diag(msg)])
        try:
            inst = cls.from_options(spec.options)
        except OptionError as e:
            where = spec.origin or Origin("<pipeline>", 1, 1)
            raise HexoptError(str(e), [where.diag(str(e))]) from None
        spec.options = {k: v for k, v in inst.option_values().items() if k in spec.options}
    return specs


# --------------------------------------------------------------------------------------------
# YAML pipelines
# --------------------------------------------------------------------------------------------

@dataclass
class OptionDecl:
    name: str
    type: str
    default: Any
    help: str = ""
    choices: list[Any] | None = None


@dataclass
class Pipeline:
    """A loaded YAML pipeline: options (with values after --set) and its flat list of passes."""

    name: str
    path: str
    description: str
    options: dict[str, OptionDecl]
    values: dict[str, Any]
    passes: list[PassSpec]

    def text(self) -> str:
        return to_text(self.passes)


def pipeline_names() -> list[str]:
    return sorted(p.stem for p in PIPELINE_DIR.glob("*.yaml"))


def resolve_pipeline_path(ref: str, relative_to: str | None = None) -> Path:
    """A pipeline reference: a path to a YAML file, or the bare name of a shipped pipeline."""
    candidates = []
    if relative_to and not os.path.isabs(ref):
        candidates.append(Path(relative_to).parent / ref)
    candidates.append(Path(ref))
    for c in candidates:
        if c.suffix in (".yaml", ".yml") and c.is_file():
            return c
    if "/" not in ref and not ref.endswith((".yaml", ".yml")):
        shipped = PIPELINE_DIR / f"{ref}.yaml"
        if shipped.is_file():
            return shipped
        for c in candidates:
            for suffix in (".yaml", ".yml"):
                if c.with_name(c.name + suffix).is_file():
                    return c.with_name(c.name + suffix)
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        raise HexoptError(f"cannot read pipeline {ref}: no such file")
    close = close_names(ref, pipeline_names())
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise HexoptError(f"no pipeline '{ref}': not a YAML file and not one of the shipped pipelines "
                      f"({', '.join(pipeline_names())}){hint}")


class _Loader:
    def __init__(self, overrides: dict[str, str]):
        self.overrides = overrides
        self.stack: list[str] = []

    def err(self, path: str, node: Any, message: str) -> HexoptError:
        mark = node.start_mark
        return HexoptError(message, [Diagnostic(message, "error", path, mark.line + 1, mark.column + 1)])

    def compose(self, path: Path) -> Any:
        try:
            text = path.read_text()
        except OSError as e:
            raise HexoptError(f"cannot read pipeline {path}: {e.strerror}") from None
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
            problem = getattr(e, "problem", None) or str(e)
            msg = f"invalid YAML: {problem}"
            if mark is None:
                raise HexoptError(msg, [Diagnostic(msg, "error", str(path))]) from None
            raise HexoptError(msg, [Diagnostic(msg, "error", str(path), mark.line + 1, mark.column + 1)]) from None
        if node is None:
            raise HexoptError("empty pipeline file", [Diagnostic("empty pipeline file", "error", str(path), 1, 1)])
        return node

    @staticmethod
    def scalar(node: Any) -> Any:
        return yaml.SafeLoader(yaml.dump(None)).construct_object(node, deep=True) if node is not None else None

    def mapping(self, path: str, node: Any, what: str) -> list[tuple[str, Any, Any]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.err(path, node, f"{what} must be a mapping")
        out = []
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                raise self.err(path, k, f"keys of {what} must be names")
            out.append((k.value, k, v))
        return out

    def load(self, ref: str, relative_to: str | None = None) -> tuple[str, dict[str, OptionDecl], dict[str, Any],
                                                                  list[tuple[Any, str, list]], str]:
        """Returns (description, option decls, defaults, raw pass entries, path) with extends resolved."""
        path = resolve_pipeline_path(ref, relative_to)
        key = str(path.resolve())
        if key in self.stack:
            raise HexoptError(f"pipeline {path} extends or includes itself")
        self.stack.append(key)
        try:
            return self._load(path)
        finally:
            self.stack.pop()

    def _load(self, path: Path):
        p = str(path)
        root = self.compose(path)
        fields = self.mapping(p, root, "a pipeline")
        known = {"description", "extends", "options", "set", "passes"}
        desc, decls, values, entries = "", {}, {}, None
        base_entries: list = []
        by_name = {k: (kn, v) for k, kn, v in fields}
        for k, kn, _ in fields:
            if k not in known:
                close = close_names(k, sorted(known))
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise self.err(p, kn, f"unknown pipeline field '{k}'{hint} (fields: {', '.join(sorted(known))})")
        if "extends" in by_name:
            kn, v = by_name["extends"]
            if not isinstance(v, yaml.ScalarNode):
                raise self.err(p, v, "'extends' must be a pipeline name or path")
            desc, decls, values, base_entries, _ = self.load(v.value, p)
            decls, values = dict(decls), dict(values)
        if "description" in by_name:
            desc = str(self.scalar(by_name["description"][1]))
        if "options" in by_name:
            for name, kn, v in self.mapping(p, by_name["options"][1], "'options'"):
                decls[name] = self.option_decl(p, name, v)
                values[name] = decls[name].default
        if "set" in by_name:
            for name, kn, v in self.mapping(p, by_name["set"][1], "'set'"):
                values[name] = self.typed(p, decls, name, kn, self.scalar(v))
        if "passes" in by_name:
            v = by_name["passes"][1]
            if not isinstance(v, yaml.SequenceNode):
                raise self.err(p, v, "'passes' must be a list")
            entries = [(n, p, ()) for n in v.value]
        else:
            entries = base_entries
        if entries is None or ("passes" not in by_name and "extends" not in by_name):
            raise self.err(p, root, "a pipeline needs 'passes' (or 'extends')")
        return desc, decls, values, entries, p

    def option_decl(self, path: str, name: str, node: Any) -> OptionDecl:
        fields = {k: (kn, v) for k, kn, v in self.mapping(path, node, f"option '{name}'")}
        for k, (kn, _) in fields.items():
            if k not in ("type", "default", "help", "choices"):
                raise self.err(path, kn, f"unknown key '{k}' in option '{name}' (keys: type, default, help, choices)")
        tp = str(self.scalar(fields["type"][1])) if "type" in fields else "str"
        if tp not in ("bool", "int", "float", "str"):
            raise self.err(path, fields["type"][1], f"option '{name}': type must be bool, int, float or str")
        if "default" not in fields:
            raise self.err(path, node, f"option '{name}' needs a default")
        choices = self.scalar(fields["choices"][1]) if "choices" in fields else None
        decl = OptionDecl(name, tp, None, str(self.scalar(fields["help"][1])) if "help" in fields else "", choices)
        try:
            decl.default = convert_value(tp, self.scalar(fields["default"][1]), f"default of option '{name}'")
        except OptionError as e:
            raise self.err(path, fields["default"][1], str(e)) from None
        return decl

    def typed(self, path: str, decls: dict[str, OptionDecl], name: str, node: Any, value: Any) -> Any:
        if name not in decls:
            close = close_names(name, list(decls))
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise self.err(path, node, f"unknown pipeline option '{name}'{hint}")
        try:
            v = convert_value(decls[name].type, value, f"pipeline option '{name}'")
        except OptionError as e:
            raise self.err(path, node, str(e)) from None
        if decls[name].choices and v not in decls[name].choices:
            raise self.err(path, node, f"pipeline option '{name}' must be one of {decls[name].choices}, got {v!r}")
        return v


def _substitute(value: Any, values: dict[str, Any], err) -> Any:
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = re.fullmatch(r"\$\{([\w\-]+)\}", value)
    if whole:
        if whole.group(1) not in values:
            raise err(f"unknown pipeline option '${{{whole.group(1)}}}'")
        return values[whole.group(1)]

    def rep(m):
        if m.group(1) not in values:
            raise err(f"unknown pipeline option '${{{m.group(1)}}}'")
        return format_value(values[m.group(1)])

    return re.sub(r"\$\{([\w\-]+)\}", rep, value)


def _condition(expr: str, values: dict[str, Any], err) -> bool:
    expr = str(expr).strip()
    m = re.fullmatch(r"(not\s+|!)?\s*([\w\-]+)", expr)
    if m:
        name = m.group(2)
        if name not in values:
            raise err(f"unknown pipeline option '{name}' in condition")
        return bool(values[name]) != bool(m.group(1))
    m = re.fullmatch(r"([\w\-]+)\s*(==|!=)\s*(\S+)", expr)
    if m:
        name, op, rhs = m.groups()
        if name not in values:
            raise err(f"unknown pipeline option '{name}' in condition")
        equal = format_value(values[name]) == rhs.strip("'\"")
        return equal if op == "==" else not equal
    raise err(f"cannot read condition '{expr}' (use NAME, not NAME, NAME == VALUE or NAME != VALUE)")


def load_pipeline(ref: str, overrides: dict[str, str] | None = None) -> Pipeline:
    """Load a YAML pipeline (path or shipped name), apply --set overrides, expand it to PassSpecs."""
    overrides = overrides or {}
    loader = _Loader(overrides)
    desc, decls, values, entries, path = loader.load(ref)
    for name, raw in overrides.items():
        if name not in decls:
            close = close_names(name, list(decls))
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            valid = ", ".join(sorted(decls)) or "none"
            raise HexoptError(f"unknown pipeline option '{name}' for --set{hint} (options: {valid})")
        try:
            values[name] = convert_value(decls[name].type, raw, f"--set {name}")
        except OptionError as e:
            raise HexoptError(str(e)) from None
        if decls[name].choices and values[name] not in decls[name].choices:
            raise HexoptError(f"--set {name}: must be one of {decls[name].choices}, got {values[name]!r}")
    specs = _expand(loader, entries, values, decls)
    return Pipeline(Path(path).stem, path, desc, decls, values, _validate_hexopt(specs))


def _expand(loader: _Loader, entries: list, values: dict[str, Any], decls: dict[str, OptionDecl]) -> list[PassSpec]:
    specs: list[PassSpec] = []
    for node, path, nest in entries:
        def err(msg, n=node, p=path):
            return loader.err(p, n, msg)

        origin = Origin(path, node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            specs.append(_make_spec(loader, path, node, str(node.value), {}, nest, origin))
            continue
        if not isinstance(node, yaml.MappingNode):
            raise err("a pass entry must be a name, `name: {options}`, or a mapping with pass:/include:")
        fields = loader.mapping(path, node, "a pass entry")
        keys = [k for k, _, _ in fields]
        by = {k: (kn, v) for k, kn, v in fields}
        if "if" in by and not _condition(loader.scalar(by["if"][1]), values,
                                         lambda m, n=by["if"][1]: loader.err(path, n, m)):
            continue
        if "include" in by:
            extra = set(keys) - {"include", "if"}
            if extra:
                raise loader.err(path, by[sorted(extra)[0]][0], f"unknown key '{sorted(extra)[0]}' in include entry")
            _, idecls, ivalues, ientries, _ = loader.load(str(loader.scalar(by["include"][1])), path)
            merged = dict(ivalues)
            merged.update({k: v for k, v in values.items()})
            merged_decls = dict(idecls)
            merged_decls.update(decls)
            specs.extend(_expand(loader, [(n, p, nest + ns) for n, p, ns in ientries], merged, merged_decls))
            continue
        if "pass" in by:
            extra = set(keys) - {"pass", "options", "if"}
            if extra:
                k = sorted(extra)[0]
                raise loader.err(path, by[k][0], f"unknown key '{k}' in pass entry (keys: pass, options, if)")
            name_node = by["pass"][1]
            opts = _options_of(loader, path, by["options"][1], values) if "options" in by else {}
            specs.append(_make_spec(loader, path, name_node, str(name_node.value), opts, nest, origin))
            continue
        if len(fields) - ("if" in by) != 1:
            raise err("a pass entry `name: {options}` must name exactly one pass")
        name, kn, v = next(f for f in fields if f[0] != "if")
        if name in ANCHORS:
            if not isinstance(v, yaml.SequenceNode):
                raise loader.err(path, v, f"'{name}:' must be followed by a list of passes")
            specs.extend(_expand(loader, [(n, path, nest + (name,)) for n in v.value], values, decls))
            continue
        opts = {} if (isinstance(v, yaml.ScalarNode) and v.value in ("", "~", "null")) else \
            _options_of(loader, path, v, values)
        specs.append(_make_spec(loader, path, kn, name, opts, nest,
                                Origin(path, kn.start_mark.line + 1, kn.start_mark.column + 1)))
    return specs


def _options_of(loader: _Loader, path: str, node: Any, values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, kn, v in loader.mapping(path, node, "pass options"):
        out[key] = _substitute(loader.scalar(v), values, lambda m, n=v: loader.err(path, n, m))
    return out


def _make_spec(loader: _Loader, path: str, node: Any, name: str, opts: dict[str, Any], nest: tuple[str, ...],
               origin: Origin) -> PassSpec:
    if not re.fullmatch(r"[A-Za-z_][\w.\-]*", name):
        raise loader.err(path, node, f"'{name}' is not a pass name")
    spec = PassSpec(name, opts, nest, origin)
    if spec.is_hexopt:
        cls = get_pass_class(name)
        if nest and nest != (cls.scope,):
            raise loader.err(path, node, f"hexopt pass '{name}' runs on {cls.scope}; it cannot be nested under "
                                         f"'{'/'.join(nest)}'")
        try:
            cls.from_options(opts)
        except OptionError as e:
            raise loader.err(path, node, str(e)) from None
    return spec
