"""Every call of the Triton front end into the rest of hexopt: lowering, translation, the runners.

Kept in one module so that a change of those APIs touches one file. MLIR work runs in hexopt's
guarded worker processes (`hexopt.lower`: an abort in the bindings cannot kill the user's Python
process); only the host JIT (`host_kernel`) loads the MLIR bindings in-process, as
`hexopt.runner.host` does. No triton import here.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hexopt.diagnostics import format_diagnostic
from hexopt.errors import HexoptError

CONVERT = "builtin.module(convert-triton-to-linalg)"


class TritonCompileError(RuntimeError):
    """A kernel hexopt cannot compile; the message is a compiler diagnostic pointing at the Python source."""

    def __init__(self, error: HexoptError):
        self.error = error
        super().__init__(render(error))


def render(error: HexoptError) -> str:
    """A HexoptError as the CLI prints it: file:line:col, the source line and a caret, notes, hint."""
    sources: dict[str, str] = {}
    for d in error.diagnostics:
        if d.file and d.file not in sources and os.path.isfile(d.file):
            with contextlib.suppress(OSError, UnicodeDecodeError):
                sources[d.file] = Path(d.file).read_text()
    lines = [format_diagnostic(d, sources) for d in error.diagnostics]
    if not lines or error.message not in [d.message for d in error.diagnostics]:
        lines.append(f"hexopt: error: {error.message}")
    if error.hint:
        lines.append(f"hexopt: note: {error.hint}")
    return "\n".join(lines)


def triton_to_linalg(ttir_text: str, source_name: str) -> str:
    """Generic TTIR -> triton-shared style Linalg (the convert-triton-to-linalg pass, guarded)."""
    from hexopt.lowering import lower

    return lower(ttir_text, CONVERT, source_name=source_name, allow_unregistered=True).text


def lower(text: str, pipeline: str, sets: dict[str, str], source_name: str) -> str:
    """Linalg (or TTIR) -> LLVM-dialect MLIR with a YAML pipeline (a shipped name or a path).

    With $HEXOPT_REPORT set, the compile writes the pipeline report there; `{name}` in it becomes the
    kernel's name, so that each kernel of a test run gets its own file."""
    from hexopt.lowering import lower as lower_guarded
    from hexopt.report import report_path, report_run

    path = report_path(None)
    if path is None:
        return lower_guarded(text, pipeline, dict(sets), source_name=source_name, allow_unregistered=True).text
    from hexopt.pipeline import load_pipeline

    kernel = source_name.rsplit(".", 2)[0] if source_name.endswith(".mlir") else source_name
    path = path.replace("{name}", kernel)
    p = load_pipeline(pipeline, dict(sets))
    with report_run(path, specs=p.passes, input_name=source_name, pipeline_name=p.name, input_text=text) as rep:
        return lower_guarded(
            text, p.passes, source_name=source_name, allow_unregistered=True, dump_dir=rep.dump_dir
        ).text


def hexagon_executable(llvm_text: str, arch: str | None = None) -> bytes:
    """A static qemu-hexagon executable (harness + kernel + async runtime), translated with HVX float off
    because qemu cannot execute HVX float."""
    from hexopt.backend.translate import TargetOptions, translate_guarded
    from hexopt.runner import abi, hexagon

    options = TargetOptions(arch=arch, hvx_float=False).resolve()
    sig = abi.parse_signature(llvm_text)
    with tempfile.TemporaryDirectory(prefix="hexopt-triton-") as d:
        obj = os.path.join(d, "kernel.o")
        Path(obj).write_bytes(translate_guarded(options, "obj", text=llvm_text))
        exe = hexagon.build_executable(obj, sig, Path(d) / "kernel.elf", arch=options.arch or "v73")
        return Path(exe).read_bytes()


def host_kernel(llvm_text: str) -> Any:
    """The kernel JIT-compiled in this process (hexopt.runner.host.HostKernel)."""
    from hexopt.runner.host import compile_host

    return compile_host(llvm_text)


def run_host(kernel: Any, args: Sequence[Any], grid: tuple[int, int, int], iterations: int) -> float | None:
    """Run every program of `grid` once; with iterations > 0 also time that many runs (average us)."""
    kernel.run(args, grid)
    if iterations > 0:
        return kernel.benchmark(args, grid, iterations=iterations, warmup=0).average_us
    return None


def run_hexagon(
    exe: str, name: str, args: Sequence[Any], grid: tuple[int, int, int], iterations: int, outputs: Sequence[int]
) -> Any:
    """Run the executable under qemu-hexagon; returns hexopt.runner.hexagon.QemuResult (outputs read back)."""
    from hexopt.runner import hexagon

    return hexagon.run_qemu(exe, args, grid=grid, iterations=max(1, iterations), name=name, outputs=outputs)


def test_info(name: str, passed: bool, perf_us: float | None) -> str:
    from hexopt.runner.abi import test_info as block

    return block(name, passed, perf_us)


def kernel_params(llvm_text: str) -> list[str]:
    """'memref' or the scalar type of each kernel parameter, from the lowered signature."""
    from hexopt.runner import abi

    return [p.kind if p.kind == "memref" else p.type for p in abi.parse_signature(llvm_text).params]


def build_cache_dir() -> Path:
    from hexopt.toolchain import cache_dir

    return cache_dir() / "triton"
