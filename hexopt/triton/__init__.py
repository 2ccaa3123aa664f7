"""hexopt's Triton front end: `@triton.jit` kernels compiled and run through hexopt.

    import triton
    from hexopt.triton import HexagonDriver
    triton.runtime.driver.set_active(HexagonDriver())          # target "hexagon" (qemu) or "host" (JIT)
    add_kernel[(1,)](x, y, out, BLOCK_SIZE=1024, enableMultiThreading=True)

Importing this package does not import triton; `HexagonDriver` does (it is a Triton driver).
"""

from __future__ import annotations

from typing import Any

__all__ = ["HexagonDriver"]


def __getattr__(name: str) -> Any:
    if name == "HexagonDriver":
        from .driver import HexagonDriver

        return HexagonDriver
    raise AttributeError(f"module 'hexopt.triton' has no attribute '{name}'")
