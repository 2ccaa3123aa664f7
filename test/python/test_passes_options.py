"""Pass options are checked when a pass is built (so when a pipeline is loaded), and building one,
loading a pipeline or importing a pass class never loads the MLIR bindings."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from hexopt.diagnostics import HexoptError
from hexopt.options import OptionError
from hexopt.passes import REGISTRY, get_pass_class


def test_pipelines_and_pass_classes_load_without_mlir():
    code = textwrap.dedent("""
        import sys
        from hexopt.passes import REGISTRY, get_pass_class
        from hexopt.pipeline import load_pipeline, pipeline_names

        names = pipeline_names()
        assert {"hexagon", "host", "baseline", "linalg-to-llvm"} <= set(names), names
        for name in names:
            assert load_pipeline(name).text().startswith("builtin.module(")
        for name in REGISTRY:
            cls = get_pass_class(name)
            cls.options()
            cls()
        print(sorted(m for m in sys.modules if m == "mlir" or m.startswith("mlir.")))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"MLIR modules loaded: {out.strip()}"


BAD = [
    ("hexagon-tiling", "vector-bytes", "0"),
    ("hexagon-tiling", "vector-bytes", "3"),
    ("hexagon-tiling", "vector-bytes", "100"),
    ("hexagon-tiling", "vector-bytes", "-128"),
    ("hexagon-tiling", "vector-bytes", "1048576"),
    ("hexagon-tiling", "contraction-rows", "0"),
    ("hexagon-tiling", "contraction-rows", "17"),
    ("hexagon-vectorization", "vector-bytes", "3"),
    ("split-reduce-generic", "ratio", "1"),
    ("split-reduce-generic", "ratio", "-2"),
    ("split-reduce-generic", "vector-bytes", "96"),
    ("form-virtual-threads", "num-threads", "0"),
    ("form-virtual-threads", "num-threads", "-4"),
    ("form-virtual-threads", "min-work", "-1"),
    ("set-target", "index-bitwidth", "7"),
    ("set-target", "index-bitwidth", "16"),
    ("set-target", "target", "arm"),
    ("lower-vector-to-llvm", "index-bitwidth", "48"),
    ("materialize-transposed-operands", "min-reuse", "0"),
]

GOOD = [
    ("hexagon-tiling", "vector-bytes", "64"),
    ("hexagon-tiling", "vector-bytes", "256"),
    ("hexagon-tiling", "contraction-rows", "1"),
    ("hexagon-vectorization", "vector-bytes", "8"),
    ("split-reduce-generic", "ratio", "0"),
    ("split-reduce-generic", "ratio", "2"),
    ("form-virtual-threads", "num-threads", "1"),
    ("set-target", "index-bitwidth", "0"),
    ("set-target", "index-bitwidth", "32"),
    ("set-target", "target", "Hexagon"),
    ("lower-vector-to-llvm", "index-bitwidth", "64"),
    ("materialize-transposed-operands", "min-reuse", "1"),
]


@pytest.mark.parametrize("pass_name, option, value", BAD)
def test_bad_option_is_rejected_when_built(pass_name, option, value):
    cls = get_pass_class(pass_name)
    with pytest.raises(OptionError, match=f"option '{option}' of '{pass_name}'"):
        cls.from_options({option: value})


@pytest.mark.parametrize("pass_name, option, value", GOOD)
def test_good_option_is_accepted(pass_name, option, value):
    get_pass_class(pass_name).from_options({option: value})


@pytest.mark.parametrize(
    "setting", ["num-threads=0", "vector-bytes=3", "vector-bytes=1048576", "index-bitwidth=7", "contraction-rows=0"]
)
def test_shipped_pipeline_rejects_bad_setting_when_loaded(setting):
    from hexopt.pipeline import load_pipeline

    name, value = setting.split("=")
    with pytest.raises(HexoptError, match=f"--set {name}") as info:
        load_pipeline("hexagon", {name: value})
    assert "Traceback" not in str(info.value)


def test_every_pass_default_is_valid():
    for name in REGISTRY:
        get_pass_class(name)()  # __post_init__ validates every option
