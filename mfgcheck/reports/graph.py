"""The figure of the claims' dependency graph, each claim coloured by its verdict.

Nodes are the registered claims (``mfgcheck.registry``), arrows go from a claim to each claim
whose proof uses it (``ClaimSpec.uses``, plain data: drawing the graph imports no SymPy), so
Mao et al.'s Theorem 1 sits at the right end of every chain (Lemmas 1-8 and Propositions 1-2
on its left); a claim that uses none and is used by none (another paper's) stands alone.
Columns are the depth of a claim (the longest chain it rests on); inside a column, claims are
ordered by the mean height of the claims they feed, which keeps arrows short and mostly
uncrossed. The colour of a node is its status in the report's
summary (``STATUS_COLOURS``, the same colours as the badges of the HTML page).
"""

from __future__ import annotations

from pathlib import Path

from .. import registry
from .doc import STATUS_COLOURS, STATUS_LABELS


def uses() -> dict[str, tuple[str, ...]]:
    """``{claim: the claims its proof uses}`` for every registered claim."""
    out: dict[str, list[str]] = {c: [] for c in registry.claims()}
    for used, user in registry.dependency_edges():
        out[user].append(used)
    return {c: tuple(u) for c, u in out.items()}


def depth(claim: str, table: dict[str, tuple[str, ...]] | None = None) -> int:
    """The length of the longest chain of claims that ``claim``'s proof rests on (0 for a
    claim that uses none): its column in the drawing. ``table``: ``uses()``."""
    table = uses() if table is None else table
    return max((1 + depth(used, table) for used in table[claim]), default=0)


def supports(claim: str, table: dict[str, tuple[str, ...]] | None = None) -> set[str]:
    """Every claim that ``claim`` rests on, directly or through others."""
    table = uses() if table is None else table
    out: set[str] = set()
    for used in table[claim]:
        out |= {used} | supports(used, table)
    return out


def layout() -> dict[str, tuple[float, float]]:
    """``{claim: (x, y)}``: x the column, y spread evenly in each column (module doc)."""
    uses_ = uses()
    users: dict[str, list[str]] = {c: [] for c in uses_}
    for used, user in registry.dependency_edges():
        users[used].append(user)
    column = {c: depth(c, uses_) for c in uses_}
    for c in sorted(uses_, key=lambda c: -column[c]):  # users before the claims they use
        if not uses_[c] and users[c]:  # a claim resting on none: just left of its first user
            column[c] = min(column[u] for u in users[c]) - 1
    columns: dict[int, list[str]] = {}
    for claim in uses_:
        columns.setdefault(column[claim], []).append(claim)
    pos: dict[str, tuple[float, float]] = {}
    for x in sorted(columns, reverse=True):
        names = columns[x]
        if any(users[c] for c in names):
            order = {c: i for i, c in enumerate(names)}
            # highest mean height of the claims it feeds first (drawn at the top)
            names = sorted(names, key=lambda c: (-sum(pos[u][1] for u in users[c])
                                                 / max(len(users[c]), 1), order[c]))
        n = len(names)
        for i, c in enumerate(names):
            pos[c] = (float(x), (n - 1) / 2 - i)
    return pos


def dependency_figure(claims: list[dict], path: Path) -> None:
    """Draw the graph to ``path``. ``claims`` are the summary's lines
    (``{"claim", "title", "status"}``); a claim missing there is drawn as not checked."""
    from matplotlib.patches import Patch

    from .plots import save, subplots

    by_name = {c["claim"]: c for c in claims}
    pos = layout()
    width = max(x for x, _ in pos.values()) + 1
    height = max(abs(y) for _, y in pos.values()) * 2 + 1
    fig, ax = subplots(figsize=(2.6 * width + 1.5, 0.75 * height + 1.4))
    boxes = {}
    for claim, (x, y) in pos.items():
        line = by_name.get(claim, {})
        status = line.get("status", "unknown")
        title = line.get("title") or claim
        boxes[claim] = ax.text(
            x, y, f"{title}\n{STATUS_LABELS[status]}", ha="center", va="center", fontsize=9,
            color="white" if status in ("fail", "pass", "finding", "candidate") else "black",
            bbox={"boxstyle": "round,pad=0.45", "fc": STATUS_COLOURS[status], "ec": "#333",
                  "lw": 0.8})
    for used, user in registry.dependency_edges():
        # from the right edge of the used claim's box to the left edge of the user's box
        ax.annotate("", xy=(0, 0.5), xycoords=boxes[user], xytext=(1, 0.5),
                    textcoords=boxes[used],
                    arrowprops={"arrowstyle": "-|>", "color": "#555", "lw": 1.1,
                                "shrinkA": 6, "shrinkB": 6})
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(-height / 2, height / 2)
    ax.axis("off")
    ax.set_title("Claims' dependency graph: an arrow A -> B means the proof of B uses A; "
                 "colour = the claim's status in this report", fontsize=10)
    present = sorted({by_name.get(c, {}).get("status", "unknown") for c in pos},
                     key=list(STATUS_COLOURS).index)
    ax.legend(handles=[Patch(fc=STATUS_COLOURS[s], ec="#333", label=STATUS_LABELS[s])
                       for s in present], loc="lower left", fontsize=8, frameon=False,
              ncol=len(present), bbox_to_anchor=(0, -0.08))
    save(fig, path)
