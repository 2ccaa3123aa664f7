"""`hexopt compile`: Linalg to a Hexagon (or host) object in one command: run + translate (+ link)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from hexopt.diagnostics import HexoptError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.command("compile", context_settings=CONTEXT)
@click.argument("input", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", required=True, help="the object (or assembly / LLVM IR with --emit)")
@click.option("--pipeline", default=None, help="YAML pipeline [default: the target's: hexagon or host]")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="pipeline option (repeatable)")
@click.option("--emit", type=click.Choice(["obj", "asm", "llvm", "mlir"], case_sensitive=False), default="obj",
              show_default=True, help="object, assembly, LLVM IR, or the LLVM-dialect MLIR")
@click.option("--target", type=click.Choice(["hexagon", "host"], case_sensitive=False), default="hexagon",
              show_default=True)
@click.option("--arch", default=None, metavar="v68|v69|v73|v75|v79",
              help="Hexagon arch [default: $HEXAGON_ARCH_VERSION, else v73]")
@click.option("-O", "opt", type=click.IntRange(0, 3), default=3, show_default=True, help="LLVM optimization level")
@click.option("--hvx-float/--no-hvx-float", default=True, show_default=True,
              help="HVX floating point; off: scalar float code that qemu-hexagon can run")
@click.option("--shared", metavar="LIB.so", default=None, help="also link the object into this shared library")
@click.option("--keep", type=click.Path(file_okay=False), default=None,
              help="keep the intermediate LLVM-dialect MLIR here")
@click.option("--signature", multiple=True, metavar="NAME=TYPE,...",
              help="with INPUT = FILE.py:KERNEL: parameter types, as for `hexopt triton`")
@click.option("--constexpr", "constexprs", multiple=True, metavar="NAME=VALUE,...",
              help="with INPUT = FILE.py:KERNEL: constexpr values, as for `hexopt triton`")
def compile_cmd(input, output, pipeline, sets, emit, target, arch, opt, hvx_float, shared, keep, signature,
                constexprs) -> None:
    """Compile a Linalg kernel (triton-shared IR), or FILE.py:KERNEL (a @triton.jit kernel), to a Hexagon object.

    The same as `hexopt run PIPELINE INPUT` followed by `hexopt translate` (and `hexopt link`
    with --shared): every stage keeps its crash guard and its error messages.
    """
    from hexopt.cli import AtomicOutput, fail, parse_sets, read_input
    from hexopt.commands.triton import is_triton_spec, triton_source
    from hexopt.guard import run_request
    from hexopt.pipeline import load_pipeline

    target = target.lower()
    emit = emit.lower()
    sources: dict[str, str] = {}
    try:
        if shared and emit != "obj":
            raise click.UsageError("--shared needs --emit obj")
        p = load_pipeline(pipeline or target, parse_sets(sets))
        wanted = "32" if target == "hexagon" else "64"
        if str(p.values.get("index-bitwidth", wanted)) != wanted:
            raise HexoptError(f"pipeline '{p.name}' lowers with a {p.values['index-bitwidth']}-bit index; "
                              f"--target {target} needs {wanted}")
        if is_triton_spec(input):  # a @triton.jit kernel: its TTIR goes in (the pipeline converts it first)
            text, name = triton_source(input, signature, constexprs)
        else:
            text, name = read_input(input)
        sources[name] = text
        with tempfile.TemporaryDirectory(prefix="hexopt-compile-") as d:
            lowered = os.path.join(keep, "kernel.llvm.mlir") if keep else os.path.join(d, "kernel.llvm.mlir")
            if keep:
                os.makedirs(keep, exist_ok=True)
            request = {"input_text": text, "source_name": name, "specs": [s.to_json() for s in p.passes],
                       "verify": True, "output": lowered}
            run_request(request)
            if emit == "mlir":
                atomic = AtomicOutput(output)
                with atomic as tmp:
                    Path(tmp).write_text(Path(lowered).read_text())
                    atomic.commit()
                return
            from hexopt.backend.translate import TargetOptions
            from hexopt.backend.worker import translate_guarded

            options = TargetOptions(target=target, arch=arch, hvx_float=hvx_float, opt_level=opt).resolve()
            atomic = AtomicOutput(output)
            with atomic as tmp:
                translate_guarded(options, emit, tmp, path=lowered)
                atomic.commit()
        if shared:
            from hexopt.backend.link import link_shared

            res = link_shared(output, shared)
            click.echo(f"hexopt: wrote {output} and {shared} (exports {', '.join(res.exported)})", err=True)
    except HexoptError as e:
        fail(e, sources)
