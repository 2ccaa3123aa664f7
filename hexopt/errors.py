"""The one error hierarchy of hexopt: every failure a user can see is a HexoptError with a kind.

An error carries its message, located diagnostics (`file:line:col`), a hint (the next step, e.g. the
command that reproduces a crash), the index of the pass it happened in and the exit status. Errors
cross the process boundary of the crash guard as JSON (`to_json`/`from_json`), so the CLI can print
them without the MLIR bindings. The CLI prints them; it never shows a Python traceback for them.

kinds:
  input     the input cannot be read, parsed or verified (the user's file)
  pipeline  a pipeline, pass name or option is wrong (the user's YAML, -p text or --set)
  pass      a pass rejected or failed on the input (reproducer saved when it is not the input's fault)
  crash     a child process died (an abort inside the MLIR bindings or LLVM)
  internal  a Python exception inside hexopt (a bug; reproducer and traceback saved)
  backend   translating, linking or a tool of the back end failed
  run       running a kernel failed or its arguments do not fit it
  usage     the command line is wrong
"""

from __future__ import annotations

from typing import Any, ClassVar

from .diagnostics import Diagnostic


class HexoptError(Exception):
    """An error the user can act on; never shown as a traceback."""

    kind: ClassVar[str] = "error"

    def __init__(
        self,
        message: str,
        diagnostics: list[Diagnostic] | None = None,
        hint: str | None = None,
        exit_code: int = 1,
        pass_index: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics or []
        self.hint = hint
        self.exit_code = exit_code
        #: index (in the pipeline's pass list) of the pass the error happened in, if any
        self.pass_index = pass_index

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "hint": self.hint,
            "exit_code": self.exit_code,
            "pass_index": self.pass_index,
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }

    @staticmethod
    def from_json(d: dict[str, Any]) -> HexoptError:
        cls = _KINDS.get(d.get("kind", ""), HexoptError)
        return cls(
            d["message"],
            [Diagnostic.from_json(x) for x in d.get("diagnostics", [])],
            d.get("hint"),
            d.get("exit_code", 1),
            d.get("pass_index"),
        )


class InputError(HexoptError):
    kind = "input"


class PipelineError(HexoptError):
    kind = "pipeline"


class PassError(HexoptError):
    """A pass failed. `unsupported` errors are the input's fault (a construct hexopt does not handle):
    they get no reproducer."""

    kind = "pass"


class UnsupportedError(PassError):
    kind = "unsupported"


class CrashError(HexoptError):
    kind = "crash"


class InternalError(HexoptError):
    kind = "internal"


class BackendError(HexoptError):
    kind = "backend"


class RunError(HexoptError):
    kind = "run"


class UsageError(HexoptError):
    kind = "usage"

    def __init__(
        self,
        message: str,
        diagnostics: list[Diagnostic] | None = None,
        hint: str | None = None,
        exit_code: int = 2,
        pass_index: int | None = None,
    ):
        super().__init__(message, diagnostics, hint, exit_code, pass_index)


_KINDS: dict[str, type[HexoptError]] = {
    c.kind: c
    for c in (
        HexoptError,
        InputError,
        PipelineError,
        PassError,
        UnsupportedError,
        CrashError,
        InternalError,
        BackendError,
        RunError,
        UsageError,
    )
}
