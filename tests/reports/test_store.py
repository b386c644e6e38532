"""The run store: atomic writes, keys, and resuming an interrupted sweep without recomputing."""

import json

import pytest

from mfgcheck._validate import InvalidInputError
from mfgcheck.reports.store import (
    InvalidRecordError,
    RunStore,
    StoreWarning,
    atomic_write_text,
    canonical_json,
    check_record,
    check_writable,
    read_record,
    run_key,
)


class Interrupted(Exception):
    pass


def _settings(n):
    return [{"experiment": "toy", "T": 10 * (i + 1), "seed": i % 2} for i in range(n)]


def _work(calls):
    def fn(s):
        calls.append(s["T"])
        return {"value": s["T"] ** 0.5, "seed": s["seed"]}
    return fn


def test_interrupted_sweep_resumes_without_recomputing(tmp_path):
    items = _settings(6)
    calls = []
    fn = _work(calls)

    def interrupt_after_3(s):
        if len(calls) == 3:
            raise Interrupted
        return fn(s)

    store = RunStore(tmp_path)
    with pytest.raises(Interrupted):
        store.sweep(items, interrupt_after_3)
    assert calls == [10, 20, 30]
    assert len(list((tmp_path / "runs").glob("*.json"))) == 3

    resumed = RunStore(tmp_path)
    records = resumed.sweep(items, fn)
    # Only the three missing runs were computed; the first three came from disk.
    assert calls == [10, 20, 30, 40, 50, 60]
    assert resumed.calls == 3 and resumed.hits == 3
    assert [r["result"]["value"] for r in records] == [s["T"] ** 0.5 for s in items]
    again = RunStore(tmp_path)
    again.sweep(items, fn)
    assert again.calls == 0 and again.hits == 6


def test_batched_sweep_resumes_per_batch(tmp_path):
    items = _settings(7)
    batches = []
    state = {"interrupt_at": 2}

    def batch_fn(chunk):
        batches.append([s["T"] for s in chunk])
        if len(batches) == state["interrupt_at"]:
            raise Interrupted
        return [{"value": s["T"]} for s in chunk]

    with pytest.raises(Interrupted):
        RunStore(tmp_path).sweep_batched(items, batch_fn, batch_size=3)
    assert batches == [[10, 20, 30], [40, 50, 60]]
    batches.clear()
    state["interrupt_at"] = None
    store = RunStore(tmp_path)
    records = store.sweep_batched(items, batch_fn, batch_size=3)
    assert batches == [[40, 50, 60], [70]]     # the finished batch was not recomputed
    assert store.calls == 4 and store.hits == 3
    assert [r["result"]["value"] for r in records] == [s["T"] for s in items]


def test_key_depends_on_every_setting_and_not_on_order():
    a = {"T": 100, "eta": 0.1, "game": {"name": "sis", "lam": 0.1}}
    b = {"game": {"lam": 0.1, "name": "sis"}, "eta": 0.1, "T": 100}
    assert run_key(a) == run_key(b)
    assert run_key(a) != run_key({**a, "eta": 0.1 + 1e-12})
    assert run_key(a) != run_key({**a, "game": {"name": "sis", "lam": 0.2}})


def test_a_stored_record_with_other_settings_is_not_reused(tmp_path):
    store = RunStore(tmp_path)
    s = {"T": 1}
    store.save(s, {"value": 1}, 0.0)
    path = store.path(s)
    rec = json.loads(path.read_text())
    rec["settings"] = {"T": 2}          # a corrupted or colliding file
    path.write_text(json.dumps(rec))
    with pytest.warns(StoreWarning, match="key"):
        assert store.load(s) is None


def test_atomic_write_leaves_no_partial_file(tmp_path):
    path = tmp_path / "x.json"
    atomic_write_text(path, "first")

    with pytest.raises(TypeError):
        atomic_write_text(path, 12345)  # not text: the write fails midway
    assert path.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]   # no temporary left behind


def test_canonical_json_is_strict_json():
    text = canonical_json({"a": float("inf"), "b": float("nan"), "c": (1, 2)})
    assert json.loads(text) == {"a": "inf", "b": "nan", "c": [1, 2]}


# -- a store that heals --------------------------------------------------------------------
def _stored_sweep(tmp_path, n=3):
    items = _settings(n)
    RunStore(tmp_path).sweep(items, _work([]))
    return items


