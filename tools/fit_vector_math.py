"""Fit the polynomial coefficients of approximate-vector-math (hexopt/passes/vector_math/).

Near-minimax fits by Lawson's iteratively reweighted least squares in float64 over Chebyshev and uniform
points, then rounded to f32 one coefficient at a time (lowest power first), the remaining ones refitted
after each rounding so that they absorb its error. Prints each set with its maximum error (relative, or
absolute where stated) so that the numbers quoted in the module docstrings can be checked:

    python tools/fit_vector_math.py            # all functions
    python tools/fit_vector_math.py erf tanh   # some of them
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import numpy as np

Fn = Callable[[np.ndarray], np.ndarray]


def _lawson(a: np.ndarray, y: np.ndarray, iterations: int = 200) -> np.ndarray:
    w = np.full(a.shape[0], 1.0 / a.shape[0])
    best: tuple[float, np.ndarray] | None = None
    for _ in range(iterations):
        sw = np.sqrt(w)
        c = np.linalg.lstsq(a * sw[:, None], y * sw, rcond=None)[0]
        err = np.abs(a @ c - y)
        if best is None or err.max() < best[0]:
            best = (float(err.max()), c)
        w = w * err
        w /= w.sum()
    assert best is not None
    return best[1]


def fit(
    target: Fn,
    lo: float,
    hi: float,
    powers: list[int],
    scale: Fn | None = None,
    base: Fn | None = None,
    points: int = 6000,
) -> tuple[list[float], float]:
    """f32 coefficients c with target(x) ~ base(x) + sum c_i x^powers[i] on [lo, hi], minimizing the max of
    |error| / scale(x); returns (coefficients, max scaled error with the f32 coefficients)."""
    k = np.arange(points)
    x = np.concatenate(
        [(lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / points), np.linspace(lo, hi, points)]
    )
    t = target(x)
    b = base(x) if base else np.zeros_like(x)
    s = scale(x) if scale else np.ones_like(x)
    fixed: dict[int, float] = {}
    for p in powers:
        free = [q for q in powers if q not in fixed]
        known = sum((c * x**q for q, c in fixed.items()), np.zeros_like(x))
        a = np.stack([x**q for q in free], 1) / s[:, None]
        c = _lawson(a, (t - b - known) / s)
        fixed[p] = float(np.float32(c[free.index(p)]))
    approx = b + sum(fixed[q] * x**q for q in powers)
    return [fixed[q] for q in powers], float(np.abs((approx - t) / s).max())


_erf = np.vectorize(math.erf)


def _rel(f: Fn) -> Fn:
    return lambda x: np.maximum(np.abs(f(x)), 1e-300)


FITS: dict[str, Callable[[], tuple[list[float], float]]] = {
    # expm1(r) = r + c2 r^2 + ... + c6 r^6 on [-ln2/2, ln2/2], relative
    "expm1": lambda: fit(np.expm1, -math.log(2) / 2, math.log(2) / 2, [2, 3, 4, 5, 6], _rel(np.expm1), lambda x: x),
    # log1p(f) = f - f^2/2 + c3 f^3 + ... + c10 f^10 on [sqrt(1/2) - 1, sqrt(2) - 1], relative
    "log1p": lambda: fit(
        np.log1p, math.sqrt(0.5) - 1, math.sqrt(2) - 1, list(range(3, 11)), _rel(np.log1p), lambda x: x - x * x / 2
    ),
    # tanh(a) = a + c3 a^3 + ... + c15 a^15 on [0, 0.75], relative
    "tanh": lambda: fit(np.tanh, 1e-6, 0.75, [3, 5, 7, 9, 11, 13, 15], _rel(np.tanh), lambda x: x),
    # erf(a) = a + c1 a + c3 a^3 + ... + c13 a^13 on [0, 1], relative
    "erf_small": lambda: fit(_erf, 1e-6, 1.0, [1, 3, 5, 7, 9, 11, 13], _rel(_erf), lambda x: x),
    # erfc(a) = exp(-a^2) * (c0 + c1 a + ... + c9 a^9) on [1, 4], absolute error of erfc
    "erfc": lambda: fit(lambda x: (1 - _erf(x)) * np.exp(x * x), 1.0, 4.0, list(range(10)), lambda x: np.exp(x * x)),
    # sin(r) = r + c3 r^3 + ... + c9 r^9 on [0, pi/4], relative
    "sin": lambda: fit(np.sin, 1e-6, math.pi / 4, [3, 5, 7, 9], _rel(np.sin), lambda x: x),
    # cos(r) = 1 - r^2/2 + c4 r^4 + ... + c10 r^10 on [0, pi/4], relative
    "cos": lambda: fit(np.cos, 0.0, math.pi / 4, [4, 6, 8, 10], _rel(np.cos), lambda x: 1 - x * x / 2),
    # atan(t) = t + c3 t^3 + ... + c21 t^21 on [0, 1], relative
    "atan": lambda: fit(np.arctan, 1e-6, 1.0, list(range(3, 22, 2)), _rel(np.arctan), lambda x: x),
}


def main(argv: list[str]) -> int:
    names = argv or list(FITS)
    for name in names:
        coeffs, err = FITS[name]()
        print(f"{name}: max error {err:.3g}")
        print("    (" + ", ".join(repr(c) for c in coeffs) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
