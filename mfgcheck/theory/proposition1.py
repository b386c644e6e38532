"""Proposition 1 (appendix C; Theorem 3 of [10]): projected TD(0) as the critic oracle.

With step sizes alpha_k = 1/(omega (k + 1)(1 - gamma)),
``E ||q_hat - q^pi||^2_{d^pi x pi} <= O~(tau_mix(alpha_K) / (K (1 - gamma)^2 omega))``.

Named piece: ``rate = tau_mix / (K (1 - gamma)^2 omega)`` (the bound without its hidden
constant; ``numeric("rate")``).

Findings. "To obtain an eps_critic-accurate estimate it suffices to run O~(1/eps_critic^2)
iterations" is true (for eps_critic <= 1) but loose: the bound is O~(1/K), so O~(1/eps_critic)
iterations suffice. Note also that the proposition controls the d^pi x pi-weighted error,
which is exactly what Lemma 8 uses once its per-(s, a) advantage claim is replaced by the
average over a ~ pi (see ``lemma8.adv_variance``); the per-(s, a) critic bound that Lemma 8
assumes is not what Proposition 1 delivers.
"""

from __future__ import annotations

import sympy as sp

from .core import Claim, algebraic, evaluators, numeric_step, times_at_most
from .symbols import K, critic_mse, eps_critic, gamma, omega, tau_mix

rate = tau_mix / (K * (1 - gamma) ** 2 * omega)
NAMED = {
    "rate": rate,
}
numeric = evaluators(NAMED)
_c = tau_mix / ((1 - gamma) ** 2 * omega)

steps = [
    numeric_step(
        "proposition1.rate", "TD(0) error bound", critic_mse, rate, "<=",
        "Theorem 3 of [10] (realisability, uniform mixing); O~ hides a constant",
    ),
    algebraic(
        "proposition1.iterations", "K = c/eps^2 iterations give error <= eps (paper)",
        rate.subs(K, _c / eps_critic**2), eps_critic, "<=", "O~(1/eps_critic^2) iterations",
        hypotheses=(sp.Le(eps_critic, 1),), rewrite={eps_critic: times_at_most(1)},
        note="Holds for eps_critic <= 1, but loose: see proposition1.iterations_sharp.",
    ),
    algebraic(
        "proposition1.iterations_sharp", "K = c/eps iterations already give error = eps",
        rate.subs(K, _c / eps_critic), eps_critic, "==", "the bound is O~(1/K)",
        note="O~(1/eps_critic) iterations suffice.",
    ),
]

claim = Claim(
    name="proposition1",
    title="Proposition 1",
    reference="Appendix C, Proposition 1 (Theorem 3 of [10])",
    statement="Algorithm 2 with alpha_k = 1/(omega (k+1)(1 - gamma)) ensures "
              "E||q_hat - q^pi||^2_{d^pi x pi} <= O~(tau_mix(alpha_K)/(K (1 - gamma)^2 omega)).",
    hypotheses=["realisability and uniform mixing [10]", sp.Gt(omega, 0, evaluate=False),
                sp.Lt(gamma, 1)],
    lhs=critic_mse,
    rhs=rate,
    relation="<=",
    steps=steps,
    conclusion="proposition1.rate",
    note="Up to the constant and logarithms hidden in O~.",
)