@pytest.mark.parametrize("damage, reason", [
    (lambda p: p.write_text(p.read_text()[: len(p.read_text()) // 2]), "not JSON"),  # truncated
    (lambda p: p.write_text(""), "empty file"),
    (lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), "unreadable"),
    (lambda p: p.write_text(json.dumps({"key": "x", "result": {}})), "missing field"),
    (lambda p: p.write_text(json.dumps({**json.loads(p.read_text()),
                                        "schema": "mfgcheck-run-v0"})), "schema"),
    (lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "result": [1, 2]})),
     "result: not a JSON object"),
    (lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "wall_time": "1s"})),
     "wall_time"),
    (lambda p: p.write_text(json.dumps([1, 2, 3])), "not a JSON object"),
])
def test_a_damaged_run_file_is_quarantined_and_recomputed(tmp_path, damage, reason):
    items = _stored_sweep(tmp_path)
    store = RunStore(tmp_path)
    victim = store.path(items[1])
    damage(victim)
    damaged_bytes = victim.read_bytes()
    calls = []
    with pytest.warns(StoreWarning, match=reason) as rec:
        records = store.sweep(items, _work(calls))
    assert str(victim) in str(rec[0].message)             # the warning names the file
    assert calls == [items[1]["T"]]                         # only the damaged run recomputed
    assert store.calls == 1 and store.hits == 2
    assert [r["result"]["value"] for r in records] == [s["T"] ** 0.5 for s in items]
    moved = tmp_path / "quarantine" / victim.name
    assert moved.read_bytes() == damaged_bytes              # kept aside for inspection
    assert store.load(items[1])["result"]["value"] == items[1]["T"] ** 0.5   # healed on disk


def test_quarantine_never_overwrites_an_earlier_damaged_file(tmp_path):
    items = _stored_sweep(tmp_path, 1)
    store = RunStore(tmp_path)
    for text in ("", "{"):
        store.path(items[0]).write_text(text)
        with pytest.warns(StoreWarning):
            assert store.load(items[0]) is None
        store.sweep(items, _work([]))
    kept = sorted(p.read_text() for p in (tmp_path / "quarantine").iterdir())
    assert kept == ["", "{"]


def test_batched_sweep_heals_too(tmp_path):
    items = _settings(4)
    store = RunStore(tmp_path)
    store.sweep_batched(items, lambda chunk: [{"value": s["T"]} for s in chunk], batch_size=2)
    store.path(items[3]).write_text('{"key": ')
    again = RunStore(tmp_path)
    with pytest.warns(StoreWarning):
        recs = again.sweep_batched(items, lambda chunk: [{"value": -s["T"]} for s in chunk],
                                   batch_size=2)
    assert [r["result"]["value"] for r in recs] == [10, 20, 30, -40]
    assert again.calls == 1


def test_check_record_accepts_what_save_writes(tmp_path):
    store = RunStore(tmp_path)
    s = {"T": 3, "x": [1.5, float("nan")]}
    store.save(s, {"v": float("inf")}, 0.25)
    rec = read_record(store.path(s), s)
    assert rec["result"] == {"v": "inf"} and rec["wall_time"] == 0.25
    with pytest.raises(InvalidRecordError, match="settings differ"):
        check_record(rec, {"T": 4})


def test_check_writable_names_the_directory(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(InvalidInputError, match=r"output directory .*a-file/out: not writable"):
        check_writable(blocker / "out")
    ok = check_writable(tmp_path / "new" / "out")
    assert (ok / "runs").is_dir() and list(ok.rglob("*probe*")) == []


# -- merging stores computed elsewhere ------------------------------------------------------
def test_merge_copies_valid_runs_and_reports_conflicts(tmp_path):
    items = _settings(4)
    a, b = tmp_path / "a", tmp_path / "b"
    RunStore(a).sweep(items[:2], _work([]))                 # machine A: runs 0, 1
    other = RunStore(b)
    other.sweep(items[1:], _work([]))                       # machine B: runs 1, 2, 3
    other.path(items[3]).write_text("{")                    # damaged on B
    other.save(items[2], {"value": -1.0, "seed": 0}, 0.0)   # B disagrees on run 2 ...
    RunStore(a).save(items[2], {"value": 7.0, "seed": 0}, 0.0)   # ... with A
    with pytest.warns(StoreWarning) as rec:
        counts = RunStore(a).merge(b)
    assert counts == {"added": 0, "present": 2, "differing": 1, "damaged": 1}
    messages = " ".join(str(w.message) for w in rec)
    assert "hold different results" in messages and "not merged" in messages
    assert RunStore(a).load(items[2])["result"]["value"] == 7.0        # ours kept

    c = tmp_path / "c"
    RunStore(c).sweep(items[3:], _work([]))
    assert RunStore(a).merge(c / "runs") == {"added": 1, "present": 0, "differing": 0,
                                             "damaged": 0}
    calls = []
    store = RunStore(a)
    records = store.sweep(items, _work(calls))
    assert calls == [] and store.hits == 4                  # nothing recomputed after merging
    assert records[3]["result"]["value"] == items[3]["T"] ** 0.5


def test_merge_of_a_directory_without_runs_is_a_usage_error(tmp_path):
    with pytest.raises(InvalidInputError, match="no run store"):
        RunStore(tmp_path / "a").merge(tmp_path / "nothing")
