"""Distributing one asset income to 5,000 households, against a bare COPY of the same payout rows.

The distribution is the service's use case, called in process on the app's pool as the API calls it
(``app.assets.service.distribute_income``): the agreement's households read with their standing, the rule
applied, the households' asset links found or made, one payout each appended through the ledger's staging
and insert, the distribution and its 5,000 explained parts written, audited, committed. The baseline, in the
same run, is asyncpg's ``copy_records_to_table`` of the same payout rows (same columns and values, fresh
references) straight into ``payout``, in a transaction of its own.

Two cases, each the median of ``--repeats`` runs:
- a first income of an agreement: its 5,000 asset links are made by the distribution (a new asset and
  agreement, on a base of its own, each run);
- a later income of the same agreement: the links are there and are reused.

Prints each time and the ratio COPY time / distribution time (aim: at least 0.5); for a first income also the
ratio against bare COPYs of everything it writes to the ledgers (its links and its payouts).
Run: uv run python -m bench.asset_distribution [--households 5000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date
from decimal import Decimal

from bench.common import connected, fresh_database, home_county, median, run

DATABASE = "chainaid_bench_assets"
COLUMNS = (
    "enterprise",
    "link",
    "household",
    "income_type",
    "amount",
    "period_from",
    "period_to",
    "paid_on",
    "method",
    "reference",
    "body_hash",
    "created_at",
    "county_code",
)


async def seed(url: str, households: int) -> dict[str, int]:
    """A town, a village, an enterprise, ``households`` registered households of three members; set-based."""
    async with connected(url) as conn, conn.transaction():
        town = await conn.fetchval(
            "INSERT INTO town (name, code, county_id, created_at) VALUES ('园林', '429005001', $1, now()) RETURNING id",
            await home_county(conn),
        )
        village = await conn.fetchval(
            "INSERT INTO village (town, name, is_poor_village, registered_year, created_at)"
            " VALUES ($1, '赵脑村', true, 2014, now()) RETURNING id",
            town,
        )
        enterprise = await conn.fetchval(
            "INSERT INTO enterprise (name, kind, credit_code, town, created_at)"
            " VALUES ('潜江虾稻合作社', 'cooperative', '93429005MA0000001X', $1, now()) RETURNING id",
            town,
        )
        industry = await conn.fetchval("SELECT id FROM industry WHERE code = 'crayfish_rice'")
        await conn.execute(
            "INSERT INTO enterprise_industry (enterprise, industry) VALUES ($1, $2)", enterprise, industry
        )
        await conn.execute(
            "INSERT INTO household (registry_no, village, attribute, causes, status, registered_on, late_addition,"
            " created_at) SELECT '4290050' || lpad(g::text, 7, '0'), $1, 'ordinary', ARRAY['illness'], 'registered',"
            " DATE '2015-06-01', false, now() FROM generate_series(1, $2) g",
            village,
            households,
        )
        await conn.execute(
            "INSERT INTO member (household, name, id_number, relation, sex, birth_date, labour_ability, health,"
            " created_at)"
            " SELECT h.id, '成员' || r, lpad((h.id * 3 + r)::text, 18, '0'), CASE r WHEN 0 THEN 'head' ELSE 'child' END,"
            " 'male', DATE '1980-01-01', 'full', 'healthy', now() FROM household h, generate_series(0, 2) r"
        )
        return {"town": town, "village": village, "enterprise": enterprise, "industry": industry}


async def new_agreement(world: dict[str, int], n: int) -> int:
    """An asset on a base of its own, and its agreement listing every household (by members, 10 % kept)."""
    from app.assets import service
    from app.assets.model import AssetClass, AssetKind, AssetStatus, DistributionMethod, OperatingForm
    from app.assets.schemas import AgreementCreate, AssetCreate, BeneficiaryIn
    from app.core.uow import reading

    async with reading() as db:
        base = await db.fetchval(
            "INSERT INTO base (enterprise, industry, village, name, area, created_at)"
            " VALUES ($1, $2, $3, $4, 100, now()) RETURNING id",
            world["enterprise"],
            world["industry"],
            world["village"],
            f"基地{n}",
        )
        households = [r["id"] for r in await db.fetch("SELECT id FROM household ORDER BY id")]
    asset = await service.create_asset(
        PRINCIPAL,
        AssetCreate(
            name=f"冷库{n}",
            asset_class=AssetClass.operating,
            kind=AssetKind.storage,
            village_id=world["village"],
            status=AssetStatus.in_use,
            completed_on=date(2019, 6, 30),
            book_value=Decimal("500000.00"),
            base_id=base,
        ),
    )
    agreement = await service.sign_agreement(
        PRINCIPAL,
        asset.id,
        AgreementCreate(
            operator_id=world["enterprise"],
            form=OperatingForm.lease,
            starts_on=date(2020, 1, 1),
            signed_on=date(2019, 12, 1),
            method=DistributionMethod.by_members,
            public_share=Decimal("0.1"),
            households=[BeneficiaryIn(household_id=h) for h in households],
        ),
    )
    return agreement.id


async def new_income(agreement_id: int, reference: str, year: int) -> int:
    from app.assets import service
    from app.assets.schemas import IncomeIn

    income, _ = await service.record_income(
        PRINCIPAL,
        agreement_id,
        IncomeIn(received_on=date(2024, 1, 10), period_year=year, amount=Decimal("1234567.89"), reference=reference),
    )
    return income.id


async def timed_distribution(income_id: int) -> tuple[float, int]:
    from app.assets import service
    from app.assets.schemas import DistributionIn

    started = time.perf_counter()
    out, created = await service.distribute_income(PRINCIPAL, income_id, DistributionIn(paid_on=date(2024, 1, 20)))
    elapsed = time.perf_counter() - started
    assert created and out.payout_batch_id is not None
    return elapsed, out.payout_batch_id


async def timed_copy(url: str, batch_id: int, tag: str) -> float:
    """The batch's payout rows again (fresh references), COPYed into the ledger in a transaction of their own."""
    async with connected(url) as conn:
        rows = await conn.fetch(
            "SELECT enterprise, link, household, income_type, amount, period_from, period_to, paid_on, method,"
            " reference, body_hash, created_at, county_code FROM payout WHERE batch = $1 ORDER BY id",
            batch_id,
        )
        records = [(*r[:9], f"{tag}-{r['reference']}", *r[10:]) for r in rows]
        started = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table("payout", records=records, columns=COLUMNS)
        return time.perf_counter() - started


