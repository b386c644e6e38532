"""Hypothesis profiles (xarray style): ``dev`` (default), ``ci`` (deadline off, a few
hundred examples per property over the whole tier), ``thorough`` (campaigns, on demand).

They are defined once, in ``mfgcheck.testing.PROFILES`` (the pytest plugin registers them
as ``mfgcheck-dev`` etc. for every suite); here under their short names for this suite."""

import atexit
import os
import shutil
import tempfile

from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from mfgcheck._cache import cache_root, keep_hypothesis_out_of_cwd
from mfgcheck.testing import PROFILE_PREFIX, PROFILES, register_profiles

# The example database lives in the user cache, never under the working directory (tests are
# hermetic; the report reads none of it). ci: no database (derandomised, reproducible).
_DB = DirectoryBasedExampleDatabase(str(cache_root() / "hypothesis"))
keep_hypothesis_out_of_cwd()          # its cache of module constants too
register_profiles()
for _name in PROFILES:
    settings.register_profile(_name, settings.get_profile(PROFILE_PREFIX + _name),
                              database=None if _name == "ci" else _DB)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Reports in tests run in the test process (mfgcheck.executor: one worker = no pool) unless a
# test names its executor: spawning worker processes for seconds of work would only slow the
# suite. tests/test_executor.py runs the same report on local processes and on a Dask
# LocalCluster and asserts the results are bit-equal.
os.environ.setdefault("MFGCHECK_WORKERS", "1")

# Proof verdicts (mfgcheck.theory.verdict_cache) are cached in a directory of this session
# only, removed at exit: the suite never reads verdicts a previous run (or another version of
# the theory) left in the user cache, and its subprocesses share the session's entries.
# Set here, at import, because test modules decide verdicts while they are collected.
_THEORY_CACHE = tempfile.mkdtemp(prefix="mfgcheck-theory-cache-")
os.environ["MFGCHECK_THEORY_CACHE"] = _THEORY_CACHE
atexit.register(shutil.rmtree, _THEORY_CACHE, ignore_errors=True)

# pytest rewrites the asserts of mfgcheck's own modules (the distribution of a pytest11
# plugin) as they are first imported, with ast.parse; on CPython 3.11.7 that can fail in a
# thread other than the main one (SystemError "AST constructor recursion depth mismatch"),
# and a report's local tasks run in a thread (reports.jobs.LocalRunner). mfgcheck.theory
# imports SymPy's modules on first use (so renderers need no SymPy): import the theory's
# core here, in the main thread, as its package import did before.
import mfgcheck.theory.constants  # noqa: E402, F401
import mfgcheck.theory.core  # noqa: E402, F401
