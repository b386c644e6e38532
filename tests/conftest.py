"""Hypothesis profiles (xarray style): ``dev`` (default), ``ci`` (deadline off, a few
hundred examples per property over the whole tier), ``thorough`` (campaigns, on demand)."""

import os

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from mfgcheck.properties.tightness import cache_root

# The example database lives in the user cache, never under the working directory (tests are
# hermetic; the report reads none of it).
_DB = DirectoryBasedExampleDatabase(str(cache_root() / "hypothesis"))
settings.register_profile("dev", max_examples=30, deadline=None, database=_DB)
settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, database=_DB,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Reports in tests run in the test process (mfgcheck.executor: one worker = no pool) unless a
# test names its executor: spawning worker processes for seconds of work would only slow the
# suite. tests/test_executor.py runs the same report on local processes and on a Dask
# LocalCluster and asserts the results are bit-equal.
os.environ.setdefault("MFGCHECK_WORKERS", "1")
