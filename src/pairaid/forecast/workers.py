"""Sample paths of many regions on more than one core.

Regions are forecast independently (each has its own random source,
:func:`pairaid.forecast.api.region_rng`), so the paths do not depend on which process draws
them: :func:`paths_by_region` gives the same arrays with one worker or several. With more
than one worker, a forked process (the parent's imports and data already in place, so no
start-up cost beyond the fork) draws every second region while the calling process draws the
others. Warnings raised while a region is drawn (e.g. :class:`pairaid.errors.FallbackWarning`)
are re-raised in the calling process in region order, as one worker would raise them.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pairaid.forecast.api import RegionPaths

Job = Callable[[str], "RegionPaths"]
"""Draws one region's paths from its code (a closure over the cases and options)."""

_JOB: Job | None = None
"""The job of the pool being run, inherited by the forked worker."""


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, where the system reports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def spare_workers(limit: int = 2) -> int:
    """Processes worth drawing forecasts on now: ``limit`` when a core of this process is
    idle, else 1.

    A core counts as idle while the 1-minute load average is below the process's cores less
    half a core. A second process costs about 0.13 s of CPU time on the default plan
    (pages copied after the fork) and gains about half the forecast's time only when a core
    is free; on a machine already busier than its cores (a shared one) it loses time.
    """
    cores = available_cores()
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - no load average on this platform
        load = 0.0
    return min(limit, cores) if cores >= 2 and load < cores - 0.5 else 1


def _drawn(job: Job, code: str) -> tuple[RegionPaths, list[Warning]]:
    """``job(code)`` and the warnings it raised (picklable, to leave a worker)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = job(code)
    return paths, [w.message if isinstance(w.message, Warning) else w.category(w.message)
                   for w in caught]


Drawn = tuple["RegionPaths", list[Warning]]


def _draw_each(job: Job, codes: Sequence[str]) -> list[Drawn | Exception]:
    """:func:`_drawn` of each code in turn, up to and including the first that fails."""
    out: list[Drawn | Exception] = []
    for code in codes:
        try:
            out.append(_drawn(job, code))
        except Exception as err:  # raised again in region order by paths_by_region
            out.append(err)
            break
    return out


def _in_worker(codes: Sequence[str]) -> list[Drawn | None]:
    # a failed region comes back as None (an exception may not survive pickling): the
    # calling process draws it again and raises the error itself
    assert _JOB is not None
    return [None if isinstance(d, Exception) else d for d in _draw_each(_JOB, codes)]


def paths_by_region(job: Job, codes: Sequence[str], *, workers: int = 1
                    ) -> dict[str, RegionPaths]:
    """``job(code)`` of every code, on up to ``workers`` processes (at most 2: one fork).

    Parameters
    ----------
    job : callable
        ``job(code) -> RegionPaths``; it must depend on nothing but its argument and what
        the closure holds (the forked process sees the objects as they are at the call).
    codes : sequence of str
        Region codes, in the order their warnings are raised.
    workers : int
        Processes to use; 1 (or a platform without ``fork``, or fewer than 2 codes) runs
        every job here, warnings raised as they come.

    Returns
    -------
    dict of str to RegionPaths
        By region code.

    Raises
    ------
    Exception
        The error of the first region (in ``codes`` order) whose job fails, after the
        warnings of the regions before it, as with one process. A region the worker could
        not draw (it failed, or the worker died) is drawn again in the calling process.
    """
    global _JOB
    if workers < 2 or len(codes) < 2 or not hasattr(os, "fork"):
        return {code: job(code) for code in codes}
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    theirs: list[Drawn | None] = []
    _JOB = job
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork")) as pool:
            future = pool.submit(_in_worker, list(codes[1::2]))
            mine = dict(zip(codes[0::2], _draw_each(job, codes[0::2]), strict=False))
            try:
                theirs = future.result()
            except Exception:  # the worker died (e.g. out of memory): drawn here below
                theirs = []
    finally:
        _JOB = None
    drawn: dict[str, Drawn | Exception | None] = {
        **dict(zip(codes[1::2], theirs, strict=False)), **mine}
    out = {}
    for code in codes:  # warnings in region order, as one process raises them
        got = drawn.get(code)
        if got is None:
            got = _draw_each(job, [code])[0]
        if isinstance(got, Exception):
            raise got
        paths, raised = got
        for message in raised:
            warnings.warn(message, stacklevel=2)
        out[code] = paths
    return out


__all__ = ["available_cores", "paths_by_region", "spare_workers"]
