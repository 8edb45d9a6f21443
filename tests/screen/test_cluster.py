"""The same pipeline on a two-process local Dask cluster: identical results, also when a
worker process is killed while tasks run."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from fundgraph.screen import screen

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    cl = distributed.Client(cluster, set_as_default=False)
    yield cl
    cl.close()
    cluster.close()


def test_cluster_equals_in_process(client, feed, full_run, tmp_path):
    # more partitions than the in-process run: the result does not depend on them
    res = screen([feed], tmp_path, scheduler=client, lang="en", export_case=2, partitions=3)
    assert (tmp_path / "screen.csv").read_bytes() == (full_run[1] / "screen.csv").read_bytes()
    assert (tmp_path / "screen.html").read_bytes() == (full_run[1] / "screen.html").read_bytes()
    for name, df in full_run[0].aggregates.items():
        assert res.aggregates[name].equals(df), name
    ours = sorted(p.name for p in (tmp_path / "case-statements").iterdir())
    theirs = sorted(p.name for p in (full_run[1] / "case-statements").iterdir())
    assert ours == theirs
    for name in ours:
        assert (tmp_path / "case-statements" / name).read_bytes() == (
            full_run[1] / "case-statements" / name
        ).read_bytes()


@pytest.mark.parametrize("where", ["cluster", "synchronous"])
def test_tables_kept_on_the_cluster_give_the_same_outputs(
    where, client, feed, full_run, tmp_path, monkeypatch
):
    """A large feed's amounts, months and hours stay with the partitions and only the rows
    the ranking reads come back: the outputs are the same, byte for byte."""
    import fundgraph.screen as FS

    monkeypatch.setattr(FS, "KEEP_ON_CLUSTER_BYTES", 0)
    sched = client if where == "cluster" else "synchronous"
    res = screen([feed], tmp_path, scheduler=sched, lang="en", export_case=2, partitions=3)
    assert set(res.keyed.tables) == {"accounts", "pairs"}
    for name in ("screen.csv", "screen.html", "screen.json"):
        assert (tmp_path / name).read_bytes() == (full_run[1] / name).read_bytes(), name
    for name, df in full_run[0].aggregates.items():  # fetched whole while the cluster runs
        assert res.aggregates[name].equals(df), name


def test_worker_killed_mid_run(client, feed, full_run, tmp_path):
    pids = client.run(os.getpid)
    victim = sorted(pids)[0]
    killed = threading.Event()

    def kill_when_busy():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if client.processing().get(victim):
                os.kill(pids[victim], signal.SIGKILL)
                killed.set()
                return
            time.sleep(0.02)

    th = threading.Thread(target=kill_when_busy, daemon=True)
    th.start()
    screen([feed], tmp_path, scheduler=client, lang="en", delay=0.15)
    th.join()
    assert killed.is_set()
    assert victim not in client.scheduler_info()["workers"]  # the run went on without it
    assert (tmp_path / "screen.csv").read_bytes() == (full_run[1] / "screen.csv").read_bytes()
    client.wait_for_workers(2, timeout=60)
