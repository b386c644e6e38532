"""Games: the SIS and linear-quadratic games of appendix D, the simulated serverless cluster's
game (appendix E's application), and random games. The names they go by (``by_name``, the
command line, the strategies) are the game registry's (``mfgcheck.registry``).

``Game`` is the one object that flows everywhere (games -> numerics -> algorithms ->
properties -> reports).
"""

from .base import Game
from .linear_quadratic import linear_quadratic
from .random_game import random_game
from .sis import sis


def serverless(**kwargs) -> Game:
    """The simulated serverless cluster's game (``mfgcheck.serverless.game``, built through
    the game registry: the simulator sits above games in the layer order; needs the
    ``serverless`` extra, SimPy, which is imported only then)."""
    from ..registry import build_game

    return build_game("serverless", **kwargs)


def by_name(name: str, **settings) -> Game:
    """The registered game ``name`` (``mfgcheck.registry``: sis, lq, random, serverless and
    any a plugin adds) built with its default settings overridden by ``settings``; an unknown
    name is an ``InvalidInputError`` listing the registered ones."""
    from ..registry import build_game

    return build_game(name, **settings)


__all__ = ["Game", "sis", "linear_quadratic", "serverless", "random_game", "by_name"]
