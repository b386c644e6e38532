"""Cen, Cheng, Chen, Wei and Chi, "Fast global convergence of natural policy gradient methods
with entropy regularization", Operations Research 70(4), 2022 (arXiv:2007.06558).

Theorem 1: exact entropy-regularised NPG on a tabular MDP with learning rate
``0 < eta <= (1 - gamma)/tau`` converges linearly at rate ``1 - eta tau``:
``||Q*_tau - Q^(t+1)_tau||_inf <= C1 gamma (1 - eta tau)^t`` and
``||log pi*_tau - log pi^(t+1)||_inf <= 2 C1/tau (1 - eta tau)^t``.

Modules: :mod:`.symbols` (the paper's namespace), :mod:`.theory` (statement, constants, proof
steps in SymPy), :mod:`.mdp` (exact tabular numerics), :mod:`.precise` (60-digit replay),
:mod:`.checks` (Evidence per relation), :mod:`.strategies` (random MDPs). Nothing heavy is
imported here: the registry imports this package to call :func:`register`.
"""
