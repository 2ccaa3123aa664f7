"""The shape every hexopt pass has: a frozen dataclass with typed options.

A pass module defines one subclass of :class:`Pass`::

    @dataclass(frozen=True)
    class HexagonFusion(Pass):
        \"\"\"Fuse elementwise linalg.generic producers into their consumers.\"\"\"

        name: ClassVar[str] = "hexagon-fusion"
        scope: ClassVar[str] = "func.func"

        allow_recompute: bool = option(False, "fuse producers with several uses by recomputing them")

        def run_on_function(self, func) -> None: ...

Option field names are the snake_case of the option's kebab-case name. This module does not
import the MLIR bindings, so that listing passes stays fast.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar


class PassFailure(Exception):
    """Raised by a pass that cannot transform the IR; the message is shown to the user, at the
    location of `op` (an Operation or OpView) when one is given."""

    def __init__(self, message: str, op: Any = None):
        super().__init__(message)
        self.op = op


class OptionError(ValueError):
    """An option name or value that a pass does not accept."""


def option(default: Any, help: str) -> Any:
    """Declare a pass option with its default and one line of help."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class OptionInfo:
    name: str  # kebab-case, as written in pipelines
    type: str  # "bool" | "int" | "float" | "str"
    default: Any
    help: str


def _kebab(s: str) -> str:
    return s.replace("_", "-")


def _snake(s: str) -> str:
    return s.replace("-", "_")


def _type_name(tp: Any) -> str:
    tp = tp if isinstance(tp, str) else getattr(tp, "__name__", str(tp))
    return {"bool": "bool", "int": "int", "float": "float", "str": "str"}.get(tp, "str")


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def convert_value(type_name: str, value: Any, what: str) -> Any:
    """Convert a YAML or textual value to an option's type, or raise OptionError."""
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "on", "off"):
            return value.lower() in ("true", "1", "on")
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise OptionError(f"{what} expects a bool (true/false), got {value!r}")
    if type_name == "int":
        if isinstance(value, bool):
            raise OptionError(f"{what} expects an int, got {value!r}")
        if isinstance(value, int):
            return value
        try:
            return int(str(value), 0)
        except ValueError:
            raise OptionError(f"{what} expects an int, got {value!r}") from None
    if type_name == "float":
        if isinstance(value, bool):
            raise OptionError(f"{what} expects a float, got {value!r}")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise OptionError(f"{what} expects a float, got {value!r}") from None
    if isinstance(value, (dict, list)):
        raise OptionError(f"{what} expects a string, got {value!r}")
    return format_value(value) if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class Pass:
    """Base class of hexopt passes (see the module docstring)."""

    name: ClassVar[str] = ""
    #: "builtin.module": apply() sees the module. "func.func": run_on_function() is called for
    #: every func.func (the pass may also be nested under func.func in a pipeline).
    scope: ClassVar[str] = "builtin.module"

    @classmethod
    def summary(cls) -> str:
        doc = (cls.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""

    @classmethod
    def options(cls) -> list[OptionInfo]:
        return [
            OptionInfo(_kebab(f.name), _type_name(f.type), f.default, f.metadata.get("help", ""))
            for f in dataclasses.fields(cls)
        ]

    @classmethod
    def from_options(cls, values: dict[str, Any]) -> "Pass":
        """Build the pass from {kebab-name: value}; raises OptionError naming close matches."""
        infos = {o.name: o for o in cls.options()}
        kwargs = {}
        for key, value in values.items():
            if key not in infos:
                from difflib import get_close_matches

                close = get_close_matches(key, list(infos), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                valid = ", ".join(infos) or "none"
                raise OptionError(f"unknown option '{key}' for pass '{cls.name}'{hint} (options: {valid})")
            kwargs[_snake(key)] = convert_value(infos[key].type, value, f"option '{key}' of '{cls.name}'")
        return cls(**kwargs)

    def option_values(self) -> dict[str, Any]:
        return {_kebab(f.name): getattr(self, f.name) for f in dataclasses.fields(self)}

    def text(self) -> str:
        """The pass as it appears in a textual pipeline: name{opt=value ...} (non-defaults only)."""
        changed = [
            f"{_kebab(f.name)}={format_value(getattr(self, f.name))}"
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != f.default
        ]
        return self.name + ("{" + " ".join(changed) + "}" if changed else "")

    # --- what subclasses implement ---------------------------------------------------------
    def apply(self, module: Any) -> None:
        """Transform `module` (an ir.Module) in place. Default: run_on_function on each func.func."""
        if self.scope != "func.func":
            raise NotImplementedError(f"pass '{self.name}' implements neither apply nor run_on_function")
        for op in list(module.body.operations):
            if op.operation.name == "func.func":
                self.run_on_function(op)

    def run_on_function(self, func: Any) -> None:
        raise NotImplementedError(f"pass '{self.name}' does not implement run_on_function")
