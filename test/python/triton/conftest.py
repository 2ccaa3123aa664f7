"""Fixtures of the Triton front-end tests: a HexagonDriver per target, a persistent Triton cache.

The tests are skipped when triton or torch is missing (`pip install -e .[triton,test]`).
Compiled kernels are cached in build/cache/triton-cache (Triton's cache, keyed among others by a digest
of hexopt's sources, so any change to hexopt recompiles); TRITON_CACHE_DIR overrides it.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("triton")
pytest.importorskip("torch")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))  # the kernels module

os.environ.setdefault("TRITON_CACHE_DIR", str(ROOT / "build" / "cache" / "triton-cache"))


def _activate(target: str):
    """Make a HexagonDriver the active Triton driver (there is no GPU driver to go back to: Triton's
    reset_active() fails without one, so each test sets the driver it needs)."""
    import triton

    from hexopt.triton import HexagonDriver

    driver = HexagonDriver(target=target)
    triton.runtime.driver.set_active(driver)
    return driver


@pytest.fixture
def host():
    """The driver test_kernels.py runs every kernel with: HexagonDriver(target="host"), or the target in
    $HEXOPT_TRITON_TEST_TARGET (`HEXOPT_TRITON_TEST_TARGET=hexagon` runs them all under qemu-hexagon)."""
    target = os.environ.get("HEXOPT_TRITON_TEST_TARGET", "host")
    if target == "hexagon":
        _need_qemu()
    return _activate(target)


@pytest.fixture
def qemu():
    """HexagonDriver(target="hexagon") active for the test (skipped without qemu-hexagon or zig)."""
    _need_qemu()
    return _activate("hexagon")


def _need_qemu() -> None:
    from hexopt.toolchain import zig_available

    if shutil.which("qemu-hexagon") is None:
        pytest.skip("qemu-hexagon not installed (apt-get install qemu-user)")
    if not zig_available():
        pytest.skip("ziglang not installed")


def pytest_configure(config):
    """With HEXOPT_TRITON_TIMES=FILE, every compilation appends a JSON line (kernel, target, cache hit,
    seconds) to FILE: the figures of tools/triton_report.py."""
    path = os.environ.get("HEXOPT_TRITON_TIMES")
    if not path:
        return
    import json

    from triton import knobs

    def listener(*, src, metadata, metadata_group, times, cache_hit):
        seconds = (times.ir_initialization + sum(t for _, t in times.lowering_stages) + times.store_results) / 1e6
        with open(path, "a") as f:
            f.write(
                json.dumps(
                    {
                        "kernel": metadata["name"],
                        "target": metadata["target"].arch,
                        "cache_hit": cache_hit,
                        "seconds": seconds,
                    }
                )
                + "\n"
            )

    knobs.compilation.listener = listener
