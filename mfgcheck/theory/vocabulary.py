"""The words of a verdict table: the verdicts a proof step can carry and the kinds of step.

In a module of their own so that the table's renderers (``display``) and the prover
(``core``) read one list without importing each other."""

VERDICTS = ("proved", "conditional", "refuted", "numeric", "unknown")
KINDS = ("algebraic", "numeric")
