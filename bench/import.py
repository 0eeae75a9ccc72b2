"""Importing a county's households (issue 13): the whole import against a bare COPY of the same rows.

The files are the demo's first-round households (22,108 with 64,052 members, Qianjiang's 2014 register)
written out through the households template: one ``.xlsx`` workbook, and the same two sheets as CSV. Each
measurement runs in a process of its own (so that its peak memory is its own), in turn, ``--repeats`` times:

- ``copy``: a bare ``COPY`` of the two CSV files into two tables of text columns (no parsing into types, no
  ids, no checks): the least any import of these bytes costs the database;
- ``tables``: the same rows, read and given their ids beforehand (not timed), copied into ``household`` and
  ``member`` with the tables' keys, indexes and triggers: what storing the rows costs, the import's floor;
- ``csv``: ``run_import`` of the CSV files, the whole import as ``chainaid import`` and the API run it (read,
  check every row against the others and the database, write households, members and their history events,
  the audit entry), into a database holding the county's places and nothing else;
- ``xlsx``: the same from the workbook.

Printed: medians, rows per second, the ratio of each import to the bare COPY, and each process's peak
resident memory (and what it held before the work began). Aims: the CSV import under 4× the bare COPY, the
workbook's under 10×, peak memory under 300 MB.

Run: uv run python -m bench.import [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench.common import ROOT, fresh_database, home_county, median

COUNTY = "429005"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


async def _each(rows: Sequence[Mapping[str, Any]]) -> AsyncIterator[Mapping[str, Any]]:
    for row in rows:
        yield row


async def prepare(folder: Path) -> tuple[int, int]:
    """The demo loaded, its places and first-round households written out as the templates filled in."""
    from app.core.database import close_pool, open_pool
    from app.demo import load_demo
    from app.imports.county_files import write_county
    from app.registry.bulk import county_template_rows
    from app.sheets.filled import filled_csv, filled_sheet
    from app.sheets.templates import KINDS
    from app.sheets.workbook import write_ledger

    await open_pool()
    try:
        await load_demo()
        await write_county("regions", COUNTY, str(folder / "regions.xlsx"))
        households = [r async for r in county_template_rows("households", COUNTY) if not r["late_addition"]]
        numbers = {h["registry_no"] for h in households}
        members = [r async for r in county_template_rows("members", COUNTY) if r["registry_no"] in numbers]
    finally:
        await close_pool()
    sheets = dict(zip(("households", "members"), KINDS["households"], strict=True))
    book = io.BytesIO()
    await write_ledger(
        book,
        [filled_sheet(sheets["households"], _each(households)), filled_sheet(sheets["members"], _each(members))],
    )
    (folder / "households.xlsx").write_bytes(book.getvalue())
    (folder / "households.csv").write_bytes(filled_csv(sheets["households"], households))
    (folder / "members.csv").write_bytes(filled_csv(sheets["members"], members))
    return len(households), len(members)


def _csv_rows(path: Path, sheet: Any) -> list[dict[str, Any]]:
    """A CSV's rows by code name, each cell read as its column's type (as the importer reads it)."""
    from app.imports.cells import is_blank, read_cell

    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        found, _, _ = sheet.locate(next(reader))
        columns = [(sheet.column(name), position) for name, position in found.items()]
        return [
            {c.name: None if is_blank(cells[i]) else read_cell(cells[i], c) for c, i in columns} for cells in reader
        ]


async def _copy_into_tables(conn: asyncpg.Connection, folder: Path) -> float:
    """The files' rows, read and given their ids and village ids beforehand (not timed), copied into
    ``household`` and ``member`` with their indexes, keys and triggers: the seconds of the COPY alone."""
    from app.core.identifiers import resident_id_info
    from app.sheets.templates import KINDS

    sheets = KINDS["households"]
    households = _csv_rows(folder / "households.csv", sheets[0])
    members = _csv_rows(folder / "members.csv", sheets[1])
    villages = dict(await conn.fetch("SELECT code, id FROM village"))
    seq = "SELECT array_agg(nextval(pg_get_serial_sequence('{t}', 'id'))) FROM generate_series(1, $1)"
    household_ids = await conn.fetchval(seq.format(t="household"), len(households))
    member_ids = await conn.fetchval(seq.format(t="member"), len(members))
    now = datetime.now(UTC)
    by_number = {}
    household_rows = []
    for hid, h in zip(household_ids, households, strict=True):
        by_number[h["registry_no"]] = hid
        exited = h["exited_on"].year if h["exited_on"] else None
        household_rows.append(
            (
                hid,
                h["registry_no"],
                villages[h["village_code"]],
                h["attribute"],
                h["causes"],
                h["status"],
                h["registered_on"],
                bool(h["late_addition"]),
                exited,
                h["removed_reason"],
                now,
                COUNTY,
            )
        )
    member_rows = []
    for mid, m in zip(member_ids, members, strict=True):
        info = resident_id_info(m["id_number"])
        member_rows.append(
            (
                mid,
                by_number[m["registry_no"]],
                m["name"],
                m["id_number"],
                m["relation"],
                info.sex,
                info.birth_date,
                m["labour_ability"],
                m["health"] or "healthy",
                bool(m["in_school"]),
                True,
                now,
                COUNTY,
            )
        )
    started = time.perf_counter()
    async with conn.transaction():
        await conn.copy_records_to_table(
            "household",
            columns=[
                "id",
                "registry_no",
                "village",
                "attribute",
                "causes",
                "status",
                "registered_on",
                "late_addition",
                "exited_year",
                "removed_reason",
                "created_at",
                "county_code",
            ],
            records=household_rows,
        )
        await conn.copy_records_to_table(
            "member",
            columns=[
                "id",
                "household",
                "name",
                "id_number",
                "relation",
                "sex",
                "birth_date",
                "labour_ability",
                "health",
                "in_school",
                "in_active_household",
                "created_at",
                "county_code",
            ],
            records=member_rows,
        )
    return time.perf_counter() - started


async def child(mode: str, folder: Path, url: str) -> dict[str, Any]:
    """One measurement, in this process: its seconds and its peak memory."""
    from app.core.database import close_pool, open_pool
    from app.core.principal import system_principal
    from app.imports.files import Upload
    from app.imports.service import run_import

    await open_pool()
    try:
        idle = _rss_mb()
        started = time.perf_counter()
        if mode == "tables":
            conn = await asyncpg.connect(url)
            try:
                seconds = await _copy_into_tables(conn, folder)
            finally:
                await conn.close()
            return {"seconds": seconds, "peak_mb": _rss_mb(), "idle_mb": idle, "outcome": "copied"}
        if mode == "copy":
            conn = await asyncpg.connect(url)
            try:
                async with conn.transaction():
                    for name, columns in (("households", 16), ("members", 7)):
                        table = f"bare_{name}"
                        cols = ", ".join(f"c{i} text" for i in range(columns))
                        await conn.execute(f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({cols})")
                        await conn.copy_to_table(
                            table, source=str(folder / f"{name}.csv"), format="csv", header=True, encoding="utf-8"
                        )
            finally:
                await conn.close()
            outcome = "copied"
        else:
            files = ["households.xlsx"] if mode == "xlsx" else ["households.csv", "members.csv"]
            uploads = [Upload(f, (folder / f).read_bytes()) for f in files]
            report = await run_import(system_principal("bench"), "households", uploads, dry_run=False)
            outcome = report.outcome
            if report.problems:
                raise SystemExit(f"the import was refused: {report.problems[:3]}")
        seconds = time.perf_counter() - started
    finally:
        await close_pool()
    return {"seconds": seconds, "peak_mb": _rss_mb(), "idle_mb": idle, "outcome": outcome}


def _measure(mode: str, folder: Path, url: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "bench.import", "--child", mode, "--folder", str(folder)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


async def _empty_register(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        # replica mode passes the append-only triggers of the (empty) ledgers the cascade reaches
        await conn.execute(
            "SET session_replication_role = replica; TRUNCATE household_event, member, household CASCADE;"
            " RESET session_replication_role; DROP TABLE IF EXISTS bare_households, bare_members"
        )
        await conn.execute("VACUUM ANALYZE household, member, household_event")
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", choices=("prepare", "copy", "tables", "csv", "xlsx"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help="write the files here and keep them (default: a temporary folder)")
    args = parser.parse_args()
    if args.child == "prepare":
        print(json.dumps(await prepare(Path(args.folder))))
        return
    if args.child:
        print(json.dumps(await child(args.child, Path(args.folder), os.environ["DATABASE_URL"])))
        return

    with tempfile.TemporaryDirectory(prefix="chainaid-import-") as tmp:
        folder = Path(args.folder or tmp)
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        url = await fresh_database()
        started = time.perf_counter()
        households, members = _measure("prepare", folder, url)
        print(f"files: {households:,} households, {members:,} members ({time.perf_counter() - started:.0f} s to make)")
        for name in ("households.xlsx", "households.csv", "members.csv"):
            print(f"  {name}: {(folder / name).stat().st_size / 1e6:.1f} MB")

        # a database with the county's places and no household: what a county importing its register has
        url = await fresh_database()
        conn = await asyncpg.connect(url)
        try:
            await home_county(conn)
        finally:
            await conn.close()
        env = {**os.environ, "DATABASE_URL": url}
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "app.cli", "import", "regions", str(folder / "regions.xlsx")],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )

        rows = households + members
        results: dict[str, list[dict[str, Any]]] = {"copy": [], "tables": [], "csv": [], "xlsx": []}
        for _ in range(args.repeats):
            for mode in results:
                await _empty_register(url)
                results[mode].append(_measure(mode, folder, url))
        copy = median([r["seconds"] for r in results["copy"]])
        tables = median([r["seconds"] for r in results["tables"]])
        print(f"\n{rows:,} rows; medians of {args.repeats} (each in a process of its own)")
        print(f"{'':<34}{'seconds':>8}{'rows/s':>10}{'× COPY':>8}{'× COPY to tables':>18}{'peak MB':>9}{'(idle)':>8}")
        for mode, label in (
            ("copy", "bare COPY of the CSV (text)"),
            ("tables", "COPY of the rows into the tables"),
            ("csv", "import from CSV"),
            ("xlsx", "import from .xlsx"),
        ):
            seconds = median([r["seconds"] for r in results[mode]])
            peak = max(r["peak_mb"] for r in results[mode])
            idle = median([r["idle_mb"] for r in results[mode]])
            print(
                f"{label:<34}{seconds:>8.2f}{rows / seconds:>10,.0f}{seconds / copy:>8.1f}{seconds / tables:>18.1f}"
                f"{peak:>9.0f}{idle:>8.0f}"
            )
        print("\naims: CSV under 4× the bare COPY, .xlsx under 10×, peak memory under 300 MB")


if __name__ == "__main__":
    asyncio.run(main())
