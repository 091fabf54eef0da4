"""pairaid evaluate on Dask: same seed, same table with 1 and 2 workers, and on a real
``dask scheduler`` + ``dask worker`` cluster started here."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pairaid.evaluation import evaluate
from pairaid.evaluation.replay import RANDOM_PLAN, REALISED

N = 4


@pytest.fixture(scope="module")
def one_worker(small_run):
    return evaluate(small_run, scenarios=N, seed=3, chunk_size=2, workers=1)


def test_same_seed_same_table_with_one_and_two_workers(small_run, one_worker) -> None:
    two = evaluate(small_run, scenarios=N, seed=3, chunk_size=2, workers=2)
    pd.testing.assert_frame_equal(one_worker.table, two.table)


def test_table_has_every_plan_on_every_scenario_and_the_realised_path(one_worker) -> None:
    table = one_worker.table
    plans = list(dict.fromkeys(table["plan"]))
    assert plans[0] == "pairaid" and RANDOM_PLAN in plans
    sampled = table[table["scenario"] != REALISED]
    assert sampled.groupby("plan").size().eq(N).all()
    real = table[table["scenario"] == REALISED]
    assert set(real["plan"]) == set(plans) - {RANDOM_PLAN}
    assert (table["gap_covered_share"].between(0, 1)).all()
    # the same scenario has the same gap for every plan
    assert sampled.groupby("scenario")["gap_staff_days"].nunique().eq(1).all()
    assert set(one_worker.summary["plan"]) == set(plans)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(address: str, seconds: float) -> bool:
    from distributed import Client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with Client(address, timeout=5) as client:
                if client.scheduler_info()["workers"]:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def test_against_a_real_dask_scheduler_and_worker(small_run, one_worker,
                                                  tmp_path: Path) -> None:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = [open(tmp_path / name, "w") for name in ("scheduler.log", "worker.log")]
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                               "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=logs[0], stderr=logs[0])]
    try:
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker",
                                       address, "--nworkers", "1", "--nthreads", "1",
                                       "--no-dashboard"], stdout=logs[1], stderr=logs[1]))
        if not _wait(address, 60):
            pytest.skip("could not start a dask scheduler and worker on 127.0.0.1 within "
                        f"60 s (logs in {tmp_path})")
        remote = evaluate(small_run, scenarios=N, seed=3, chunk_size=2, scheduler=address)
        pd.testing.assert_frame_equal(one_worker.table, remote.table)
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        for f in logs:
            f.close()


def test_unreachable_scheduler_is_a_clear_error() -> None:
    from pairaid.errors import ConfigError
    from pairaid.evaluation.engine import dask_client

    with pytest.raises(ConfigError, match="cannot reach a Dask scheduler"), \
            dask_client(f"tcp://127.0.0.1:{_free_port()}", timeout=2):
        pass
