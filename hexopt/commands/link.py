"""`hexopt link`: a kernel object to lib<kernel>.so with ld.lld, its symbols checked."""

from __future__ import annotations

import click

from hexopt.errors import BackendError

from .common import CONTEXT, reports_errors


@click.command("link", context_settings=CONTEXT)
@click.argument("obj", metavar="OBJ")
@click.option("-o", "--output", required=True, help="the shared library, e.g. libattention_fwd_kernel.so")
@click.option("--kernel", default=None, help="kernel symbol that must be exported [default: the only one]")
@click.option("--with-runtime", is_flag=True, help="link hexopt's async runtime into the library")
@click.option("--arch", default=None, help="Hexagon arch of the runtime [default: $HEXAGON_ARCH_VERSION, else v73]")
@reports_errors
def link_cmd(obj: str, output: str, kernel: str | None, with_runtime: bool, arch: str | None) -> None:
    """Link a Hexagon kernel object into lib<kernel>.so (ld.lld) and check its symbols.

    With --with-runtime, hexopt's async runtime (C, pthreads, built for hexagon-linux-musl with zig)
    is linked in, so that a multi-threaded kernel needs nothing but libc on the device.
    """
    from hexopt.backend.link import link_shared
    from hexopt.output import check_writable

    check_writable(output)
    extra = []
    if with_runtime:
        from hexopt.backend.translate import TargetOptions
        from hexopt.runner.hexagon import runtime_object

        extra.append(runtime_object(TargetOptions(arch=arch).resolve().arch or "v73", pic=True))
    res = link_shared(obj, output, kernel, extra)
    by_kind: dict[str, list[str]] = {}
    for sym, kind in res.undefined.items():
        by_kind.setdefault(kind, []).append(sym)
    summary = "; ".join(f"{k}: {len(v)}" for k, v in sorted(by_kind.items())) or "none"
    click.echo(
        f"hexopt: wrote {output}: exports {', '.join(res.exported)}; undefined (provided by the device"
        f" runtime) {summary}",
        err=True,
    )
    if with_runtime and any(kind == "async-runtime" for kind in res.undefined.values()):
        raise BackendError(f"{output}: async runtime symbols are still undefined after --with-runtime")
