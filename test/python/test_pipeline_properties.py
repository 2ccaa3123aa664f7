"""Property tests of the pipeline loader and option parsing (hypothesis).

- Any valid YAML pipeline (random passes, hexopt and upstream, with valid options, nesting, conditions
  and ${...}) loads, and its one textual pipeline parses back to the same passes; when it holds only
  upstream passes, mlir-opt accepts that text.
- Any invalid pipeline (random mutations, random bytes, random option values) fails with a located
  HexoptError, never another exception.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hexopt.errors import HexoptError
from hexopt.options import format_value
from hexopt.passes import REGISTRY, get_pass_class
from hexopt.pipeline import load_pipeline, parse_textual
from hexopt.pipeline.upstream import SCHEMA_FILE

UPSTREAM = json.loads(SCHEMA_FILE.read_text())
#: Upstream passes the property tests draw from: module- or function-level passes that need no target.
SIMPLE_UPSTREAM = [
    "canonicalize",
    "cse",
    "loop-invariant-code-motion",
    "symbol-dce",
    "sccp",
    "convert-linalg-to-loops",
    "lower-affine",
    "convert-scf-to-cf",
]
FUNC_UPSTREAM = ["canonicalize", "cse", "loop-invariant-code-motion"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _valid_values(spec) -> st.SearchStrategy:
    if spec.choices:
        return st.sampled_from(spec.choices)
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "int":
        lo = int(spec.min) if spec.min is not None else -5
        hi = int(spec.max) if spec.max is not None else lo + 300
        return st.integers(lo, hi).filter(lambda v: spec.check is None or spec.check(v) is None)
    if spec.type == "list[int]":
        return st.lists(st.integers(0, 64), max_size=3).map(tuple)
    if spec.type == "float":
        return st.floats(0, 10, allow_nan=False)
    return st.text(alphabet="abcdefghij.", max_size=6)


@st.composite
def hexopt_pass(draw, scope: str) -> dict:
    names = [n for n in sorted(REGISTRY) if get_pass_class(n).scope == scope or scope == "builtin.module"]
    name = draw(st.sampled_from(names))
    cls = get_pass_class(name)
    options = {}
    for spec in cls.options():
        if draw(st.booleans()):
            options[spec.name] = draw(_valid_values(spec))
    try:
        cls.from_options(options)
    except Exception:
        options = {}  # a combination the pass's validate() rejects: keep the defaults
    return {name: options} if options else name


@st.composite
def valid_pipeline(draw) -> tuple[dict, bool]:
    """(YAML document, whether it has only upstream passes)."""
    only_upstream = draw(st.booleans())
    entries: list = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(
            st.sampled_from(["upstream", "func", "hexopt", "cond"] if not only_upstream else ["upstream", "func"])
        )
        if kind == "upstream":
            entries.append(draw(st.sampled_from(SIMPLE_UPSTREAM)))
        elif kind == "func":
            entries.append({"func.func": draw(st.lists(st.sampled_from(FUNC_UPSTREAM), min_size=1, max_size=3))})
        elif kind == "hexopt":
            entries.append(draw(hexopt_pass("builtin.module")))
        else:
            entries.append({"pass": "cse", "if": draw(st.sampled_from(["flag", "not flag", "n == 3", "n != 3"]))})
    doc = {
        "description": "generated",
        "options": {
            "flag": {"type": "bool", "default": draw(st.booleans()), "help": "x"},
            "n": {"type": "int", "default": draw(st.integers(0, 5)), "help": "y"},
        },
        "passes": entries,
    }
    return doc, only_upstream


def _write(doc_or_text, suffix: str = ".yaml") -> str:
    fd, path = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(doc_or_text if isinstance(doc_or_text, bytes) else yaml.safe_dump(doc_or_text).encode())
    return path


@SETTINGS
@given(valid_pipeline())
def test_valid_pipelines_round_trip_through_text(case):
    doc, _ = case
    path = _write(doc)
    try:
        p = load_pipeline(path)
    finally:
        os.unlink(path)
    text = p.text()
    again = parse_textual(text)
    assert [(s.name, s.nest, {k: format_value(v) for k, v in s.options.items()}) for s in again] == [
        (s.name, s.nest, {k: format_value(v) for k, v in s.options.items()}) for s in p.passes
    ]


@settings(max_examples=8, deadline=None)
@given(valid_pipeline().filter(lambda c: c[1]))
def test_upstream_only_pipelines_are_accepted_by_mlir_opt(case):
    from hexopt.toolchain import find_tool

    doc, _ = case
    path = _write(doc)
    try:
        text = load_pipeline(path).text()
    finally:
        os.unlink(path)
    small = Path(__file__).resolve().parents[1] / "lit" / "cli" / "Inputs" / "small.mlir"
    proc = subprocess.run(
        [find_tool("mlir-opt"), f"--pass-pipeline={text}", str(small)], capture_output=True, text=True
    )
    assert proc.returncode == 0, f"{text}\n{proc.stderr}"


def _assert_clean_failure(path: str) -> None:
    try:
        load_pipeline(path)
    except HexoptError as e:
        located = any(d.file and d.line for d in e.diagnostics)
        assert located or e.message.startswith(("cannot read pipeline", "pipeline ")), e.message
    # loading may also succeed (a mutation that stays valid): that is fine


@SETTINGS
@given(valid_pipeline(), st.data())
def test_mutated_pipelines_fail_cleanly(case, data):
    doc, _ = case
    text = yaml.safe_dump(doc)
    mutation = data.draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
    i = data.draw(st.integers(0, max(0, len(text) - 1)))
    junk = data.draw(st.text(alphabet=":{}[]-&*!|>'\"#%@ \nab1", min_size=1, max_size=4))
    if mutation == "delete":
        text = text[:i] + text[i + 1 :]
    elif mutation == "insert":
        text = text[:i] + junk + text[i:]
    elif mutation == "replace":
        text = text[:i] + junk + text[i + len(junk) :]
    else:
        text = text[:i]
    path = _write(text.encode())
    try:
        _assert_clean_failure(path)
    finally:
        os.unlink(path)


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes_fail_cleanly(data):
    path = _write(data)
    try:
        _assert_clean_failure(path)
    finally:
        os.unlink(path)


@SETTINGS
@given(st.sampled_from(sorted(REGISTRY)), st.data())
def test_random_option_values_fail_cleanly(name, data):
    cls = get_pass_class(name)
    specs = cls.options()
    if not specs:
        return
    spec = data.draw(st.sampled_from(specs))
    value = data.draw(
        st.one_of(
            st.integers(-(10**9), 10**9),
            st.text(max_size=8),
            st.booleans(),
            st.floats(allow_nan=True),
            st.lists(st.integers(), max_size=3),
        )
    )
    path = _write({"passes": [{name: {spec.name: value}}]})
    try:
        _assert_clean_failure(path)
    finally:
        os.unlink(path)


@pytest.mark.parametrize(
    "text",
    [
        "builtin.module(",
        "builtin.module(cse{)",
        "cse,,cse",
        "func.func(",
        "builtin.module(hexagon-tiling{vector-bytes=3})",
        "a b c",
        ")",
    ],
)
def test_bad_textual_pipelines_are_located(text):
    with pytest.raises(HexoptError) as info:
        parse_textual(text, "<pass-pipeline>")
    assert any(d.file == "<pass-pipeline>" and d.line == 1 for d in info.value.diagnostics), info.value.message
