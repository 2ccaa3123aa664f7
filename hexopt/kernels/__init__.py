"""Kernels hexopt knows by name: for each, its Linalg generator, inputs, reference, argument layout,
grid and tolerances. `hexopt bench` uses them for a kernel it recognizes (by `--kernel` or by the
entry function's name); any other kernel is benchmarked generically (hexopt.runner.bench).

A kernel module defines `KERNEL`, an instance of a Kernel subclass, and is registered in KERNELS.
Problem sizes are a frozen dataclass of typed fields (`--param NAME=VALUE` on the command line).
"""

from __future__ import annotations

import dataclasses
import importlib
import typing
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from hexopt.errors import UsageError
from hexopt.options import OptionError, OptionSpec, did_you_mean, type_of_annotation

#: kernel name -> "module:attribute"
KERNELS: dict[str, str] = {
    "flash_attention": "hexopt.kernels.flash_attention:KERNEL",
}


@dataclass(frozen=True)
class Tolerance:
    """numpy.allclose's tolerances for an output."""

    rtol: float
    atol: float

    def check(self, got: np.ndarray, want: np.ndarray) -> bool:
        return bool(np.allclose(got, want, rtol=self.rtol, atol=self.atol))


#: torch.allclose's defaults, which the reference's f32 tests use; f16 tests use atol 1e-3.
F32_TOLERANCE = Tolerance(1e-5, 1e-8)
F16_TOLERANCE = Tolerance(1e-3, 1e-3)


def tolerance_for(dtype: Any) -> Tolerance:
    return F16_TOLERANCE if np.dtype(dtype).itemsize <= 2 else F32_TOLERANCE


class Kernel:
    """A named kernel (see the module docstring); subclasses fill in the class attributes and methods."""

    name: ClassVar[str]
    entry: ClassVar[str]  # the kernel function's symbol
    description: ClassVar[str]
    Problem: ClassVar[type]  # a frozen dataclass of problem sizes with defaults
    outputs: ClassVar[tuple[int, ...]]  # argument indices the kernel writes
    tolerance: ClassVar[Tolerance] = F32_TOLERANCE

    def linalg(self, problem: Any) -> str:
        """The kernel's Linalg IR (triton-shared form) for `problem`."""
        raise NotImplementedError

    def grid(self, problem: Any) -> tuple[int, ...]:
        raise NotImplementedError

    def inputs(self, problem: Any, rng: np.random.Generator) -> list[Any]:
        """Arguments in the kernel's order (outputs zero-filled), grid arguments excluded."""
        raise NotImplementedError

    def reference(self, problem: Any, args: list[Any]) -> dict[int, np.ndarray]:
        """The expected value of each output argument, computed independently (numpy, float64)."""
        raise NotImplementedError

    def parameters(self) -> list[OptionSpec]:
        hints = typing.get_type_hints(self.Problem)
        return [
            OptionSpec(f.name.replace("_", "-"), type_of_annotation(hints[f.name])[0], f.default, "")
            for f in dataclasses.fields(self.Problem)
        ]

    def problem(self, params: dict[str, str] | None = None) -> Any:
        """The Problem from `--param NAME=VALUE` texts (defaults for the rest); UsageError when one is wrong."""
        specs = {p.name: p for p in self.parameters()}
        values = {}
        for key, raw in (params or {}).items():
            if key not in specs:
                raise UsageError(
                    f"--param: kernel '{self.name}' has no parameter '{key}'"
                    f"{did_you_mean(key, list(specs))} (parameters: {', '.join(specs)})"
                )
            try:
                values[key.replace("-", "_")] = specs[key].convert(raw, f"--param {key}")
            except OptionError as e:
                raise UsageError(str(e)) from None
        try:
            problem = self.Problem(**values)
            check = getattr(problem, "check", None)
            if check is not None:
                check()
        except ValueError as e:
            raise UsageError(f"--param: {e}") from None
        return problem


def get_kernel(name: str) -> Kernel:
    if name not in KERNELS:
        raise UsageError(f"no kernel '{name}'{did_you_mean(name, list(KERNELS))} (kernels: {', '.join(KERNELS)})")
    module, _, attr = KERNELS[name].partition(":")
    kernel: Kernel = getattr(importlib.import_module(module), attr)
    return kernel


def kernel_for_entry(entry: str) -> Kernel | None:
    """The known kernel whose function is `entry`, if any."""
    for name in KERNELS:
        kernel = get_kernel(name)
        if kernel.entry == entry:
            return kernel
    return None
