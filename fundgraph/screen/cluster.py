"""Where the screen's Dask tasks run: a given cluster, a local one, or this process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SCHEDULER_ENV", "dask_scheduler"]

#: Environment variable naming the scheduler address when ``--scheduler`` is not given.
SCHEDULER_ENV = "FUNDGRAPH_DASK_SCHEDULER"


@contextmanager
def dask_scheduler(address: str | None = None, *, workers: int = 2) -> Iterator[object]:
    """Yield what :func:`dask.compute` takes as ``scheduler`` for the duration of a run.

    Parameters
    ----------
    address : str, optional
        ``"synchronous"`` runs every task in this process (for debugging); any other value
        is a ``dask.distributed`` scheduler address (``tcp://host:8786``). Without it,
        ``FUNDGRAPH_DASK_SCHEDULER`` is used, and without that a ``LocalCluster`` of
        ``workers`` processes (one thread each) is started on the loopback interface and
        stopped afterwards.
    workers : int
        Worker processes of the local cluster.
    """
    address = address or os.environ.get(SCHEDULER_ENV) or None
    if address == "synchronous":
        yield "synchronous"
        return
    from distributed import Client, LocalCluster

    if address:
        with Client(address, set_as_default=False) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=max(1, int(workers)),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client
