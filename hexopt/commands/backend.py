"""`hexopt translate`, `hexopt link` and `hexopt bench`: stages 4-6 of the reference flow.

Registered by hexopt/cli.py through COMMANDS. MLIR work runs in child processes (crash guard);
outputs are written atomically; errors are one line, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from hexopt.diagnostics import HexoptError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(error: HexoptError) -> "NoReturn":  # noqa: F821
    from hexopt.cli import fail

    fail(error)


def _atomic_write(path: str, data: bytes | str) -> None:
    """Write `data` to `path` through a temp file and os.replace; '-' writes to stdout."""
    if path == "-":
        if isinstance(data, bytes):
            if sys.stdout.isatty():
                raise HexoptError("refusing to write an object file to a terminal: use -o FILE")
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise HexoptError(f"cannot write {path}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _target_options(target: str, arch: str | None, hvx_length: str, opt: int, hvx_float: bool):
    from hexopt.backend.translate import TargetOptions

    return TargetOptions(target=target, arch=arch, hvx_length=hvx_length, hvx_float=hvx_float,
                         opt_level=opt).resolve()


@click.command("translate", context_settings=CONTEXT)
@click.argument("input", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", default="-", show_default=True, help="output file ('-': stdout)")
@click.option("--emit", type=click.Choice(["llvm", "asm", "obj"], case_sensitive=False), default="obj",
              show_default=True, help="optimized LLVM IR, assembly or an ELF object")
@click.option("--target", type=click.Choice(["hexagon", "host"], case_sensitive=False), default="hexagon",
              show_default=True)
@click.option("--arch", default=None, metavar="v68|v69|v73|v75|v79",
              help="Hexagon arch [default: $HEXAGON_ARCH_VERSION, else v73]")
@click.option("--hvx-length", default="128b", show_default=True, help="HVX vector length")
@click.option("-O", "opt", type=click.IntRange(0, 3), default=3, show_default=True, help="LLVM optimization level")
@click.option("--hvx-float/--no-hvx-float", default=True, show_default=True,
              help="HVX floating point (qf32/IEEE); off: scalar float code that qemu-hexagon can run")
def translate_cmd(input, output, emit, target, arch, hvx_length, opt, hvx_float) -> None:
    """Translate LLVM-dialect MLIR (from `hexopt run`) to LLVM IR, assembly or an object file."""
    from hexopt.backend.worker import translate_guarded

    try:
        options = _target_options(target.lower(), arch, hvx_length, opt, hvx_float)
        text = None
        path = None
        if input == "-":
            text = sys.stdin.read()
        elif not os.path.isfile(input):
            raise HexoptError(f"cannot read {input}: no such file")
        else:
            path = input
        with tempfile.TemporaryDirectory(prefix="hexopt-translate-") as d:
            out = os.path.join(d, "out")
            translate_guarded(options, emit.lower(), out, path=path, text=text)
            data = Path(out).read_bytes() if emit.lower() == "obj" else Path(out).read_text()
        _atomic_write(output, data)
    except HexoptError as e:
        _fail(e)


@click.command("link", context_settings=CONTEXT)
@click.argument("obj", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, help="the shared library, e.g. libattention_fwd_kernel.so")
@click.option("--kernel", default=None, help="kernel symbol that must be exported [default: the only one]")
@click.option("--with-runtime", is_flag=True, help="link hexopt's async runtime into the library")
@click.option("--arch", default=None, help="Hexagon arch of the runtime [default: $HEXAGON_ARCH_VERSION, else v73]")
def link_cmd(obj, output, kernel, with_runtime, arch) -> None:
    """Link a kernel object into lib<kernel>.so (ld.lld) and check its symbols.

    With --with-runtime, hexopt's async runtime (C, pthreads, built for hexagon-linux-musl with zig)
    is linked in, so that a multi-threaded kernel needs nothing but libc on the device.
    """
    from hexopt.backend.link import link_shared

    try:
        extra = []
        if with_runtime:
            from hexopt.backend.translate import TargetOptions
            from hexopt.runner.hexagon import runtime_object

            extra.append(runtime_object(TargetOptions(arch=arch).resolve().arch, pic=True))
        res = link_shared(obj, output, kernel, extra)
    except HexoptError as e:
        _fail(e)
    by_kind: dict[str, list[str]] = {}
    for sym, kind in res.undefined.items():
        by_kind.setdefault(kind, []).append(sym)
    summary = "; ".join(f"{k}: {len(v)}" for k, v in sorted(by_kind.items())) or "none"
    click.echo(f"hexopt: wrote {output}: exports {', '.join(res.exported)}; undefined (provided by the device"
               f" runtime) {summary}", err=True)
    if with_runtime and any(kind == "async-runtime" for kind in res.undefined.values()):
        _fail(HexoptError(f"{output}: async runtime symbols are still undefined after --with-runtime"))


def _lower(input: str, pipeline: str, sets: tuple[str, ...], out: str) -> None:
    """`hexopt run PIPELINE INPUT -o OUT` in a child process (it has its own crash guard)."""
    argv = [sys.executable, "-m", "hexopt", "run", pipeline, input, "-o", out]
    for s in sets:
        argv += ["--set", s]
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
        raise HexoptError(f"lowering {input} with pipeline '{pipeline}' failed: "
                          + (lines[0] if lines else f"exit {proc.returncode}"))


def _is_lowered(text: str) -> bool:
    return "llvm.func" in text and "func.func" not in text


@click.command("bench", context_settings=CONTEXT)
@click.argument("input", type=click.Path(exists=True, dir_okay=False))
@click.option("--target", type=click.Choice(["hexagon", "host"], case_sensitive=False), default="hexagon",
              show_default=True, help="hexagon: static executable under qemu-hexagon; host: the MLIR JIT")
@click.option("--pipeline", default=None, help="pipeline for Linalg input [default: the target's name]")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="pipeline option (repeatable)")
@click.option("--arch", default=None, help="Hexagon arch [default: $HEXAGON_ARCH_VERSION, else v73]")
@click.option("--iterations", type=click.IntRange(1), default=None,
              help="timed runs of the grid [default: 10 on the host, 1 under qemu]")
@click.option("--n-ctx", type=click.IntRange(1), default=1024, show_default=True)
@click.option("--d-head", type=click.IntRange(1), default=64, show_default=True)
@click.option("--grid", "grid", type=click.IntRange(1), default=4, show_default=True, help="programs (grid x)")
@click.option("--scale", type=float, default=0.5, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=click.IntRange(1), default=None, help="async runtime worker threads (Hexagon)")
@click.option("--keep", type=click.Path(file_okay=False), default=None, help="keep the build products here")
def bench_cmd(input, target, pipeline, sets, arch, iterations, n_ctx, d_head, grid, scale, seed, threads,
              keep) -> None:
    """Run the flash-attention kernel on random inputs, check it against numpy, print Test_Info.

    Arguments follow the seed: (pid1=0, Q, K, V, Out) + the grid; Q/K/V = rand(1, 1, N_CTX, D_HEAD).
    Under qemu the object is built with HVX float off (qemu 7.2 cannot execute HVX float).
    """
    import numpy as np

    from hexopt.runner import abi

    target = target.lower()
    rng = np.random.default_rng(seed)
    q, k, v = (rng.random((1, 1, n_ctx, d_head), dtype=np.float32) for _ in range(3))
    out = np.zeros_like(q)
    want = abi.attention_reference(q, k, v, scale).astype(np.float32)
    try:
        with tempfile.TemporaryDirectory(prefix="hexopt-bench-") as tmpdir:
            work = Path(keep) if keep else Path(tmpdir)
            work.mkdir(parents=True, exist_ok=True)
            text = Path(input).read_text()
            if _is_lowered(text):
                lowered = input
            else:
                lowered = str(work / "kernel.llvm.mlir")
                _lower(input, pipeline or target, sets, lowered)
            llvm_text = Path(lowered).read_text()
            if target == "host":
                from hexopt.runner import host

                kernel = host.compile_host(llvm_text)
                args = [0, q, k, v, out]
                passed, info = host.report(kernel, args, (grid,),
                                           lambda: np.allclose(out, want, rtol=1e-5, atol=1e-8),
                                           iterations=iterations or 10)
                click.echo(f"hexopt: max_abs_err={float(np.abs(out - want).max()):.3g}", err=True)
                click.echo(info)
                if not passed:
                    sys.exit(1)
                return
            from hexopt.backend.translate import TargetOptions
            from hexopt.backend.worker import translate_guarded
            from hexopt.runner import hexagon

            options = TargetOptions(arch=arch, hvx_float=False).resolve()
            obj = str(work / "kernel.o")
            translate_guarded(options, "obj", obj, path=lowered)
            sig = abi.parse_signature(llvm_text)
            exe = hexagon.build_executable(obj, sig, work / f"{sig.name}.elf", arch=options.arch)
            res = hexagon.run_qemu(exe, [0, q, k, v, out], grid=(grid,), iterations=iterations or 1,
                                   name=sig.name, outputs=[4], expect={4: want}, threads=threads)
            got = res.outputs[4]
            click.echo(f"hexopt: qemu-hexagon -cpu {hexagon.QEMU_CPU}: {res.seconds:.1f} s emulator wall time;"
                       f" {res.stdout.splitlines()[0]}", err=True)
            click.echo(f"hexopt: max_abs_err={float(np.abs(got - want).max()):.3g}"
                       f" allclose={bool(np.allclose(got, want, rtol=1e-5, atol=1e-8))}", err=True)
            click.echo(res.test_info)
            if not res.passed:
                sys.exit(1)
    except HexoptError as e:
        _fail(e)
    except Exception as e:  # noqa: BLE001 - e.g. host runner / ABI errors: one line, no traceback
        _fail(HexoptError(f"{type(e).__name__}: {e}"))


COMMANDS = [translate_cmd, link_cmd, bench_cmd]
