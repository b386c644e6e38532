"""Games: the SIS and linear-quadratic games of appendix D, the simulated serverless cluster's
game (appendix E's application), and random games.

``Game`` is the one object that flows everywhere (games -> numerics -> algorithms ->
properties -> reports).
"""

from collections.abc import Callable

from .._validate import InvalidInputError
from .base import Game
from .linear_quadratic import linear_quadratic
from .random_game import random_game
from .sis import sis


def serverless(**kwargs) -> Game:
    """The simulated serverless cluster's game (``mfgcheck.serverless.game``; needs the
    ``serverless`` extra, SimPy, which is imported only here)."""
    from ..serverless.game import serverless as build

    return build(**kwargs)


BUILT_IN: dict[str, Callable[..., Game]] = {"sis": sis, "lq": linear_quadratic,
                                            "serverless": serverless}


def by_name(name: str, **kwargs) -> Game:
    """``sis``, ``lq``, ``serverless`` or ``random`` (``random`` takes n_states, n_actions,
    seed)."""
    if name == "random":
        kwargs.setdefault("n_states", 10)
        kwargs.setdefault("n_actions", 3)
        return random_game(**kwargs)
    try:
        return BUILT_IN[name](**kwargs)
    except KeyError:
        raise InvalidInputError(
            f"game: unknown {name!r}; choose from sis, lq, serverless, random") from None


__all__ = ["Game", "sis", "linear_quadratic", "serverless", "random_game", "by_name"]
