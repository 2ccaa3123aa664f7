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


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_default_options_round_trip_through_text(name):
    from hexopt.pipeline import parse_textual

    cls = get_pass_class(name)
    default = cls()
    spec = parse_textual(f"builtin.module({default.text()})")[0]
    assert spec.name == name
    assert cls.from_options(spec.options) == default


def test_cli_is_fast_to_import():
    """The CLI must not import the MLIR bindings (fast --help, crash isolation)."""
    import subprocess
    import sys

    code = "import sys, hexopt.cli; print('mlir' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_help_and_pipeline_show_run_without_the_bindings():
    """`hexopt --help`, `hexopt pipeline show/list` and `hexopt passes` work with the MLIR bindings made
    unimportable (so they cannot load them, and stay fast: tools/bench_compile.py times them)."""
    import subprocess
    import sys

    for argv in (["--help"], ["pipeline", "show", "hexagon"], ["pipeline", "show", "host", "--set", "row-threads=false"],
                 ["pipeline", "list"], ["passes", "form-row-threads"]):
        code = ("import sys; sys.modules['mlir'] = None\n"  # any `import mlir...` now raises ImportError
                f"sys.argv = ['hexopt', *{argv!r}]\n"
                "from hexopt.cli import main\n"
                "try:\n    main()\nexcept SystemExit as e:\n    sys.exit(e.code)\n")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert proc.returncode == 0, f"hexopt {' '.join(argv)}: {proc.stderr[-2000:]}"
        assert proc.stdout.strip(), f"hexopt {' '.join(argv)} printed nothing"
