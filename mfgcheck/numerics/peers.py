"""Running the peers (MFGLib, OpenSpiel) on their own games: their environments and their
exploitability (MFGLib's ``exploitability_score``, OpenSpiel's ``NashConv``) of our policies.

The games themselves, in our terms, are ``mfgcheck.games.peers`` (``PeerGame``); this module
runs the peers' code on them, for comparison with ours (``numerics.finite_horizon``,
tests/peers/, benchmarks/peers.py). The peers are optional: each function imports its peer
when called (``requirements-peers.txt``, ``make test-peers``).
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext

from ..games.peers import PeerGame


@contextmanager
def torch_default_float64():
    """Run MFGLib (torch) code in float64: its tensors take torch's default dtype."""
    import torch
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield torch
    finally:
        torch.set_default_dtype(previous)


def mfglib_environment(peer_game: PeerGame, *, float64: bool = True):
    """The peer's own ``mfglib.env.Environment`` (built in float64 unless ``float64=False``:
    MFGLib's tensors take torch's default dtype at construction)."""
    if peer_game.peer != "mfglib":
        raise ValueError(f"{peer_game.name} is not an MFGLib game")
    from mfglib.env import Environment

    params = dict(peer_game.peer_params)
    with torch_default_float64() if float64 else nullcontext():
        import torch
        if peer_game.peer_game == "linear_quadratic":
            mu0 = params.pop("mu0")
            params["mu0"] = "uniform" if mu0 is None else torch.tensor(mu0)
        return getattr(Environment, peer_game.peer_game)(**params)


def mfglib_exploitability(peer_game: PeerGame, policy, *, env=None,
                          float64: bool = True) -> float:
    """MFGLib's own ``mfglib.scoring.exploitability_score`` of our (H, S, A) ``policy``."""
    import mfglib.alg  # noqa: F401  (mfglib.scoring imports cleanly only after mfglib.alg)
    from mfglib.scoring import exploitability_score

    env = mfglib_environment(peer_game, float64=float64) if env is None else env
    peer_pi = peer_game.to_peer_policy(policy)
    with torch_default_float64() if float64 else nullcontext():
        import torch
        dtype = torch.float64 if float64 else torch.get_default_dtype()
        return float(exploitability_score(env, torch.tensor(peer_pi, dtype=dtype)))


def openspiel_game(peer_game: PeerGame):
    """The peer's own ``MFGLinearQuadraticGame`` with the adapter's parameters."""
    if peer_game.peer != "openspiel":
        raise ValueError(f"{peer_game.name} is not an OpenSpiel game")
    from open_spiel.python.mfg.games import linear_quadratic

    return linear_quadratic.MFGLinearQuadraticGame(dict(peer_game.peer_params))


def openspiel_policy(peer_game: PeerGame, policy, os_game):
    """Our (H, S, A) policy as an OpenSpiel ``Policy``: ``pi[tick, x]`` at decision nodes.

    It lists every legal action, in order, with its probability (zeros included), as
    OpenSpiel's own tabular policies do: the evaluators' traversal order, hence their
    first-visit caching (see ``openspiel_linear_quadratic``), depends on it."""
    from open_spiel.python import policy as policy_std

    table = peer_game.to_peer_policy(policy)

    class ArrayPolicy(policy_std.Policy):
        def __init__(self):
            super().__init__(os_game, list(range(os_game.num_players())))

        def action_probabilities(self, state, player_id=None):
            row = table[state.tick, state.x]
            return {a: float(row[a]) for a in state.legal_actions()}

    return ArrayPolicy()


def openspiel_nash_conv(peer_game: PeerGame, policy, *, os_game=None) -> float:
    """OpenSpiel's own ``NashConv(game, policy).nash_conv()`` of our (H, S, A) ``policy``."""
    from open_spiel.python.mfg.algorithms import nash_conv

    os_game = openspiel_game(peer_game) if os_game is None else os_game
    return float(nash_conv.NashConv(os_game, openspiel_policy(peer_game, policy, os_game))
                 .nash_conv())


__all__ = ["torch_default_float64", "mfglib_environment", "mfglib_exploitability",
           "openspiel_game", "openspiel_policy", "openspiel_nash_conv"]
