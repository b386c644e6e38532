"""Which claim's proof uses which: the dependency graph of the appendix.

``USES[claim]`` lists the claims of the paper that the proof of ``claim`` invokes, each with
where the appendix does so. Read from the proofs (appendix A-C); results of other papers
that the appendix cites (Lemma 5 of [13], Theorem 3 of [10], ...) are not nodes, and neither
are the assumptions (they are constants, see ``numerics.assumption_constants``).

Propositions 1 and 2 instantiate the critic and actor oracles (appendix C): their accuracy
is the ``eps_critic`` and ``eps_actor`` of ``eps_total`` in Theorem 1's bound (and of
Lemma 8, through which Theorem 1 uses them).
"""

from __future__ import annotations

USES: dict[str, tuple[tuple[str, str], ...]] = {
    "lemma1": (),
    "lemma2": (),
    "lemma3": (),
    "lemma4": (),
    "lemma5": (("lemma2", "p_min, persistence of excitation"),
               ("lemma3", "the floor tau of pi*_t"),
               ("lemma4", "KL Lipschitz in its second argument")),
    "lemma6": (),
    "lemma7": (("lemma6", "Lipschitz constant of Lambda"),),
    "lemma8": (("lemma1", "one-step improvement, first line of the proof"),
               ("lemma5", "sigma^pi_{t+1} against E KL(pi*_t || pi_{t+1})"),
               ("lemma2", "||g_t|| <= 2R")),
    "proposition1": (),
    "proposition2": (),
    "theorem1": (("lemma8", "B.3, the policy recursion"),
                 ("lemma7", "B.3, the mean-field recursion"),
                 ("proposition1", "eps_critic in eps_total"),
                 ("proposition2", "eps_actor in eps_total")),
}


def edges() -> list[tuple[str, str]]:
    """``(used, user)`` pairs: an arrow from a claim to each claim whose proof uses it."""
    return [(used, user) for user, uses in USES.items() for used, _ in uses]


def depth(claim: str) -> int:
    """The length of the longest chain of claims that ``claim``'s proof rests on (0 for a
    claim that uses none): its layer in the drawing."""
    return max((1 + depth(used) for used, _ in USES[claim]), default=0)


def supports(claim: str) -> set[str]:
    """Every claim that ``claim`` rests on, directly or through others."""
    out: set[str] = set()
    for used, _ in USES[claim]:
        out |= {used} | supports(used)
    return out
