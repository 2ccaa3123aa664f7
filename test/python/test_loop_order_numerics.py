"""The seed kernel under the loop-order options that are not exercised by test_numerics' "each pass off"
parametrization (which turns off, one at a time, only the bool options that are on by default)."""

from __future__ import annotations

import pytest
from test_numerics import SEED, check, kernel_for


@pytest.mark.parametrize(
    "sets",
    [
        {
            "row-reductions": "true",
            "register-accumulators": "false",
        },  # whole-row tiles come with register-accumulators only
        {"row-reductions": "false", "register-accumulators": "false", "multi-threading": "false"},  # the seed's order
        {"in-place-updates": "false", "multi-threading": "false"},
        {"contraction-rows": "3"},  # does not divide the 64-row chunks: 1-row tiles
        {"contraction-rows": "8", "multi-threading": "false"},
    ],
    ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()),
)
def test_seed_host_loop_order(sets, record_property):
    kernel = kernel_for(SEED.read_text(), "host", sets)
    check(kernel, 1024, 64, (4,), 0.5, record_property, f"seed/host {sets}")
