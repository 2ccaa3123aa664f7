"""YAML pipelines (the format is in docs/pipelines.md): load, apply `--set`, expand to PassSpecs.

Every error is located in the YAML (file:line:col) or at the `--set` it comes from. The loader is
safe on hostile files: text must be UTF-8, aliases may not expand beyond MAX_NODES nodes ("billion
laughs"), nesting is bounded, duplicate keys, `extends`/`include` cycles and defaults outside their
own constraints are errors.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hexopt.diagnostics import Diagnostic
from hexopt.errors import PipelineError
from hexopt.options import TYPES, OptionError, OptionSpec, did_you_mean, format_value

from .spec import ANCHORS, Origin, PassSpec, error_at, to_text, validate_specs

PIPELINE_DIR = Path(__file__).resolve().parent.parent / "pipelines"
FIELDS = ("description", "extends", "options", "set", "passes")
OPTION_KEYS = ("type", "default", "help", "choices", "min", "max")
#: Bounds of what a pipeline file may expand to (aliases included) and how deep it may nest.
MAX_NODES = 20_000
MAX_DEPTH = 64
MAX_CHAIN = 32  # extends/include chain length


@dataclass
class Pipeline:
    """A loaded YAML pipeline: options (with values after --set) and its flat list of passes."""

    name: str
    path: str
    description: str
    options: dict[str, OptionSpec]
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
    if os.path.isdir(ref):
        raise PipelineError(f"cannot read pipeline {ref}: it is a directory")
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        raise PipelineError(f"cannot read pipeline {ref}: no such file")
    if os.path.isfile(ref):
        raise PipelineError(
            f"'{ref}' is not a pipeline (a pipeline is a .yaml file or one of: {', '.join(pipeline_names())})"
        )
    raise PipelineError(
        f"no pipeline '{ref}': not a YAML file and not one of the shipped pipelines "
        f"({', '.join(pipeline_names())}){did_you_mean(ref, pipeline_names())}"
    )


def _origin(path: str, node: Any) -> Origin:
    return Origin(path, node.start_mark.line + 1, node.start_mark.column + 1)


@dataclass
class _Loaded:
    """One pipeline file with its extends chain resolved."""

    path: str
    description: str = ""
    decls: dict[str, OptionSpec] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    value_origins: dict[str, Origin] = field(default_factory=dict)
    entries: list[tuple[Any, str, tuple[str, ...]]] | None = None  # (node, file, nesting)


class _Loader:
    def __init__(self) -> None:
        self.chain: list[str] = []  # resolved files being loaded (extends and include)

    @staticmethod
    def err(path: str, node: Any, message: str, notes: list[Diagnostic] | None = None) -> PipelineError:
        return error_at(_origin(path, node), message, notes)

    # --- reading files ---------------------------------------------------------------------
    def compose(self, path: Path) -> Any:
        p = str(path)
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise PipelineError(f"cannot read pipeline {path}: {e.strerror}") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            msg = f"not a text pipeline file: invalid UTF-8 (byte 0x{raw[e.start]:02x})"
            raise PipelineError(msg, [Diagnostic(msg, "error", p, line, 1)]) from None
        if "\x00" in text:
            msg = "not a text pipeline file: it contains NUL bytes"
            raise PipelineError(msg, [Diagnostic(msg, "error", p, text[: text.index("\x00")].count("\n") + 1, 1)])
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
            msg = f"invalid YAML: {getattr(e, 'problem', None) or e}"
            if mark is None:
                raise PipelineError(msg, [Diagnostic(msg, "error", p, 1, 1)]) from None
            raise PipelineError(msg, [Diagnostic(msg, "error", p, mark.line + 1, mark.column + 1)]) from None
        except RecursionError:
            msg = f"invalid YAML: nested more than the parser can follow (at most {MAX_DEPTH} levels)"
            raise PipelineError(msg, [Diagnostic(msg, "error", p, 1, 1)]) from None
        if node is None:
            raise PipelineError("empty pipeline file", [Diagnostic("empty pipeline file", "error", p, 1, 1)])
        self._check_size(p, node)
        return node

    def _check_size(self, path: str, root: Any) -> None:
        """Refuse files whose aliases expand to more than MAX_NODES nodes or nest deeper than MAX_DEPTH."""
        sizes: dict[int, int] = {}

        def size(node: Any, depth: int) -> int:
            key = id(node)
            if key in sizes:
                if sizes[key] < 0:
                    raise self.err(path, node, "invalid YAML: an alias refers to a node that contains it")
                return sizes[key]
            if depth > MAX_DEPTH:
                raise self.err(path, node, f"pipeline nested more than {MAX_DEPTH} levels deep")
            if node.tag not in yaml.constructor.SafeConstructor.yaml_constructors:
                raise self.err(path, node, f"invalid YAML: unsupported tag '{node.tag}'")
            sizes[key] = -1
            total = 1
            if isinstance(node, yaml.SequenceNode):
                total += sum(size(n, depth + 1) for n in node.value)
            elif isinstance(node, yaml.MappingNode):
                total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
            if total > MAX_NODES:
                raise self.err(
                    path,
                    node,
                    f"pipeline file expands to more than {MAX_NODES} YAML nodes (aliases that expand exponentially?)",
                )
            sizes[key] = total
            return total

        size(root, 0)

    @staticmethod
    def value(node: Any) -> Any:
        """The Python value of a node (after the size check, aliases are bounded)."""
        if node is None:
            return None
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)

    def mapping(self, path: str, node: Any, what: str) -> list[tuple[str, Any, Any]]:
        """(key, key node, value node) of a mapping; errors for other nodes and duplicate keys."""
        if not isinstance(node, yaml.MappingNode):
            raise self.err(path, node, f"{what} must be a mapping")
        out: list[tuple[str, Any, Any]] = []
        seen: dict[str, Any] = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode) or k.tag == "tag:yaml.org,2002:merge":
                raise self.err(path, k, f"keys of {what} must be names")
            if k.value in seen:
                first = seen[k.value]
                raise self.err(
                    path,
                    k,
                    f"duplicate key '{k.value}' in {what}",
                    [
                        Diagnostic(
                            "first given here", "note", path, first.start_mark.line + 1, first.start_mark.column + 1
                        )
                    ],
                )
            seen[k.value] = k
            out.append((k.value, k, v))
        return out

    # --- one file -----------------------------------------------------------------------------
    def load(self, ref: str, relative_to: str | None = None, node: Any = None) -> _Loaded:
        path = resolve_pipeline_path(ref, relative_to)
        key = str(path.resolve())
        if key in self.chain or len(self.chain) >= MAX_CHAIN:
            cycle = " -> ".join([*(Path(c).name for c in self.chain), path.name])
            message = (
                f"pipeline {path} extends or includes itself ({cycle})"
                if key in self.chain
                else f"pipelines extend or include each other more than {MAX_CHAIN} levels deep"
            )
            if node is not None and relative_to is not None:
                raise self.err(relative_to, node, message)
            raise PipelineError(message)
        self.chain.append(key)
        try:
            return self._load(path)
        finally:
            self.chain.pop()

    def _load(self, path: Path) -> _Loaded:
        p = str(path)
        root = self.compose(path)
        fields = {k: (kn, v) for k, kn, v in self.mapping(p, root, "a pipeline")}
        for k, (kn, _) in fields.items():
            if k not in FIELDS:
                raise self.err(
                    p,
                    kn,
                    f"unknown pipeline field '{k}'{did_you_mean(k, FIELDS)} (fields: {', '.join(sorted(FIELDS))})",
                )
        loaded = _Loaded(p)
        if "extends" in fields:
            kn, v = fields["extends"]
            if not isinstance(v, yaml.ScalarNode):
                raise self.err(p, v, "'extends' must be a pipeline name or path")
            base = self.load(str(v.value), p, v)
            loaded.description, loaded.entries = base.description, base.entries
            loaded.decls, loaded.values = dict(base.decls), dict(base.values)
            loaded.value_origins = dict(base.value_origins)
        if "description" in fields:
            loaded.description = str(self.value(fields["description"][1]))
        if "options" in fields:
            for name, kn, v in self.mapping(p, fields["options"][1], "'options'"):
                loaded.decls[name] = self.option_decl(p, name, kn, v)
                loaded.values[name] = loaded.decls[name].default
                default_node = next((dv for dk, _, dv in self.mapping(p, v, f"option '{name}'") if dk == "default"), v)
                loaded.value_origins[name] = _origin(p, default_node)
        if "set" in fields:
            for name, kn, v in self.mapping(p, fields["set"][1], "'set'"):
                if name not in loaded.decls:
                    raise self.err(p, kn, f"unknown pipeline option '{name}'{did_you_mean(name, list(loaded.decls))}")
                try:
                    loaded.values[name] = loaded.decls[name].convert(self.value(v), f"pipeline option '{name}'")
                except OptionError as e:
                    raise self.err(p, v, str(e)) from None
                loaded.value_origins[name] = _origin(p, v)
        if "passes" in fields:
            v = fields["passes"][1]
            if not isinstance(v, yaml.SequenceNode):
                raise self.err(p, v, "'passes' must be a list")
            loaded.entries = [(n, p, ()) for n in v.value]
        elif "extends" not in fields:
            raise self.err(p, root, "a pipeline needs 'passes' (or 'extends')")
        return loaded

    def option_decl(self, path: str, name: str, key_node: Any, node: Any) -> OptionSpec:
        fields = {k: (kn, v) for k, kn, v in self.mapping(path, node, f"option '{name}'")}
        for k, (kn, _) in fields.items():
            if k not in OPTION_KEYS:
                raise self.err(
                    path,
                    kn,
                    f"unknown key '{k}' in option '{name}'{did_you_mean(k, OPTION_KEYS)} "
                    f"(keys: {', '.join(OPTION_KEYS)})",
                )
        tp = str(self.value(fields["type"][1])) if "type" in fields else "str"
        if tp not in TYPES:
            raise self.err(path, fields["type"][1], f"option '{name}': type must be one of {', '.join(TYPES)}")
        if "default" not in fields:
            raise self.err(path, key_node, f"option '{name}' needs a default")
        bounds: dict[str, Any] = {}
        for bound in ("min", "max"):
            if bound in fields:
                value = self.value(fields[bound][1])
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise self.err(path, fields[bound][1], f"option '{name}': {bound} must be a number")
                bounds[bound] = value
        choices = None
        if "choices" in fields:
            raw = self.value(fields["choices"][1])
            if not isinstance(raw, list) or not raw:
                raise self.err(path, fields["choices"][1], f"option '{name}': choices must be a non-empty list")
            try:
                choices = tuple(OptionSpec(name, tp, None, "").convert(c, f"a choice of option '{name}'") for c in raw)
            except OptionError as e:
                raise self.err(path, fields["choices"][1], str(e)) from None
        spec = OptionSpec(
            name,
            tp,
            None,
            str(self.value(fields["help"][1])) if "help" in fields else "",
            choices,
            bounds.get("min"),
            bounds.get("max"),
        )
        try:
            default = spec.convert(self.value(fields["default"][1]), f"the default of option '{name}'")
        except OptionError as e:
            raise self.err(path, fields["default"][1], str(e)) from None
        return OptionSpec(name, tp, default, spec.help, choices, spec.min, spec.max)


# --- expanding pass entries ---------------------------------------------------------------------


@dataclass
class _Env:
    """What pass entries see: option values, declarations and where each value was set."""

    values: dict[str, Any]
    decls: dict[str, OptionSpec]
    origins: dict[str, Origin]


def _substitute(value: Any, env: _Env, used: list[str], err: Any) -> Any:
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = re.fullmatch(r"\$\{([\w\-]+)\}", value)
    if whole:
        name = whole.group(1)
        if name not in env.values:
            raise err(f"unknown pipeline option '${{{name}}}'{did_you_mean(name, list(env.values))}")
        used.append(name)
        return env.values[name]

    def rep(m: re.Match[str]) -> str:
        if m.group(1) not in env.values:
            raise err(f"unknown pipeline option '${{{m.group(1)}}}'{did_you_mean(m.group(1), list(env.values))}")
        used.append(m.group(1))
        return format_value(env.values[m.group(1)])

    return re.sub(r"\$\{([\w\-]+)\}", rep, value)


def _condition(expr: Any, env: _Env, err: Any) -> bool:
    text = str(expr).strip()
    m = re.fullmatch(r"(not\s+|!)?\s*([\w\-]+)", text)
    if m:
        name = m.group(2)
        if name not in env.values:
            raise err(f"unknown pipeline option '{name}' in condition{did_you_mean(name, list(env.values))}")
        return bool(env.values[name]) != bool(m.group(1))
    m = re.fullmatch(r"([\w\-]+)\s*(==|!=)\s*(\S+)", text)
    if m:
        name, op, rhs = m.groups()
        if name not in env.values:
            raise err(f"unknown pipeline option '{name}' in condition{did_you_mean(name, list(env.values))}")
        equal = format_value(env.values[name]) == rhs.strip("'\"")
        return equal if op == "==" else not equal
    raise err(f"cannot read condition '{text}' (use NAME, not NAME, NAME == VALUE or NAME != VALUE)")


def _expand(loader: _Loader, entries: list[tuple[Any, str, tuple[str, ...]]], env: _Env) -> list[PassSpec]:
    specs: list[PassSpec] = []
    for node, path, nest in entries:

        def err(msg: str, n: Any = node, p: str = path) -> PipelineError:
            return loader.err(p, n, msg)

        if isinstance(node, yaml.ScalarNode):
            specs.append(_make_spec(loader, path, node, str(node.value), {}, {}, nest, env))
            continue
        if not isinstance(node, yaml.MappingNode):
            raise err("a pass entry must be a name, `name: {options}`, or a mapping with pass:/include:")
        fields = loader.mapping(path, node, "a pass entry")
        by = {k: (kn, v) for k, kn, v in fields}
        if "if" in by:
            cond_node = by["if"][1]
            if not isinstance(cond_node, yaml.ScalarNode):
                raise loader.err(
                    path, cond_node, "'if' must be a condition: NAME, not NAME, NAME == VALUE or NAME != VALUE"
                )
            if not _condition(loader.value(cond_node), env, lambda m, n=cond_node, p=path: loader.err(p, n, m)):
                continue
        if "include" in by:
            extra = sorted(set(by) - {"include", "if"})
            if extra:
                raise loader.err(
                    path, by[extra[0]][0], f"unknown key '{extra[0]}' in include entry (keys: include, if)"
                )
            inode = by["include"][1]
            if not isinstance(inode, yaml.ScalarNode):
                raise loader.err(path, inode, "'include' must be a pipeline name or path")
            key = str(resolve_pipeline_path(str(inode.value), path).resolve())
            if key in loader.chain or len(loader.chain) >= MAX_CHAIN:
                loader.load(str(inode.value), path, inode)  # raises the cycle error at the include
            included = loader.load(str(inode.value), path, inode)
            merged = _Env(
                {**included.values, **env.values},
                {**included.decls, **env.decls},
                {**included.value_origins, **env.origins},
            )
            loader.chain.append(key)
            try:
                specs.extend(_expand(loader, [(n, p, nest + ns) for n, p, ns in included.entries or []], merged))
            finally:
                loader.chain.pop()
            continue
        if "pass" in by:
            extra = sorted(set(by) - {"pass", "options", "if"})
            if extra:
                raise loader.err(
                    path, by[extra[0]][0], f"unknown key '{extra[0]}' in pass entry (keys: pass, options, if)"
                )
            name_node = by["pass"][1]
            if not isinstance(name_node, yaml.ScalarNode):
                raise loader.err(path, name_node, "'pass' must be a pass name")
            opts, sources = _options_of(loader, path, by["options"][1], env) if "options" in by else ({}, {})
            specs.append(
                _make_spec(loader, path, name_node, str(name_node.value), opts, sources, nest, env, _origin(path, node))
            )
            continue
        rest = [f for f in fields if f[0] != "if"]
        if len(rest) != 1:
            raise err("a pass entry `name: {options}` must name exactly one pass")
        name, kn, v = rest[0]
        if name in ANCHORS:
            if not isinstance(v, yaml.SequenceNode):
                raise loader.err(path, v, f"'{name}:' must be followed by a list of passes")
            if len(nest) >= 8:
                raise loader.err(path, kn, "passes nested more than 8 levels deep")
            specs.extend(_expand(loader, [(n, path, (*nest, name)) for n in v.value], env))
            continue
        opts, sources = (
            ({}, {})
            if (isinstance(v, yaml.ScalarNode) and v.value in ("", "~", "null"))
            else _options_of(loader, path, v, env)
        )
        specs.append(_make_spec(loader, path, kn, name, opts, sources, nest, env))
    return specs


def _options_of(loader: _Loader, path: str, node: Any, env: _Env) -> tuple[dict[str, Any], dict[str, str]]:
    """A pass entry's options with `${...}` substituted, and which pipeline option each option took."""
    out: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, _kn, v in loader.mapping(path, node, "pass options"):
        used: list[str] = []
        out[key] = _substitute(loader.value(v), env, used, lambda m, n=v: loader.err(path, n, m))
        if used:
            sources[key] = used[0]
    return out, sources


