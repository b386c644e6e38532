"""Oracle modes of Algorithm 1: where ``q_hat_t`` and ``w_hat_t`` come from.

=================  =====================================  =====================================
mode               critic ``q_hat_t``                      actor ``w_hat_t``
=================  =====================================  =====================================
``exact``          exact shifted q (numerics)              exact minimiser over ``||w|| <= R``
``sampled``        Algorithm 2 (TD(0), ``K_critic``)       Algorithm 3 (SGD, ``K_actor``)
``exact_critic``   exact                                   Algorithm 3
``exact_actor``    Algorithm 2                             exact minimiser of ``L_hat``
=================  =====================================  =====================================

The mixed modes isolate one error: ``exact_critic`` has ``eps_critic = 0``, ``exact_actor`` has
``eps_actor = 0``.

Defaults for the sampled parts: ``K_critic = K_actor = 1000``; critic step a constant 0.05
(appendix D's 0.001 needs ~1e5 samples per iteration before the averaged TD iterate moves
away from 0 on SIS; pass ``critic_step=0.001`` to reproduce it); critic radius
``critic.default_critic_radius``; actor step Proposition 2's ``R/(rho sqrt K)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .._validate import InvalidInputError, check_int, check_positive
from .schedules import Schedule, as_schedule

ORACLE_MODES = ("exact", "sampled", "exact_critic", "exact_actor")
DEFAULT_CRITIC_STEP = 0.05


@dataclass(frozen=True)
class OracleConfig:
    mode: str = "exact"
    K_critic: int = 1000
    K_actor: int = 1000
    critic_step: Schedule = field(default_factory=lambda: as_schedule(DEFAULT_CRITIC_STEP,
                                                                      "critic_step"))
    critic_radius: float | None = None
    actor_step: float | None = None

    def __post_init__(self):
        if self.mode not in ORACLE_MODES:
            raise InvalidInputError(f"oracle: {self.mode!r}; use one of {ORACLE_MODES}")
        for name in ("K_critic", "K_actor"):
            object.__setattr__(self, name, check_int(name, getattr(self, name), minimum=1))
        step = as_schedule(self.critic_step, "critic_step")
        if step.is_constant:
            check_positive("critic_step", step.value)
        object.__setattr__(self, "critic_step", step)
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

    def describe(self) -> dict:
        out = {"mode": self.mode}
        if not self.critic_exact:
            out.update(K_critic=self.K_critic, critic_step=self.critic_step.describe(),
                       critic_radius=self.critic_radius)
        if not self.actor_exact:
            out.update(K_actor=self.K_actor, actor_step=self.actor_step)
        return out


def as_oracle(oracle, **overrides) -> OracleConfig:
    """An ``OracleConfig`` from a mode name or a config; ``overrides`` (``K_critic=...``) that
    are ``None`` are ignored."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if isinstance(oracle, OracleConfig):
        if not overrides:
            return oracle
        import dataclasses
        return dataclasses.replace(oracle, **overrides)
    if not isinstance(oracle, str):
        raise InvalidInputError(f"oracle: {oracle!r}; use one of {ORACLE_MODES} or OracleConfig")
    return OracleConfig(mode=oracle, **overrides)
