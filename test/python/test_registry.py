"""The pass registry: every name maps to a class with that name, a docstring and typed options."""

import dataclasses

import pytest

from hexopt.passes import REGISTRY, Pass, get_pass_class


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_registered_name_matches_class(name):
    cls = get_pass_class(name)
    assert issubclass(cls, Pass)
    assert cls.name == name
    assert cls.scope in ("builtin.module", "func.func")
    assert cls.summary(), f"{name} needs a one-line docstring"
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
    for info in cls.options():
        assert info.type in ("bool", "int", "float", "str", "list[int]")
        assert info.help, f"option {info.name} of {name} needs help text"


def _other_value(spec):
    """A valid value of option `spec` that differs from its default, or None when there is none."""
    from hexopt.options import OptionError

    if spec.choices:
        candidates = [c for c in spec.choices if c != spec.default]
    elif spec.type == "bool":
        candidates = [not spec.default]
    elif spec.type == "int":
        candidates = [spec.default + 1, spec.default * 2, spec.default - 1, 2, 1, 0, 64, 256]
    elif spec.type == "float":
        candidates = [spec.default + 0.5, 1.0]
    elif spec.type == "list[int]":
        candidates = [(1, 2), (4,)]
    else:
        candidates = [spec.default + "x" if spec.default else "x"]
    for value in candidates:
        if value == spec.default:
            continue
        try:
            spec.validate(value)
        except OptionError:
            continue
        return value
    return None


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_options_round_trip_through_text(name):
    """Every option, set to a value other than its default, survives pass -> text -> parse -> pass."""
    from hexopt.pipeline import parse_textual

    cls = get_pass_class(name)
    exercised = 0
    for spec in cls.options():
        value = _other_value(spec)
        if value is None:
            continue
        try:
            inst = cls.from_options({spec.name: value})
        except Exception:  # a combination validate() rejects (it needs another option too)
            continue
        text = inst.text()
        assert spec.name in text, f"{text} does not show the non-default {spec.name}"
        parsed = parse_textual(f"builtin.module({text})")[0]
        assert parsed.name == name
        assert cls.from_options(parsed.options) == inst, text
        exercised += 1
    assert exercised or not cls.options(), f"no option of {name} could be set to a non-default value"


def test_cli_is_fast_to_import():
    """The CLI must not import the MLIR bindings (fast --help, crash isolation)."""
    import subprocess
    import sys

    code = "import sys, hexopt.cli; print('mlir' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
