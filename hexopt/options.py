"""Typed options, shared by pass options (dataclass fields) and pipeline options (YAML `options:`).

One place converts a value written in YAML, a textual pipeline or `--set` to its type, checks it
against the option's constraints (range, choices, a custom check) and formats it back to text.
No MLIR import here: options are validated when a pipeline is loaded, in the CLI process.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

#: The option types hexopt knows, as written in YAML (`type: int`) and shown by `hexopt passes`.
TYPES = ("bool", "int", "float", "str", "list[int]")


class OptionError(ValueError):
    """An option name or value that is not accepted; the message names the option and the rule."""


def did_you_mean(name: str, candidates: Sequence[str], cutoff: float = 0.6) -> str:
    """'; did you mean a, b?' for the names close to `name`, or '' (appended to error messages)."""
    close = get_close_matches(name, list(candidates), n=3, cutoff=cutoff)
    return f"; did you mean {', '.join(close)}?" if close else ""


def format_value(value: Any) -> str:
    """An option value as pipeline text: true/false, 1,2,3 for lists, str() otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(format_value(v) for v in value)
    return str(value)


def _to_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise OptionError(f"{what} expects an int, got {value!r}")
    if isinstance(value, (int, float)):
        return int(value)
    try:
        return int(str(value).strip(), 0)
    except ValueError:
        raise OptionError(f"{what} expects an int, got {value!r}") from None


def convert_value(type_name: str, value: Any, what: str) -> Any:
    """Convert a YAML or textual value to an option type (see TYPES), or raise OptionError."""
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "on", "off"):
            return value.strip().lower() in ("true", "1", "on")
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise OptionError(f"{what} expects a bool (true/false), got {value!r}")
    if type_name == "int":
        return _to_int(value, what)
    if type_name == "float":
        if isinstance(value, bool):
            raise OptionError(f"{what} expects a float, got {value!r}")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise OptionError(f"{what} expects a float, got {value!r}") from None
    if type_name == "list[int]":
        if isinstance(value, (list, tuple)):
            items = list(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            items = [value]
        elif isinstance(value, str):
            items = [p for p in value.replace(" ", "").split(",") if p] if value.strip() else []
        else:
            raise OptionError(f"{what} expects a comma-separated list of ints, got {value!r}")
        return tuple(_to_int(v, what) for v in items)
    if type_name == "str":
        if isinstance(value, (dict, list, tuple)):
            raise OptionError(f"{what} expects a string, got {value!r}")
        return format_value(value) if isinstance(value, bool) else str(value)
    raise OptionError(f"{what}: unknown option type '{type_name}' (types: {', '.join(TYPES)})")


@dataclass(frozen=True)
class OptionSpec:
    """One typed option: its name, type, default, help and constraints."""

    name: str  # kebab-case, as written in pipelines
    type: str  # one of TYPES
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None
    #: an extra rule: returns what is wrong with a (converted) value, or None
    check: Callable[[Any], str | None] | None = None

    def rule(self) -> str:
        """The constraint in words, for `hexopt passes` and error messages ('' when there is none)."""
        parts = []
        if self.choices is not None:
            parts.append("one of " + ", ".join(format_value(c) for c in self.choices))
        if self.min is not None and self.max is not None:
            parts.append(f"in [{format_value(self.min)}, {format_value(self.max)}]")
        elif self.min is not None:
            parts.append(f">= {format_value(self.min)}")
        elif self.max is not None:
            parts.append(f"<= {format_value(self.max)}")
        if self.check is not None and self.check.__doc__:
            parts.append(self.check.__doc__.strip())
        return "; ".join(parts)

    def convert(self, value: Any, what: str | None = None) -> Any:
        """`value` converted to this option's type and checked against its constraints."""
        what = what or f"option '{self.name}'"
        v = convert_value(self.type, value, what)
        self.validate(v, what)
        return v

    def validate(self, v: Any, what: str | None = None) -> None:
        """Raise OptionError unless the typed value `v` satisfies the constraints."""
        what = what or f"option '{self.name}'"
        items = v if isinstance(v, tuple) else (v,)
        if self.choices is not None and v not in self.choices:
            raise OptionError(
                f"{what} must be one of {', '.join(format_value(c) for c in self.choices)}; "
                f"got {format_value(v)}{did_you_mean(format_value(v), [str(c) for c in self.choices])}"
            )
        for item in items:
            number = isinstance(item, (int, float)) and not isinstance(item, bool)
            if number and ((self.min is not None and item < self.min) or (self.max is not None and item > self.max)):
                raise OptionError(f"{what} must be {self.rule()}; got {format_value(v)}")
        if self.check is not None:
            problem = self.check(v)
            if problem:
                raise OptionError(f"{what} {problem}; got {format_value(v)}")


def power_of_two(value: int) -> str | None:
    """a power of two"""
    return None if value > 0 and value & (value - 1) == 0 else "must be a power of two"


def type_of_annotation(annotation: Any) -> tuple[str, tuple[Any, ...] | None]:
    """(option type, choices) of a dataclass field annotation; TypeError for one that is not supported.

    bool, int, float, str; Literal['a', 'b'] (a str or int with choices); tuple[int, ...] (list[int])."""
    if annotation in (bool, int, float, str):
        return annotation.__name__, None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal and args and len({type(a) for a in args}) == 1 and type(args[0]) in (str, int):
        return type(args[0]).__name__, tuple(args)
    if origin is tuple and args == (int, Ellipsis):
        return "list[int]", None
    raise TypeError(
        f"unsupported option type {annotation!r} (use bool, int, float, str, Literal[...] or tuple[int, ...])"
    )
