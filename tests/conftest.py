"""Hypothesis profiles (xarray style): ``dev`` (default), ``ci`` (deadline off, a few
hundred examples per property over the whole tier), ``thorough`` (campaigns, on demand).

They are defined once, in ``mfgcheck.testing.PROFILES`` (the pytest plugin registers them
as ``mfgcheck-dev`` etc. for every suite); here under their short names for this suite."""

import os

from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from mfgcheck.properties.tightness import cache_root
from mfgcheck.testing import PROFILE_PREFIX, PROFILES, register_profiles

# The example database lives in the user cache, never under the working directory (tests are
# hermetic; the report reads none of it). ci: no database (derandomised, reproducible).
_DB = DirectoryBasedExampleDatabase(str(cache_root() / "hypothesis"))
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
