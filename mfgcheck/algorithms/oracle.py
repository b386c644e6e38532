"""Oracle modes of Algorithm 1: where ``q_hat_t`` and ``w_hat_t`` come from.

=================  =====================================  =====================================
mode               critic ``q_hat_t``                      actor ``w_hat_t``
=================  =====================================  =====================================
``exact``          exact shifted q (numerics)              exact minimiser over ``||w|| <= R``
``sampled``        Algorithm 2 (TD(0), ``K_critic``)       Algorithm 3 (SGD, ``K_actor``)
``exact_critic``   exact                                   Algorithm 3
``exact_actor``    Algorithm 2                             exact minimiser of ``L_hat``
``practical``      Algorithm 2, warm-started (carried      appendix D: ``w = F^+ g`` from the pairs
                   across iterations)                      of sampled episodes, ``||w|| <= R``
=================  =====================================  =====================================

The mixed modes isolate one error: ``exact_critic`` has ``eps_critic = 0``, ``exact_actor`` has
``eps_actor = 0``. ``practical`` is the paper's own implementation (appendix D, ``practical.py``).

Critic options (the factors of the ablation, ``ablation.py``):

- ``critic_step``: a number, schedule or callable (the step ``alpha_k``), or ``"prop1"``:
  Proposition 1's ``alpha_k = 1/(omega (k+1)(1-gamma))`` with ``omega`` computed exactly for
  the current ``(pi_t, mu_t)`` at every iteration (an oracle the agent does not have: for
  experiments);
- ``critic_init``: ``"zero"`` (Algorithm 2 as stated, ``psi_0 = 0`` at every iteration) or
  ``"warm"`` (``psi_0`` at iteration ``t`` is the critic ``psi_bar`` output at ``t - 1``;
  the default of ``practical``).

``OracleConfig`` is the one carrier of these settings: ``nac``, ``nac_batch``, ``nac_step``,
``dl_nac`` and ``dl_nac_batch`` take ``oracle=`` a mode name (defaults for the rest) or an
``OracleConfig``, e.g. ``nac(game, T, eta, beta, oracle=OracleConfig("sampled", K_critic=500,
K_actor=500))``; passing a setting as a loose keyword (``nac(..., K_critic=500)``, the old
signature) is a ``TypeError`` that says so.

Defaults for the sampled parts: ``K_critic = K_actor = 1000``; critic step a constant 0.05
(appendix D's 0.001 needs ~1e5 samples per iteration before the averaged TD iterate moves
away from 0 on SIS; pass ``critic_step=0.001`` to reproduce it); critic radius
``critic.default_critic_radius``; actor step Proposition 2's ``R/(rho sqrt K)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .._validate import InvalidInputError, check_int, check_positive
from .schedules import Schedule, as_schedule

ORACLE_MODES = ("exact", "sampled", "exact_critic", "exact_actor", "practical")
CRITIC_INITS = ("zero", "warm")
DEFAULT_CRITIC_STEP = 0.05
PROP1_STEP = "prop1"


@dataclass(frozen=True)
class OracleConfig:
    mode: str = "exact"
    K_critic: int = 1000
    K_actor: int = 1000
    critic_step: Schedule | str = field(
        default_factory=lambda: as_schedule(DEFAULT_CRITIC_STEP, "critic_step"))
    critic_radius: float | None = None
    actor_step: float | None = None
    critic_init: str | None = None      # None: "warm" for practical, "zero" otherwise

    def __post_init__(self):
        if self.mode not in ORACLE_MODES:
            raise InvalidInputError(f"oracle: {self.mode!r}; use one of {ORACLE_MODES}")
        for name in ("K_critic", "K_actor"):
            object.__setattr__(self, name, check_int(name, getattr(self, name), minimum=1))
        if not (isinstance(self.critic_step, str) and self.critic_step == PROP1_STEP):
            step = as_schedule(self.critic_step, "critic_step")
            if step.is_constant:
                check_positive("critic_step", step.value)
            object.__setattr__(self, "critic_step", step)
        init = self.critic_init
        if init is None:
            init = "warm" if self.mode == "practical" else "zero"
        if init not in CRITIC_INITS:
            raise InvalidInputError(f"critic_init: {init!r}; use one of {CRITIC_INITS}")
        object.__setattr__(self, "critic_init", init)
        for name in ("critic_radius", "actor_step"):
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, check_positive(name, v))

    @property
    def critic_exact(self) -> bool:
        return self.mode in ("exact", "exact_critic")

    @property
    def actor_exact(self) -> bool:
        return self.mode in ("exact", "exact_actor")

    @property
    def uses_samples(self) -> bool:
        return self.mode != "exact"

    @property
    def critic_theory_step(self) -> bool:
        """Proposition 1's step with the exact omega of each iteration."""
        return isinstance(self.critic_step, str)

    @property
    def warm(self) -> bool:
        return not self.critic_exact and self.critic_init == "warm"

    def to_dict(self) -> dict:
        out: dict[str, object] = {"mode": self.mode}
        if not self.critic_exact:
            step = ({"kind": PROP1_STEP} if isinstance(self.critic_step, str)
                    else self.critic_step.to_dict())
            out.update(K_critic=self.K_critic, critic_step=step,
                       critic_radius=self.critic_radius, critic_init=self.critic_init)
        if not self.actor_exact:
            out.update(K_actor=self.K_actor, actor_step=self.actor_step)
        return out


#: The settings an ``OracleConfig`` carries besides its mode.
ORACLE_SETTINGS = tuple(f.name for f in fields(OracleConfig) if f.name != "mode")


def reject_loose_settings(function: str, kwargs: dict) -> None:
    """The error for keywords a runner does not take (``kwargs``, its ``**``): oracle settings
    travel in ``OracleConfig`` (module docstring); anything else is Python's usual
    ``TypeError``."""
    if not kwargs:
        return
    loose = [k for k in kwargs if k in ORACLE_SETTINGS]
    if loose:
        given = ", ".join(f"{k}={kwargs[k]!r}" for k in loose)
        raise TypeError(f"{function}: {given}: oracle settings are not keywords of "
                        f"{function}; pass oracle=OracleConfig(mode, {given})")
    raise TypeError(f"{function}() got an unexpected keyword argument {next(iter(kwargs))!r}")


def as_oracle(oracle, **overrides) -> OracleConfig:
    """An ``OracleConfig`` from a mode name or a config (with ``overrides``, e.g. settings
    read from a report's stored settings; ``None`` values are ignored)."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if isinstance(oracle, OracleConfig):
        if not overrides:
            return oracle
        import dataclasses
        return dataclasses.replace(oracle, **overrides)
    if not isinstance(oracle, str):
        raise InvalidInputError(f"oracle: {oracle!r}; use one of {ORACLE_MODES} or OracleConfig")
    return OracleConfig(mode=oracle, **overrides)
