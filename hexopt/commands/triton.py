"""`hexopt triton FILE.py:KERNEL`: a @triton.jit kernel to the Linalg IR (or the TTIR) hexopt compiles.

Triton runs in a child process (hexopt.triton.child); the conversion to Linalg runs in hexopt's guarded
worker, like every pass. `triton_source()` is also what `hexopt compile FILE.py:KERNEL` uses.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Sequence

import click

from hexopt.diagnostics import Diagnostic
from hexopt.errors import HexoptError, InputError, UsageError

from .common import CONTEXT, fail

_TYPE = re.compile(r"^\*?(i1|i8|i16|i32|i64|u1|u8|u16|u32|u64|fp16|bf16|fp32|fp64|fp8e4nv|fp8e5)$")


def is_triton_spec(text: str) -> bool:
    """FILE.py:KERNEL (a Python file and a kernel name)."""
    return re.match(r"^.+\.py:[A-Za-z_]\w*$", text) is not None


def _pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    out = []
    for value in values:
        for piece in _split(value):
            name, eq, rest = piece.partition("=")
            if not eq or not name.strip() or not rest.strip():
                raise UsageError(f"{option}: '{piece}' is not NAME=VALUE")
            out.append((name.strip(), rest.strip()))
    return out


def _split(text: str) -> list[str]:
    """Split on commas outside brackets (a value may be a tuple)."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def parse_signature(values: Sequence[str]) -> tuple[dict[str, str], dict[str, list]]:
    """--signature 'x_ptr=*fp32:16,n=i32' -> ({name: type}, {name: attributes}); ':16' = divisible by 16."""
    signature: dict[str, str] = {}
    attrs: dict[str, list] = {}
    for name, text in _pairs(values, "--signature"):
        ty, _, align = text.partition(":")
        if not _TYPE.match(ty):
            raise UsageError(f"--signature: {name}: unknown Triton type '{ty}' (e.g. *fp32, *fp16, i32, i64, fp32)")
        if align:
            if align != "16":
                raise UsageError(f"--signature: {name}: only ':16' (divisible by 16) is supported, got ':{align}'")
            attrs[name] = [["tt.divisibility", 16]]
        signature[name] = ty
    return signature, attrs


def triton_source(spec: str, signature: Sequence[str], constexprs: Sequence[str]) -> tuple[str, str]:
    """(generic TTIR text, display name) of FILE.py:KERNEL for one specialization; HexoptError on failure."""
    file, _, kernel = spec.rpartition(":")
    sig, attrs = parse_signature(signature)
    request = {
        "file": file,
        "kernel": kernel,
        "signature": sig,
        "constexprs": dict(_pairs(constexprs, "--constexpr")),
        "attrs": attrs,
    }
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "hexopt.triton.child"],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        raise InputError(f"Triton did not finish compiling {spec} within 600 s") from None
    try:
        reply = json.loads(proc.stdout)
    except json.JSONDecodeError:
        if "No module named 'triton'" in proc.stderr:
            raise UsageError("triton is not installed", hint="pip install 'hexopt[triton]'") from None
        last = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        raise HexoptError(f"the Triton front end crashed on {spec}: {last}") from None
    if "error" in reply:
        e = reply["error"]
        diag = Diagnostic(e["message"], "error", e.get("file"), e.get("line"), e.get("col"))
        raise InputError(e["message"], [diag] if e.get("file") else [], e.get("hint"))
    return reply["ttir"], f"{kernel}.ttir"


@click.command("triton", context_settings=CONTEXT)
@click.argument("spec", metavar="FILE.py:KERNEL")
@click.option(
    "--signature",
    "signature",
    multiple=True,
    metavar="NAME=TYPE,...",
    help="Triton type of each runtime parameter: *fp32 (pointer), i32, fp32, ...; ':16' marks a value "
    "divisible by 16 (e.g. an aligned pointer: *fp32:16). Repeatable.",
)
@click.option(
    "--constexpr",
    "constexprs",
    multiple=True,
    metavar="NAME=VALUE,...",
    help="value of each constexpr parameter (Python literal, or tl.float16 style). Repeatable.",
)
@click.option(
    "--emit",
    type=click.Choice(["linalg", "ttir"], case_sensitive=False),
    default="linalg",
    show_default=True,
    help="triton-shared style Linalg, or Triton IR in MLIR's generic form",
)
@click.option("-o", "--output", default="-", show_default=True, help="output file ('-': stdout)")
def triton_cmd(spec, signature, constexprs, emit, output) -> None:
    """Compile a @triton.jit kernel to the Linalg IR `hexopt run`/`compile` take (or to TTIR).

    \b
      hexopt triton add.py:add_kernel --signature 'x_ptr=*fp32,y_ptr=*fp32,out_ptr=*fp32,n=i32' \\
                    --constexpr BLOCK_SIZE=1024 -o add.mlir
      hexopt run hexagon add.mlir                    # or: hexopt run hexagon add.ttir (from --emit ttir)
    """
    from hexopt.output import check_writable, write_output

    try:
        if not is_triton_spec(spec):
            raise UsageError(f"'{spec}' is not FILE.py:KERNEL")
        check_writable(output)
        text, name = triton_source(spec, signature, constexprs)
        if emit.lower() == "linalg":
            from hexopt.triton.toolchain import triton_to_linalg

            text = triton_to_linalg(text, name)
        write_output(output, text if text.endswith("\n") else text + "\n")
    except HexoptError as e:
        fail(e)
