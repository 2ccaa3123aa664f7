"""The Triton backend behind `HexagonDriver`: Triton's compile() runs these stages and caches them.

    ttir    Triton's front end and TTIR passes (frontend.py), in the user's process
    linalg  convert-triton-to-linalg (hexopt's worker process)
    llmlir  the hexopt pipeline: `host` or `hexagon` (or `pipeline=`), with the launch options as --set
    elf     target hexagon only: a qemu-hexagon executable (HVX float off), linked once and cached

Triton's cache (TRITON_CACHE_DIR, default ~/.triton/cache) keys every stage by the kernel's source,
its specialization, these options and `hash()` below (hexopt's version and sources, the target),
so a kernel compiles once per machine; a JITFunction also keeps the compiled kernel in memory.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from triton.backends.compiler import BaseBackend, GPUTarget

from . import frontend, toolchain
from .options import HexoptOptions, parse_options, pipeline_and_sets

TARGETS = ("host", "hexagon")


@functools.lru_cache(maxsize=1)
def _hexopt_digest() -> str:
    """A digest of hexopt's sources and pipelines: a changed compiler invalidates cached kernels."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".yaml", ".c", ".h") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


class HexoptBackend(BaseBackend):
    """Triton compiler backend for GPUTarget("hexopt", "host" | "hexagon", 1)."""

    supports_native_tensor_specialization = True

    @staticmethod
    def supports_target(target: GPUTarget) -> bool:
        return target.backend == "hexopt"

    def __init__(self, target: GPUTarget) -> None:
        super().__init__(target)
        if target.arch not in TARGETS:
            raise ValueError(f"hexopt target must be one of {TARGETS}, got {target.arch!r}")
        self.binary_ext = "elf" if target.arch == "hexagon" else "llmlir"

    def hash(self) -> str:
        from importlib.metadata import version

        return f"hexopt-{version('hexopt')}-{_hexopt_digest()}-{self.target.arch}"

    def parse_options(self, options: dict) -> HexoptOptions:
        return parse_options(options)

    def add_stages(self, stages: dict, options: HexoptOptions, language: Any = None) -> None:
        stages["ttir"] = lambda src, metadata: self.make_ttir(src, metadata, options)
        stages["linalg"] = lambda src, metadata: self.make_linalg(src, metadata, options)
        stages["llmlir"] = lambda src, metadata: self.make_llmlir(src, metadata, options)
        if self.target.arch == "hexagon":
            stages["elf"] = lambda src, metadata: self.make_elf(src, metadata, options)

    def load_dialects(self, context: Any) -> None:
        pass

    def get_module_map(self) -> dict:
        return frontend.module_map()

    def get_codegen_implementation(self, options: Any) -> dict:
        return frontend.codegen_functions()

    def pack_metadata(self, metadata: Any) -> tuple:
        return (metadata.name,)

    # --- stages --------------------------------------------------------------------------------
    @staticmethod
    def make_ttir(module: Any, metadata: dict, options: HexoptOptions) -> Any:
        return frontend.run_ttir_passes(module)

    @staticmethod
    def make_linalg(module: Any, metadata: dict, options: HexoptOptions) -> str:
        name = module.get_entry_func_name()
        metadata["name"] = name
        metadata["shared"] = 0
        try:
            return toolchain.triton_to_linalg(frontend.generic_text(module), f"{name}.ttir")
        except toolchain.HexoptError as e:
            raise toolchain.TritonCompileError(e) from None

    def make_llmlir(self, linalg: str, metadata: dict, options: HexoptOptions) -> str:
        pipeline, sets = pipeline_and_sets(options, self.target.arch)
        try:
            return toolchain.lower(linalg, pipeline, sets, f"{metadata['name']}.linalg.mlir")
        except toolchain.HexoptError as e:
            raise toolchain.TritonCompileError(e) from None

    @staticmethod
    def make_elf(llmlir: str, metadata: dict, options: HexoptOptions) -> bytes:
        try:
            return toolchain.hexagon_executable(llmlir)
        except toolchain.HexoptError as e:
            raise toolchain.TritonCompileError(e) from None
