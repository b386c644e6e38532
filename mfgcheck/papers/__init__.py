"""Claims of other papers, one subpackage per paper, each in its own symbol namespace.

A paper's subpackage holds the same layers as mfgcheck's own claims, in one place that
another paper can copy (docs/adding-a-claim.md walks through it):

- ``symbols``: the paper's SymPy symbols in its own namespace
  (``mfgcheck.theory.symbols.new_namespace("cen2022")``: its ``eta`` and ``C1`` are not Mao
  et al.'s); the shared ones (``gamma``, ``lam``) come from :mod:`mfgcheck.theory.symbols`;
- ``theory``: the statement, its constants and the proof steps (a
  :class:`~mfgcheck.theory.core.Claim` named ``claim``), decided by SymPy;
- the exact numerics the checks need (``mdp`` for Cen et al.), independent of the mean-field
  code, and a high-precision replay (``precise``) that confirms a float64 violation;
- ``checks``: functions ``check(instance, *, bound=None) -> Evidence``, and ``strategies``:
  the Hypothesis strategy of the instances they take;
- ``register()`` in the subpackage's ``__init__``: the claim's registration
  (``mfgcheck.registry``), which the package's ``mfgcheck.claims`` entry point calls.

Papers: :mod:`mfgcheck.papers.cen2022` (Cen, Cheng, Chen, Wei, Chi, Operations Research
2022: Theorem 1, linear convergence of entropy-regularised NPG).
"""
