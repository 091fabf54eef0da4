"""A server killed with SIGKILL in the middle of a burst of writes loses no committed row
and leaves the audit chain valid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from tests.service.conftest import make_db_url

from pairaid.service.audit.models import AuditEntry
from pairaid.service.audit.service import verify
from pairaid.service.db import Database
from pairaid.service.pledges.models import Pledge, PledgeVersion
from pairaid.service.regions import load_regions
from pairaid.service.settings import Settings
from pairaid.service.users.service import add_user

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkill_mid_burst_loses_no_committed_row(backend: str,
                                                  request: pytest.FixtureRequest,
                                                  tmp_path: Path) -> None:
    url = make_db_url(backend, request, tmp_path)
    db = Database(Settings(db_url=url))
    regions = load_regions()
    with db.write() as session:
        _, donor = add_user(session, name="hunan", role="donor", region_code="CN-HN",
                            regions=regions)
        _, recipient = add_user(session, name="xiaogan", role="recipient",
                                region_code="420900", regions=regions)
        session.commit()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "pairaid.cli", "serve", "--db", url,
                             "--port", str(port), "--no-upgrade"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_up(base, proc)
        with httpx.Client(base_url=f"{base}/api/v1") as client:
            assert client.put("/capacities/CN-HN/nurses", json={"quantity": 1_000_000},
                              headers={"Authorization": f"Bearer {donor}"}
                              ).status_code == 200
            assert client.post("/needs", headers={"Authorization": f"Bearer {recipient}"},
                               json={"region_code": "420900", "resource": "nurses",
                                     "quantity": 1_000_000, "start": "2020-02-10",
                                     "end": "2020-03-09"}).status_code == 201
        acknowledged: list[int] = []
        lock = threading.Lock()
        stop = threading.Event()

        def burst() -> None:
            with httpx.Client(base_url=f"{base}/api/v1", timeout=10) as client:
                while not stop.is_set():
                    try:
                        r = client.post("/pledges", json={"need_id": 1, "quantity": 1},
                                        headers={"Authorization": f"Bearer {donor}"})
                    except httpx.HTTPError:
                        return  # the server is gone
                    if r.status_code == 201:
                        with lock:
                            acknowledged.append(int(r.json()["id"]))

        threads = [threading.Thread(target=burst) for _ in range(8)]
        for t in threads:
            t.start()
        while len(acknowledged) < 60 and proc.poll() is None:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # mid-burst: requests are in flight
        proc.wait(timeout=30)
        stop.set()
        for t in threads:
            t.join(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert len(acknowledged) >= 60
    db.dispose()
    db = Database(Settings(db_url=url))  # reopen: SQLite recovers from its WAL
    with db.read() as session:
        stored = set(session.scalars(select(Pledge.id)))
        versions = session.scalar(select(func.count()).select_from(PledgeVersion))
        creates = session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "pledge.create"))
        check = verify(session)
    db.dispose()
    assert set(acknowledged) <= stored  # every acknowledged write survived
    assert versions == len(stored) == creates  # no half-written pledge, each audited
    assert check.ok, check.problems
