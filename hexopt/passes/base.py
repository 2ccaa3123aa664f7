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
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hexopt.options import OptionError, OptionSpec, did_you_mean, format_value, power_of_two, type_of_annotation

__all__ = ["OptionError", "OptionSpec", "Pass", "PassFailure", "format_value", "option", "power_of_two"]


class PassFailure(Exception):
    """Raised by a pass that cannot transform the IR; the message is shown to the user, at the
    location of `op` (an Operation or OpView) when one is given. `unsupported=True` says the input
    uses something hexopt does not handle (the user's to change; no reproducer is saved), otherwise
    the failure is hexopt's (a reproducer is saved)."""

    def __init__(self, message: str, op: Any = None, unsupported: bool = False):
        super().__init__(message)
        self.op = op
        self.unsupported = unsupported


def option(
    default: Any,
    help: str,
    *,
    min: float | None = None,
    max: float | None = None,
    choices: tuple[Any, ...] | None = None,
    check: Callable[[Any], str | None] | None = None,
) -> Any:
    """Declare a pass option: its default, one line of help and its constraints (checked whenever the
    pass is built, so that a pipeline with a bad value is rejected when it is loaded)."""
    return field(default=default, metadata={"help": help, "min": min, "max": max, "choices": choices, "check": check})


def _kebab(s: str) -> str:
    return s.replace("_", "-")


def _snake(s: str) -> str:
    return s.replace("-", "_")


_OPTIONS: dict[type, list[OptionSpec]] = {}


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
    def options(cls) -> list[OptionSpec]:
        """The pass's options, from its dataclass fields (TypeError for a field type options cannot have)."""
        cached = _OPTIONS.get(cls)
        if cached is not None:
            return cached
        hints = typing.get_type_hints(cls, include_extras=False)
        specs = []
        for f in dataclasses.fields(cls):
            try:
                type_name, literal_choices = type_of_annotation(hints[f.name])
            except TypeError as e:
                raise TypeError(f"option '{_kebab(f.name)}' of pass '{cls.name}': {e}") from None
            meta = f.metadata
            specs.append(
                OptionSpec(
                    _kebab(f.name),
                    type_name,
                    f.default,
                    meta.get("help", ""),
                    meta.get("choices") or literal_choices,
                    meta.get("min"),
                    meta.get("max"),
                    meta.get("check"),
                )
            )
        _OPTIONS[cls] = specs
        return specs

    @classmethod
    def from_options(cls, values: dict[str, Any]) -> Pass:
        """Build the pass from {kebab-name: value} (text or typed); OptionError naming close matches."""
        specs = {o.name: o for o in cls.options()}
        kwargs = {}
        for key, value in values.items():
            if key not in specs:
                valid = ", ".join(specs) or "none"
                raise OptionError(
                    f"unknown option '{key}' for pass '{cls.name}'{did_you_mean(key, list(specs))} (options: {valid})"
                )
            kwargs[_snake(key)] = specs[key].convert(value, f"option '{key}' of '{cls.name}'")
        return cls(**kwargs)

    def __post_init__(self) -> None:
        for spec in self.options():
            spec.validate(getattr(self, _snake(spec.name)), f"option '{spec.name}' of '{self.name}'")
        self.validate()

    def validate(self) -> None:
        """Checks that involve several options; raise OptionError. Called whenever the pass is built."""

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
