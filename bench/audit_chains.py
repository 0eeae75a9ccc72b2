"""The per-county audit chains at work, without HTTP: audited transactions per second when 16 writers are
spread over 8 counties' chains against 16 writers in one county's chain, in the same run.

Each transaction appends one audit entry the way every use case does (``append_audit_entries``: the chain's
lock, the append, the commit) and nothing else, so the figure is the chains' own ceiling: in one chain the
writers queue on its lock (held from the append to the commit, fsync included), over 8 they do not.
The HTTP figure (single payouts ``POST``ed by 16 clients) is ``bench/province.py``'s.

Run: uv run python -m bench.audit_chains [--seconds 5] [--clients 16] [--counties 8]
(a database of its own, ``chainaid_bench_chains``, made anew and dropped). ``chain_append_rate(url, chains)`` is for a
benchmark that has a database already.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Sequence

import asyncpg

from bench.common import ROOT, run, server_url, with_database

DATABASE = "chainaid_bench_chains"


async def chain_append_rate(url: str, chains: Sequence[str], *, clients: int = 16, seconds: float = 5.0) -> float:
    """Audited transactions per second committed by ``clients`` connections to ``url`` for ``seconds``,
    client i appending to ``chains[i % len(chains)]`` (county codes, or '' for the province's chain). The
    entries are real ones (entity ``bench``), so the chains still verify afterwards."""
    from app.core.principal import system_principal
    from app.core.uow import append_audit_entries, pending_entry

    actor = system_principal("bench")
    conns = [await asyncpg.connect(url) for _ in range(clients)]
    done = [0] * clients
    stop = time.perf_counter() + seconds

    async def writer(i: int) -> None:
        conn, chain = conns[i], chains[i % len(chains)]
        while time.perf_counter() < stop:
            async with conn.transaction():
                entry = pending_entry(actor, "bench", "bench", done[i], after={"n": done[i]}, chain=chain)
                await append_audit_entries(conn, [entry])
            done[i] += 1

    started = time.perf_counter()
    try:
        await asyncio.gather(*(writer(i) for i in range(clients)))
    finally:
        elapsed = time.perf_counter() - started
        for conn in conns:
            await conn.close()
    return sum(done) / elapsed


def counties(n: int) -> list[str]:
    """``n`` county codes of Hubei (the chain names only matter for their locks)."""
    return [f"4290{i:02d}" for i in range(1, n + 1)]


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(with_database(server_url(), "postgres"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--counties", type=int, default=8)
    args = parser.parse_args()
    await _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await _admin(f'CREATE DATABASE "{DATABASE}"')
    url = with_database(server_url(), DATABASE)
    try:
        env = {**os.environ, "DATABASE_URL": url}
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "app.cli", "migrate"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        spread = await chain_append_rate(url, counties(args.counties), clients=args.clients, seconds=args.seconds)
        one = await chain_append_rate(url, counties(1), clients=args.clients, seconds=args.seconds)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    print(f"audited transactions, {args.clients} writers over {args.counties} counties: {spread:,.0f}/s")
    print(f"audited transactions, {args.clients} writers in one county: {one:,.0f}/s")
    print(f"ratio: {spread / one:.2f} (aim for single payouts over HTTP: at least 1.5)")


if __name__ == "__main__":
    run(main)
