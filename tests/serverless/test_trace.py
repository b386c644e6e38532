"""Azure-trace-schema workloads: the loader round-trips the shipped synthetic trace, the
shipped files are what the generator makes, bad files are refused, and the synthetic trace
has the published shape (diurnal, bursty, heavy-tailed rates)."""

import gzip

import numpy as np
import pytest

from mfgcheck.serverless import model, trace


def test_shipped_files_round_trip(tmp_path):
    shipped = trace.shipped_trace()
    assert shipped.days == trace.SYNTHETIC_DAYS
    assert shipped.counts.shape == (model.N_FUNCTIONS, 3, trace.MINUTES)
    # what the generator makes, bit for bit (the files are regenerated from the seed)
    regenerated = trace.synthetic_trace()
    np.testing.assert_array_equal(shipped.counts, regenerated.counts)
    assert shipped.functions == regenerated.functions
    # write -> load -> identical, gzipped and plain; and the bytes of the shipped files
    paths = []
    for d in shipped.days:
        p = trace.write_day(shipped, d, tmp_path / f"x.d{d:02d}.csv.gz")
        paths.append(p)
        shipped_bytes = gzip.decompress(trace.shipped_paths()[d - 1].read_bytes())
        assert gzip.decompress(p.read_bytes()) == shipped_bytes
    plain = trace.write_day(shipped, 2, tmp_path / "y.d02.csv")
    back = trace.load_trace(paths)
    order = [back.functions.index(h) for h in shipped.functions]
    np.testing.assert_array_equal(back.counts[order], shipped.counts)
    assert [back.owners[i] for i in order] == list(shipped.owners)
    np.testing.assert_array_equal(trace.load_trace(plain).day(2)[order], shipped.day(2))
    assert plain.read_text().splitlines()[0].startswith("HashOwner,HashApp,HashFunction,"
                                                        "Trigger,1,2,3")


def test_loader_refuses_bad_files(tmp_path):
    good = trace.day_csv(trace.shipped_trace(), 1).splitlines()
    cases = {
        "header": ["HashOwner,HashApp,Func,Trigger," + ",".join(map(str, range(1, 1441)))]
        + good[1:],
        "fields": good[:1] + [good[1] + ",7"],
        "integers": good[:1] + [good[1].rsplit(",", 1)[0] + ",x"],
        "negative": good[:1] + [good[1].rsplit(",", 1)[0] + ",-1"],
    }
    for what, lines in cases.items():
        p = tmp_path / "bad.d01.csv"
        p.write_text("\n".join(lines) + "\n")
        with pytest.raises(ValueError, match=what):
            trace.load_trace(p)
    p = tmp_path / "noday.csv"
    p.write_text("\n".join(good) + "\n")
    with pytest.raises(ValueError, match="dNN"):
        trace.load_trace(p)


def test_synthetic_trace_has_the_published_shape():
    c = trace.shipped_trace().counts.astype(float)            # (F, D, 1440)
    per_hour = c.reshape(c.shape[0], c.shape[1], 24, 60).sum(axis=3)
    # diurnal: the busiest hours carry clearly more than the quietest, for every function
    ranked = np.sort(per_hour, axis=2)
    ratio = ranked[..., -3:].mean(-1) / ranked[..., :3].mean(-1)
    assert np.all(ratio > 2.0)
    # bursty: minutes far above the smooth daily cycle (a burst multiplies the rate by 3-6)
    smooth = np.repeat(per_hour / 60.0, 60, axis=2)
    assert np.mean(c > 2.5 * smooth + 10) > 1e-3
    # heavy-tailed across functions: the busiest function has > 20x the rate of the quietest
    totals = c.sum(axis=(1, 2))
    assert totals.max() / totals.min() > 20


def test_arrivals_reproduce_the_counts():
    counts = trace.shipped_trace().day(2)
    t, f = trace.arrivals(counts, seed=5, start_minute=600, minutes=30)
    assert np.all(np.diff(t) >= 0)
    minute = np.floor(t / 60).astype(int)
    for k in range(counts.shape[0]):
        np.testing.assert_array_equal(np.bincount(minute[f == k], minlength=30),
                                      counts[k, 600:630])
    with pytest.raises(ValueError, match="minutes"):
        trace.arrivals(counts, start_minute=1430, minutes=20)
