"""numerics.compiled against its NumPy references: the same bits."""

import numpy as np
import pytest

from mfgcheck.numerics import compiled
from mfgcheck.numerics.assumption_constants import _coordinate_ascent, mean_field_gap_sup

pytestmark = pytest.mark.skipif(compiled.numba is None, reason="numba not installed")


def test_pairwise_sum_is_numpys_sum():
    rng = np.random.default_rng(0)
    for n in [*range(1, 40), 127, 128, 129, 200, 1000, 4099]:
        x = rng.standard_normal(n) * 10.0 ** rng.uniform(-8, 8, size=n)
        assert compiled._pairwise_sum(x, 0, n) == x.sum(), n
        if n >= 7:                                  # the rows of a C array, sum(-1)
            X = x[: n - n % 7].reshape(7, -1)
            sums = X.sum(-1)
            for i in range(7):
                assert compiled._pairwise_sum(X[i], 0, X.shape[1]) == sums[i]


@pytest.mark.parametrize("S,A", [(3, 2), (9, 3), (25, 7), (40, 4)])
def test_coordinate_ascent_is_the_reference_bit_for_bit(S, A):
    rng = np.random.default_rng(S * A)
    for _ in range(20):
        # M = mu P - mu' P' as mean_field_gap_sup builds it: entries of both signs
        mu, mu2 = rng.dirichlet(np.ones(S), size=2)
        P1, P2 = rng.dirichlet(np.full(S, 0.3), size=(2, S, A))
        M = mu[:, None, None] * P1 - mu2[:, None, None] * P2
        start = rng.integers(0, A, size=S)
        a_ref, a_new = start.copy(), start.copy()
        v_ref = _coordinate_ascent(M, a_ref)
        v_new = compiled.coordinate_ascent(M, a_new)
        assert v_new == v_ref
        np.testing.assert_array_equal(a_new, a_ref)


def test_mean_field_gap_sup_is_unchanged_by_the_switch(monkeypatch):
    rng = np.random.default_rng(3)
    S, A = 12, 3                                    # 3^12 > 4096: coordinate ascent
    mu, mu2 = rng.dirichlet(np.ones(S), size=2)
    P1, P2 = rng.dirichlet(np.ones(S), size=(2, S, A))
    starts = tuple(rng.dirichlet(np.ones(A), size=(2, S)))
    fast = mean_field_gap_sup(mu, mu2, P1, P2, starts)
    monkeypatch.setenv("MFGCHECK_KERNELS", "numpy")
    ref = mean_field_gap_sup(mu, mu2, P1, P2, starts)
    assert fast[0] == ref[0]
    np.testing.assert_array_equal(fast[1], ref[1])
