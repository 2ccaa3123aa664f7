"""`python -m hexopt.triton.child`: one Triton kernel to generic TTIR, in a process of its own.

The `hexopt triton` and `hexopt compile FILE.py:KERNEL` commands never import triton (nor the
user's file) themselves: Triton's statically linked LLVM, the user's module-level code and any
crash stay in this child. Request (JSON on stdin): {"file", "kernel", "signature": {name: type},
"constexprs": {name: literal text}, "attrs": {name: [[attr, value]]}}. Reply (JSON on stdout):
{"ttir": text} or {"error": {"message", "file", "line", "col", "hint"}}.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import sys
import traceback
import warnings
from typing import Any


class UserError(Exception):
    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
    ):
        super().__init__(message)
        self.where = {"message": message, "file": file, "line": line, "col": col, "hint": hint}


def _load(path: str) -> Any:
    if not os.path.isfile(path):
        raise UserError(f"cannot read {path}: no such file")
    directory = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, directory)
    name = "_hexopt_kernel_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        raise UserError(f"cannot import {path}: {e.msg}", e.filename, e.lineno, e.offset) from None
    except Exception as e:  # noqa: BLE001 - the user's module failed at import: point at its line
        frames = [
            f for f in traceback.extract_tb(e.__traceback__) if os.path.abspath(f.filename) == os.path.abspath(path)
        ]
        last = frames[-1] if frames else None
        raise UserError(
            f"cannot import {path}: {type(e).__name__}: {e}",
            last.filename if last else path,
            last.lineno if last else None,
            (last.colno or 0) + 1 if last and last.colno else None,
            "the kernel's file is imported to find the kernel: module-level code must run without a GPU",
        ) from None
    return module


def _constexpr(text: str) -> Any:
    import triton.language as tl

    text = text.strip()
    if text.startswith("tl."):
        value = getattr(tl, text[3:], None)
        if value is None:
            raise UserError(f"--constexpr: unknown triton.language name '{text}'")
        return value
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _compilation_error(e: Any, fn: Any, module: Any) -> UserError:
    """A Triton CompilationError as a diagnostic at the user's line (Triton reports it relative to the
    source of the @triton.jit function it was compiling)."""
    from triton.runtime.jit import JITFunction

    node = getattr(e, "node", None)
    message = (getattr(e, "error_message", None) or str(e)).strip().splitlines()
    text = message[-1] if message else type(e).__name__
    owner = None
    for value in [fn] + [v for v in vars(module).values() if isinstance(v, JITFunction)]:
        if getattr(value, "src", None) == getattr(e, "src", None) or getattr(value, "_src", None) == getattr(
            e, "src", None
        ):
            owner = value
            break
    if owner is None or node is None or not hasattr(node, "lineno"):
        return UserError(f"Triton cannot compile @{fn.__name__}: {text}")
    line = owner.def_file_line_number + node.lineno - 1
    col = getattr(owner, "def_file_col_number", 1) + node.col_offset
    return UserError(text, owner.file_name, line, col)


def compile_request(request: dict) -> str:
    from triton.runtime.jit import JITFunction

    from .frontend import ttir

    module = _load(request["file"])
    kernel = request["kernel"]
    fn = getattr(module, kernel, None)
    if fn is None:
        jitted = sorted(k for k, v in vars(module).items() if isinstance(v, JITFunction))
        raise UserError(
            f"{request['file']} has no kernel '{kernel}'",
            hint=f"@triton.jit functions in it: {', '.join(jitted) or 'none'}",
        )
    if not isinstance(fn, JITFunction):
        raise UserError(f"'{kernel}' in {request['file']} is not a @triton.jit function")
    signature = dict(request.get("signature") or {})
    constexprs = {k: _constexpr(v) for k, v in (request.get("constexprs") or {}).items()}
    params = list(fn.arg_names)
    declared_constexprs = {p.name for p in fn.params if p.is_constexpr}
    unknown = [k for k in list(signature) + list(constexprs) if k not in params]
    if unknown:
        raise UserError(
            f"@{kernel} has no parameter {', '.join(repr(u) for u in unknown)}",
            hint=f"its parameters: {', '.join(params)}",
        )
    both = sorted(set(signature) & set(constexprs))
    if both:
        raise UserError(f"{', '.join(both)}: given both a --signature type and a --constexpr value")
    missing_const = [p for p in params if p in declared_constexprs and p not in constexprs]
    if missing_const:
        raise UserError(
            f"@{kernel}: no value for constexpr parameter(s) {', '.join(missing_const)}",
            hint="give them with --constexpr NAME=VALUE",
        )
    missing = [p for p in params if p not in signature and p not in constexprs]
    if missing:
        raise UserError(
            f"@{kernel}: no type for parameter(s) {', '.join(missing)}",
            hint="give them with --signature NAME=TYPE (e.g. x_ptr=*fp32, n=i32) or as --constexpr",
        )
    attrs = request.get("attrs") or {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ttir(
                fn,
                {p: signature[p] for p in params if p in signature},
                {p: constexprs[p] for p in params if p in constexprs},
                attrs,
            )
        except UserError:
            raise
        except Exception as e:  # noqa: BLE001
            from triton.compiler.errors import CompilationError

            if isinstance(e, CompilationError):
                raise _compilation_error(e, fn, module) from None
            raise UserError(f"Triton cannot compile @{kernel}: {type(e).__name__}: {e}") from None


def main() -> None:
    request = json.load(sys.stdin)
    out = sys.stdout
    sys.stdout = sys.stderr  # the user's module may print: keep the reply channel clean
    try:
        reply: dict = {"ttir": compile_request(request)}
    except UserError as e:
        reply = {"error": e.where}
    except Exception as e:  # noqa: BLE001 - a bug here: reported, not a traceback
        reply = {
            "error": {
                "message": f"internal error in the Triton front end: {type(e).__name__}: {e}",
                "hint": "".join(traceback.format_exception(e)[-3:]).strip(),
            }
        }
    out.write(json.dumps(reply))
    out.flush()


if __name__ == "__main__":
    main()
