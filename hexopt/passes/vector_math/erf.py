"""erf on f32.

erf is odd: computed on a = |x|, then the sign bit of x is put back (erf(-0) = -0).
- a < 1: erf(a) = a + a * P(a^2), P of degree 6 with P(0) = 2/sqrt(pi) - 1 (writing the leading
  coefficient as 1 + 0.128... keeps its f32 rounding error 8x smaller than rounding 1.128... itself);
  relative error 1.4e-9.
- a >= 1: erf(a) = 1 - e^(-a^2) * Q(a), Q of degree 9 fitted to erfc(a) * e^(a^2) on [1, 4] for the
  absolute error of erfc (4.7e-10, against an ulp of 6e-8 near 1); a is clamped to 4, where erf rounds
  to 1 (this also maps inf to 1). e^(-a^2) is exp.py's expansion; the f32 rounding of a^2 changes
  e^(-a^2) by at most a^2 * 2^-24 relative, which erfc(a) <= 0.16 makes negligible in 1 - erfc.
A NaN takes the second branch and propagates.
"""

from __future__ import annotations

from .emitter import Emitter, Value
from .exponential import exp

ERF_COEFFS = (
    0.12837916612625122,
    -0.3761262595653534,
    0.11283578723669052,
    -0.026853347197175026,
    0.005187162198126316,
    -0.0007997853099368513,
    7.806903158780187e-05,
)
ERFC_COEFFS = (
    0.9957203269004822,
    -1.0994879007339478,
    0.9114139080047607,
    -0.5880212187767029,
    0.2925644516944885,
    -0.10910918563604355,
    0.029238400980830193,
    -0.00527929374948144,
    0.0005720790941268206,
    -2.7992873583571054e-05,
)


def erf(e: Emitter, x: Value) -> Value:
    a = e.abs(x)
    small = e.add(a, e.mul(a, e.poly(e.mul(a, a), ERF_COEFFS)))
    ac = e.min(a, e.const(4.0))
    big = e.sub(e.const(1.0), e.mul(exp(e, e.neg_abs(e.mul(ac, ac))), e.poly(ac, ERFC_COEFFS)))
    return e.with_sign(e.select(e.abs_below(x, 1.0), small, big), e.sign_bit(x))
