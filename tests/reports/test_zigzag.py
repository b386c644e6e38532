"""DL-NAC's zig-zag (appendix D) on the exact oracle: where it shows and where it does not.

Pinned on SIS with the paper's step sizes (a shorter run: 3 segments of 100 updates). The
paper's exploitability E(pi) depends on the policy alone, which moves one natural-gradient
step per update, so it cannot jump at a segment end; the gap against the mean field DL-NAC
holds jumps when that mean field does. Both measures are computed by numerics.exploitability
(dynamic programming), independently of the algorithm's own quantities."""

import numpy as np

from mfgcheck.numerics import exploitability
from mfgcheck.reports import experiments, settings


def _setting():
    return settings.PaperSetting("t", "Figure 1", settings.SIS_RAW, 300, nac_eta=0.05,
                                 nac_beta=0.01, dl_eta=0.05, segments=3, seeds=(0,),
                                 oracle="exact")


def test_dl_nac_jumps_only_in_the_gap_against_its_held_mean_field():
    ps = _setting()
    g = ps.game.build()
    j = experiments.segment_jumps(ps, g)
    assert j["segment_ends"] == [100, 200]
    assert not j["E"]["zigzag"] and j["G"]["zigzag"] and not j["G_nac"]["zigzag"]
    # at every segment end the gap jumps more than E changes there, by the same factor
    assert all(g_ > experiments.ZIGZAG_FACTOR * e_
               for g_, e_ in zip(j["G"]["at_ends"], j["E"]["at_ends"]))
    text = experiments.zigzag_text({"segment_jumps": j})
    assert "not reproduced in the paper's exploitability" in text
    assert "seen in the gap against DL-NAC's held mean field" in text


def test_the_gap_at_the_held_mean_field_is_the_exploitability_at_the_own_mean_field_at_rest():
    """Consistency of the two measures: at the equilibrium policy (its own mean field held)
    both are ~0; at a policy held against a foreign mean field the gap differs from E."""
    from mfgcheck.numerics import solve_equilibrium

    g = settings.SIS_RAW.build()
    eq = solve_equilibrium(g)
    scale = max(1.0, abs(g.reward_range[0]), abs(g.reward_range[1])) / (1 - g.gamma)
    assert exploitability(g, eq.policy) <= 1e-9 * scale
    assert exploitability(g, eq.policy, mean_field=eq.mean_field) <= 1e-9 * scale
    other = np.array([0.5, 0.5])
    assert exploitability(g, eq.policy, mean_field=other) > 1e-6 * scale