LINK_COLUMNS = (
    "enterprise",
    "base",
    "household",
    "kind",
    "start_date",
    "end_date",
    "note",
    "created_at",
    "county_code",
)


async def timed_copy_with_links(url: str, batch_id: int, tag: str) -> float:
    """What a first distribution writes to the ledgers, as bare COPYs: the links it made (again) and its payout
    rows (fresh references), in a transaction rolled back after the timing."""
    async with connected(url) as conn:
        rows = await conn.fetch(
            "SELECT enterprise, link, household, income_type, amount, period_from, period_to, paid_on, method,"
            " reference, body_hash, created_at, county_code FROM payout WHERE batch = $1 ORDER BY id",
            batch_id,
        )
        links = await conn.fetch(
            "SELECT enterprise, base, household, kind, start_date, end_date, note, created_at, county_code FROM link"
            " WHERE id = ANY ($1::int[]) ORDER BY id",
            [r["link"] for r in rows],
        )
        records = [(*r[:9], f"{tag}-{r['reference']}", *r[10:]) for r in rows]
        transaction = conn.transaction()
        await transaction.start()
        # the same links on a base of their own (links of a kind never overlap on one base and household)
        base = await conn.fetchval(
            "INSERT INTO base (enterprise, industry, village, name, area, created_at)"
            " SELECT enterprise, industry, village, name || $2, area, now() FROM base WHERE id = $1 RETURNING id",
            links[0]["base"],
            tag,
        )
        copies = [(x[0], base, *x[2:]) for x in links]
        started = time.perf_counter()
        await conn.copy_records_to_table("link", records=copies, columns=LINK_COLUMNS)
        await conn.copy_records_to_table("payout", records=records, columns=COLUMNS)
        elapsed = time.perf_counter() - started
        await transaction.rollback()
        return elapsed


PRINCIPAL = None  # set in main, once the app's modules are imported on the bench database


async def main() -> None:
    global PRINCIPAL
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    url = await fresh_database(DATABASE)
    world = await seed(url, args.households)
    os.environ["DATABASE_URL"] = url
    from app.core import database
    from app.core.principal import Principal, Role
    from app.core.settings import get_settings
    from app.domains import wire_events

    database.database_url.cache_clear()
    get_settings.cache_clear()
    wire_events()
    await database.open_pool()
    PRINCIPAL = Principal(account_id=None, name="bench", role=Role.finance)
    try:
        # a warm-up: the pool, the prepared statements and the imports ready
        warm = await new_agreement(world, 0)
        await timed_distribution(await new_income(warm, "warm", 2020))

        first, later, copy_first, copy_later, copy_both = [], [], [], [], []
        for k in range(1, args.repeats + 1):
            agreement = await new_agreement(world, k)
            elapsed, batch = await timed_distribution(await new_income(agreement, f"first-{k}", 2020))
            first.append(elapsed)
            copy_first.append(await timed_copy(url, batch, f"c{k}"))
            copy_both.append(await timed_copy_with_links(url, batch, f"b{k}"))
            elapsed, batch = await timed_distribution(await new_income(agreement, f"later-{k}", 2021))
            later.append(elapsed)
            copy_later.append(await timed_copy(url, batch, f"d{k}"))
            print(
                f"run {k}: first {first[-1] * 1000:6.0f} ms (COPY {copy_first[-1] * 1000:5.0f} ms),"
                f" later {later[-1] * 1000:6.0f} ms (COPY {copy_later[-1] * 1000:5.0f} ms)"
            )
    finally:
        await database.close_pool()

    n = args.households
    print(f"households per distribution: {n:,}  (median of {args.repeats} runs)")
    for name, times, copies in (
        ("first income (links made)", first, copy_first),
        ("later income (links reused)", later, copy_later),
    ):
        d, c = median(times), median(copies)
        print(
            f"{name:28s} distribution {d * 1000:7.0f} ms ({n / d:9,.0f} households/s);"
            f" bare COPY {c * 1000:6.0f} ms; ratio COPY / distribution {c / d:.2f}  (aim: at least 0.50)"
        )
    d, c = median(first), median(copy_both)
    print(
        f"{'first income, against COPYs of its links and payouts':28s}: bare COPYs {c * 1000:6.0f} ms;"
        f" ratio COPYs / distribution {c / d:.2f}"
    )


if __name__ == "__main__":
    run(main)
