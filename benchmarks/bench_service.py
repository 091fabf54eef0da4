"""Latency of the coordination service under 100 concurrent clients (read and write).

Starts ``pairaid serve`` (``--workers`` uvicorn processes, default 2) on a fresh database,
fills it with a realistic board (13 recipients × 3 resources, 18 donors with capacities,
one accepted pledge per need), then drives it with ``--clients`` concurrent asyncio
clients (httpx): first each client sends ``--requests`` ``GET /api/v1/board``, then as many
``POST /api/v1/pledges`` (1 unit each). Prints p50, p90, p99 and max latency [ms],
throughput [requests/s] and the status counts. The load generator runs on the same
machine, so it takes part of the CPU.

    python benchmarks/bench_service.py                      # SQLite, then PostgreSQL
    python benchmarks/bench_service.py --backend sqlite --clients 100 --requests 20
    PAIRAID_BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/test python ...
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from pairaid.service.db import Database
from pairaid.service.migrate import upgrade
from pairaid.service.regions import load_regions
from pairaid.service.settings import Settings
from pairaid.service.users.service import add_user

PG_URL = os.environ.get("PAIRAID_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RECIPIENTS = [f"42{n:02d}00" for n in (2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 28, 90)]
DONORS = ["CN-BJ", "CN-TJ", "CN-HE", "CN-SX", "CN-NM", "CN-LN", "CN-JL", "CN-HL", "CN-SH",
          "CN-JS", "CN-ZJ", "CN-AH", "CN-FJ", "CN-JX", "CN-SD", "CN-HA", "CN-HN", "CN-GD"]
RESOURCES = ("beds", "doctors", "nurses")


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh, migrated database URL (a temporary SQLite file or PostgreSQL database)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            upgrade(url)
            yield url
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"pairaid_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def users(url: str) -> dict[str, str]:
    """Tokens of the coordinator, every donor and every recipient."""
    db = Database(Settings(db_url=url))
    regions = load_regions()
    tokens = {}
    with db.write() as session:
        _, tokens["coord"] = add_user(session, name="coord", role="coordinator",
                                      regions=regions)
        for code in DONORS:
            _, tokens[code] = add_user(session, name=code, role="donor", region_code=code,
                                       regions=regions)
        for code in RECIPIENTS:
            _, tokens[code] = add_user(session, name=code, role="recipient",
                                       region_code=code, regions=regions)
        session.commit()
    db.dispose()
    return tokens


def fill(base: str, tokens: dict[str, str]) -> list[int]:
    """Capacities, needs and a few accepted pledges; returns the need ids."""
    def h(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[who]}"}

    needs = []
    with httpx.Client(base_url=base, timeout=30) as c:
        for code in DONORS:
            for res in RESOURCES:
                c.put(f"/capacities/{code}/{res}", json={"quantity": 1_000_000},
                      headers=h(code)).raise_for_status()
        for code in RECIPIENTS:
            for res in RESOURCES:
                r = c.post("/needs", headers=h(code), json={
                    "region_code": code, "resource": res, "quantity": 1_000_000,
                    "start": "2020-02-10", "end": "2020-03-09"})
                r.raise_for_status()
                needs.append(int(r.json()["id"]))
        for i, need in enumerate(needs):
            donor = DONORS[i % len(DONORS)]
            r = c.post("/pledges", headers=h(donor), json={"need_id": need, "quantity": 50})
            r.raise_for_status()
            c.post(f"/pledges/{r.json()['id']}/accept", headers=h("coord")).raise_for_status()
    return needs


async def drive(base: str, clients: int, requests: int, make) -> tuple[list[float], Counter,
                                                                       float]:
    """Run ``clients`` concurrent clients, each sending ``requests`` requests."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def one(k: int) -> None:
            for i in range(requests):
                method, path, kwargs = make(k, i)
                t0 = time.perf_counter()
                try:
                    r = await client.request(method, path, **kwargs)
                except httpx.HTTPError as err:
                    statuses[type(err).__name__] += 1
                    continue
                latencies.append(time.perf_counter() - t0)
                statuses[r.status_code] += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(one(k) for k in range(clients)))
        wall = time.perf_counter() - t0
    return latencies, statuses, wall


def summary(name: str, latencies: list[float], statuses: Counter, wall: float) -> str:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return (f"{name:<17} n={len(ms):5d}  p50 {q[49]:7.1f} ms  p90 {q[89]:7.1f} ms  "
            f"p99 {q[98]:7.1f} ms  max {ms[-1]:7.1f} ms  {len(ms) / wall:6.0f} req/s  "
            f"status {dict(sorted(statuses.items(), key=str))}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench(backend: str, clients: int, requests: int, workers: int) -> list[str]:
    with database(backend) as url:
        tokens = users(url)
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "pairaid.cli", "serve", "--db", url,
                                 "--port", str(port), "--no-upgrade",
                                 "--workers", str(workers)],
                                stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}/api/v1"
        try:
            for _ in range(600):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            needs = fill(base, tokens)
            auth = {"Authorization": f"Bearer {tokens['coord']}"}
            asyncio.run(drive(base, 10, 5, lambda k, i: ("GET", "/board",
                                                         {"headers": auth})))  # warm-up
            read = asyncio.run(drive(base, clients, requests,
                                     lambda k, i: ("GET", "/board", {"headers": auth})))

            def pledge(k: int, i: int) -> tuple[str, str, dict]:
                donor = DONORS[k % len(DONORS)]
                return ("POST", "/pledges", {
                    "headers": {"Authorization": f"Bearer {tokens[donor]}"},
                    "json": {"need_id": needs[(k * requests + i) % len(needs)],
                             "quantity": 1}})

            write = asyncio.run(drive(base, clients, requests, pledge))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    label = f"{backend} ×{workers}"
    return [summary(f"{label} read", *read), summary(f"{label} write", *write)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=20, help="per client and phase")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"{args.clients} concurrent clients × {args.requests} requests each; "
          f"{args.workers} server processes; "
          f"{os.cpu_count()} CPUs; GET /board ({len(RECIPIENTS) * len(RESOURCES)} rows), "
          "POST /pledges")
    for backend in backends:
        for line in bench(backend, args.clients, args.requests, args.workers):
            print(line, flush=True)


if __name__ == "__main__":
    from versions import print_versions

    print_versions()
    main()