def _make_spec(
    loader: _Loader,
    path: str,
    node: Any,
    name: str,
    opts: dict[str, Any],
    sources: dict[str, str],
    nest: tuple[str, ...],
    env: _Env,
    origin: Origin | None = None,
) -> PassSpec:
    if not re.fullmatch(r"[A-Za-z_][\w.\-]*", name):
        raise loader.err(path, node, f"'{name}' is not a pass name")
    spec = PassSpec(name, opts, nest, origin or _origin(path, node))
    spec.option_sources = {key: (option, env.origins.get(option)) for key, option in sources.items()}
    return spec


def load_pipeline(ref: str, overrides: dict[str, str] | None = None) -> Pipeline:
    """Load a YAML pipeline (path or shipped name), apply `--set` overrides, expand and check its passes."""
    overrides = overrides or {}
    loader = _Loader()
    loaded = loader.load(ref)
    values, origins = dict(loaded.values), dict(loaded.value_origins)
    for name, raw in overrides.items():
        if name not in loaded.decls:
            valid = ", ".join(sorted(loaded.decls)) or "none"
            raise PipelineError(
                f"unknown pipeline option '{name}' for --set{did_you_mean(name, list(loaded.decls))} (options: {valid})"
            )
        try:
            values[name] = loaded.decls[name].convert(raw, f"--set {name}")
        except OptionError as e:
            raise PipelineError(str(e)) from None
        origins[name] = Origin(f"--set {name}={raw}", 0, 0)
    specs = _expand(loader, loaded.entries or [], _Env(values, loaded.decls, origins))
    return Pipeline(
        Path(loaded.path).stem, loaded.path, loaded.description, loaded.decls, values, validate_specs(specs)
    )
