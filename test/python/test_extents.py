"""The extent analysis (hexopt.runner.extents): which elements of each pointer argument a kernel reads or
writes, per grid and scalar values, computed from its scalar skeleton."""

from __future__ import annotations

from pathlib import Path

import pytest

from hexopt.runner.extents import analyze

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "test" / "mlir" / "flash_attention.mlir"
MASKED = ROOT / "test" / "lit" / "bench" / "Inputs" / "masked_add.mlir"
SCATTER = ROOT / "test" / "lit" / "bench" / "Inputs" / "scatter.mlir"


def _analyze(path: Path, scalars: dict[int, int], grid: tuple[int, int, int]):
    from hexopt.ir import ir

    with ir.Context():
        return analyze(ir.Module.parse(path.read_text()), scalars, grid)


@pytest.mark.parametrize("programs", [1, 4, 8])
def test_seed_reaches_256_rows_per_program(programs):
    acc = _analyze(SEED, {0: 0}, (programs, 1, 1))
    q, k, v, out = (acc[i] for i in (1, 2, 3, 4))
    assert (q.lo, q.hi, q.read, q.written) == (0, programs * 256 * 64, True, False)
    # K and V are read in 64-row blocks by the loop, whatever the program: the whole 1024 rows
    assert (k.lo, k.hi) == (v.lo, v.hi) == (0, 1024 * 64)
    assert (out.lo, out.hi, out.read, out.written) == (0, programs * 256 * 64, False, True)


def test_seed_with_pid1_offsets_by_a_whole_head():
    acc = _analyze(SEED, {0: 1}, (4, 1, 1))
    assert (acc[1].lo, acc[1].hi) == (65536, 2 * 65536)


@pytest.mark.parametrize("n, programs, want", [(1000, 4, 1000), (1000, 3, 768), (10, 4, 10), (0, 2, None)])
def test_masked_loads_read_only_the_unmasked_part(n, programs, want):
    acc = _analyze(MASKED, {3: n}, (programs, 1, 1))
    for i in (0, 1, 2):
        assert acc[i].hi == want and acc[i].unknown is None
    assert acc[2].written and not acc[2].read


def test_an_offset_from_loaded_data_is_unknown():
    acc = _analyze(SCATTER, {}, (1, 1, 1))
    assert acc[0].hi == 1 and acc[0].unknown is None
    assert acc[1].unknown and acc[1].written and acc[1].hi is None
