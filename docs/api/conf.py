"""Sphinx configuration of mfgcheck's API reference (``make docs``).

Built from the docstrings by autodoc, pages in Markdown (MyST). The build runs with warnings
as errors and ``nitpicky`` on, so a cross-reference to a name that does not exist
(``:func:`mfgcheck.numerics.nonexistent```) fails the build; names of other projects
(NumPy, SymPy, ...) are not resolved (no network in CI) and are ignored explicitly below.
"""

project = "mfgcheck"
author = "the mfgcheck authors"
extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "none"          # signatures show names and defaults; types are in prose
autodoc_mock_imports: list[str] = []
myst_heading_anchors = 3

nitpicky = True
nitpick_ignore_regex = [
    # other projects' names: not resolvable offline
    (r"py:.*", r"(numpy|np|scipy|sympy|sp|hypothesis|st|pytest|matplotlib|cvxpy|tqdm|"
               r"pathlib|collections|typing|dataclasses|concurrent)(\..*)?"),
    # private helpers are not part of the API; a docstring may still name one
    (r"py:.*", r"(.*\.)?_[A-Za-z].*"),
    (r"py:.*", r"(Path|Callable|Iterable|Sequence|Mapping|Any|ndarray|float|int|str|bool|"
               r"dict|list|tuple|None|object|Exception|ValueError|optional)"),
]
