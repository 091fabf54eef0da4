"""Run chunks of scenarios on Dask (``dask.distributed``).

A local cluster (one single-threaded worker process per core, or ``workers``) is started
unless a scheduler address is given (``--scheduler tcp://host:8786``, a cluster started
with ``dask scheduler`` / ``dask worker``). The context is sent to the workers once
(``Client.scatter(broadcast=True)``); each chunk is one task (``Client.map``); results come
back in chunk order, so the output does not depend on the number of workers or on which
task finished first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from pairaid.errors import ConfigError

_T = TypeVar("_T")


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None,
                timeout: float = 20.0) -> Iterator[Any]:
    """A ``distributed.Client``: to ``scheduler`` if given, else to a new local cluster.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://127.0.0.1:8786``).
    workers : int, optional
        Worker processes of the local cluster [default: the number of cores]; ignored
        with ``scheduler``.
    timeout : float
        Seconds to wait for the scheduler [s].

    Raises
    ------
    pairaid.errors.ConfigError
        If the scheduler cannot be reached, or ``workers`` is below 1.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=timeout)
        except OSError as err:
            raise ConfigError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there "
                              f"({err}); start one with `dask scheduler` and workers with "
                              f"`dask worker {scheduler}`") from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise ConfigError(f"--workers: need at least 1, got {n}")
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=40) as cluster, \
            Client(cluster) as client:
        yield client


def map_chunks(fn: Callable[[Any, Any], _T], context: Any, chunks: Sequence[Any], *,
               client: Any, progress: Callable[[int, int], None] | None = None) -> list[_T]:
    """``[fn(context, c) for c in chunks]`` on the Dask cluster of ``client``.

    Parameters
    ----------
    fn : callable
        A module-level function (workers import it by name).
    context : object
        Sent once to every worker.
    chunks : sequence
        One task each.
    client : distributed.Client
    progress : callable, optional
        Called as ``progress(done, total)`` after each finished task.

    Returns
    -------
    list
        Results in the order of ``chunks``.
    """
    from distributed import as_completed

    if not chunks:
        return []
    # a fresh key each time (hash=False): scattering an equal context again while the
    # previous copy is being released would otherwise reuse a key the scheduler drops
    ctx = client.scatter(context, broadcast=True, hash=False)
    futures = client.map(fn, [ctx] * len(chunks), list(chunks), pure=False)
    index = {f.key: i for i, f in enumerate(futures)}
    out: list[Any] = [None] * len(chunks)
    for done, fut in enumerate(as_completed(futures), start=1):
        out[index[fut.key]] = fut.result()
        if progress is not None:
            progress(done, len(chunks))
    return out
