"""The registry's rules and their SQL twins give the same answer on every status and boundary.

``app/registry/rules.py`` says who is on the register, who is poor now and which members count on a
day; the database functions of the same names answer the same questions inside set-based queries.
``app/subsidies/rules.py`` prices a claim (tiers, thresholds, the rate's cap, rounding half-up to the fen,
the household's cap, min(declared, verified)); the scheme preview's totals price every claim in SQL
(``queries.preview_totals``) and must come to the same amount on every claim.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from app.core.pagination import PageParams
from app.core.principal import system_principal
from app.core.uow import reading, unit_of_work
from app.registry.model import HouseholdStatus
from app.registry.rules import member_counted_on, on_register, poor_now
from app.subsidies import queries as subsidy_queries
from app.subsidies.rules import Rate, Tier, calculate, cap_for_household, payable_quantity
from app.subsidies.schemes import preview


@pytest.mark.parametrize("status", list(HouseholdStatus), ids=lambda s: s.value)
async def test_on_register_and_poor_now_agree_with_sql(app, status: HouseholdStatus) -> None:
    async with reading() as db:
        row = await db.fetchrow(
            "SELECT household_on_register($1) AS on_register, household_poor_now($1) AS poor", status.value
        )
    assert row is not None
    assert (row["on_register"], row["poor"]) == (on_register(status), poor_now(status))


@pytest.mark.parametrize(
    ("left_on", "day"),
    [
        (None, date(2017, 1, 1)),
        (date(2016, 12, 31), date(2017, 1, 1)),
        (date(2017, 1, 1), date(2017, 1, 1)),
        (date(2017, 1, 2), date(2017, 1, 1)),
        (date(2017, 6, 30), date(2017, 12, 31)),
    ],
    ids=str,
)
async def test_member_counted_on_agrees_with_sql(app, left_on: date | None, day: date) -> None:
    async with reading() as db:
        counted = await db.fetchval("SELECT member_counted_on($1, $2)", left_on, day)
    assert counted is member_counted_on(left_on, day)


def test_the_day_a_member_leaves_still_counts_and_the_next_year_does_not() -> None:
    assert member_counted_on(date(2017, 3, 1), date(2017, 3, 1))
    assert not member_counted_on(date(2017, 3, 1), date(2017, 3, 2))


# Rates chosen for their edges: a capped two-tier rate, a bounded last tier (the excess earns nothing),
# fractional rates whose products end in a half fen (rounded up, never to even), a threshold of zero.
TWIN_RATES = {
    "crayfish_rice": Rate(
        "crayfish_rice",
        "mu",
        Decimal("1"),
        Decimal("3000.00"),
        (Tier(Decimal("10"), Decimal("300.00")), Tier(None, Decimal("150.00"))),
    ),
    "soybean": Rate(
        "soybean",
        "mu",
        Decimal("0"),
        None,
        (
            Tier(Decimal("5"), Decimal("12.345")),
            Tier(Decimal("20"), Decimal("0.025")),
            Tier(Decimal("40"), Decimal("7.5")),
        ),
    ),
    "pinellia": Rate("pinellia", "mu", Decimal("0.5"), None, (Tier(None, Decimal("500.00")),)),
    "vegetables": Rate(
        "vegetables",
        "mu",
        Decimal("2.5"),
        Decimal("1234.56"),
        (Tier(Decimal("3"), Decimal("0.005")), Tier(None, Decimal("333.333"))),
    ),
}
# quantities on and around every threshold and tier boundary above, and a few ordinary ones
EDGE_QUANTITIES = [
    "0.01", "0.02", "0.49", "0.5", "0.51", "0.99", "1", "1.01", "2.49", "2.5", "2.51", "2.99", "3", "3.01",
    "4.99", "5", "5.01", "9.99", "10", "10.01", "19.99", "20", "20.01", "39.99", "40", "40.01", "100", "333.33",
]  # fmt: skip


def _quantity(rng: random.Random) -> Decimal:
    if rng.random() < 0.6:
        return Decimal(rng.choice(EDGE_QUANTITIES))
    return Decimal(rng.randint(1, 6000)) / 100


async def _generated_scheme(household_cap: Decimal | None, seed: int) -> tuple[int, dict[int, Decimal]]:
    """A scheme with the rates above and a varied generated set of claims (filed, verified above, below
    and at zero, approved with a voucher, approved again after a cancelled one, rejected) from households
    registered, returned and exited; returns the scheme and each claim's amount by the pure rule."""
    rng = random.Random(seed)
    async with unit_of_work() as uow:
        scheme_id = await subsidy_queries.insert_scheme(
            uow,
            subsidy_queries.NewScheme(
                county_id=await uow.fetchval("SELECT id FROM region WHERE code = '429005'"),
                year=2017, name="twins", budget=Decimal("100000.00"), household_cap=household_cap,
                exited_eligible_until=2020,
            ),
        )  # fmt: skip
        ids = await subsidy_queries.industry_ids(uow, list(TWIN_RATES))
        await subsidy_queries.replace_rates(
            uow,
            scheme_id,
            [
                subsidy_queries.NewRate(industry_id=ids[r.industry], unit=r.unit, min_quantity=r.min_quantity, cap=r.cap, tiers=r.tiers)
                for r in TWIN_RATES.values()
            ],
        )  # fmt: skip
        towns = [
            await uow.fetchval(
                "INSERT INTO town (name, code, county_id, created_at)"
                " SELECT $1, $2, id, now() FROM region WHERE code = '429005' RETURNING id",
                name,
                code,
            )
            for name, code in (("熊口", "429005001"), ("园林", "429005002"))
        ]
        villages = [
            await uow.fetchval(
                "INSERT INTO village (town, name, is_poor_village, registered_year, created_at)"
                " VALUES ($1, $2, true, 2014, now()) RETURNING id",
                town,
                f"村{town}",
            )
            for town in towns
        ]
        statuses = ["registered", "returned", "exited"]
        households = [
            await uow.fetchval(
                "INSERT INTO household (registry_no, village, attribute, causes, status, exited_year, created_at)"
                " VALUES ($1, $2, 'ordinary', ARRAY['illness'], $3, $4, now()) RETURNING id",
                f"T{seed}-{n}",
                villages[n % 2],
                statuses[n % 3],
                2016 if statuses[n % 3] == "exited" else None,
            )
            for n in range(90)
        ]
        approved: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
        claims: list[tuple[int, int, str, Decimal, Decimal | None, Decimal | None, bool]] = []
        for n, household in enumerate(households):
            for industry in TWIN_RATES:
                forced = n < len(EDGE_QUANTITIES)  # every edge quantity, undecided, in every industry
                if not forced and rng.random() < 0.15:
                    continue
                declared = Decimal(EDGE_QUANTITIES[n]) if forced else _quantity(rng)
                pick = rng.random()
                verified = None if pick < 0.3 or forced else Decimal(0) if pick < 0.4 else _quantity(rng)
                kind = rng.choice(["pending", "pending", "pending", "approved", "approved", "reissued", "rejected"])
                if verified is None and kind != "pending":
                    kind = "pending"
                status = {"pending": "filed" if verified is None else "verified", "rejected": "rejected"}.get(
                    kind, "approved"
                )
                claim = await uow.fetchval(
                    "INSERT INTO subsidy_claim (scheme, household, industry, declared_quantity, verified_quantity,"
                    " verified_on, status, filed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING id",
                    scheme_id, household, ids[industry], declared, verified,
                    None if verified is None else date(2017, 5, 1), status,
                )  # fmt: skip
                voucher = None
                if kind in ("approved", "reissued"):
                    voucher = Decimal(rng.randint(1, 400000)) / 100
                    if kind == "reissued":  # a cancelled voucher counts for nothing
                        await _voucher(uow, scheme_id, claim, household, Decimal("99999.99"), "cancelled")
                    await _voucher(uow, scheme_id, claim, household, voucher, "issued")
                    approved[household] += voucher
                if kind != "rejected":
                    claims.append((claim, household, industry, declared, verified, voucher, False))
    expected: dict[int, Decimal] = {}
    for claim, household, industry, declared, verified, voucher, _ in claims:
        if voucher is not None:
            expected[claim] = voucher
            continue
        quantity = payable_quantity(declared, verified)
        calc = calculate(TWIN_RATES[industry], quantity, verified=verified is not None)
        expected[claim] = cap_for_household(calc, household_cap, approved[household]).amount
    return scheme_id, expected


async def _voucher(uow, scheme_id: int, claim: int, household: int, amount: Decimal, status: str) -> None:
    await uow.execute(
        "INSERT INTO voucher (number, scheme, claim, household, quantity, amount, explanation, status, cancelled_at)"
        " VALUES ('V' || $2::int || '-' || $6::text, $1, $2, $3, 1, $4, $5::jsonb, $6, CASE WHEN $6 = 'cancelled' THEN now() END)",
        scheme_id, claim, household, amount, json.dumps(["stored at approval"]), status,
    )  # fmt: skip


@pytest.mark.parametrize("household_cap", [Decimal("5000.00"), Decimal("1500.00"), None], ids=str)
async def test_preview_sql_prices_every_claim_as_the_pure_rule(app, household_cap: Decimal | None) -> None:
    scheme_id, expected = await _generated_scheme(household_cap, seed=int(household_cap or 0))
    async with reading() as db:
        priced = await subsidy_queries.priced_claims(db, scheme_id, household_cap)
    assert len(expected) > 200
    assert priced == expected
    # the edges were reached: below the threshold (0.00), a half fen rounded up (5 mu × 12.345 = 61.725 → 61.73,
    # where rounding to even would give 61.72), the rate's cap or the household's, whichever is lower
    amounts = set(expected.values())
    assert {Decimal("0.00"), Decimal("61.73"), min(household_cap or Decimal("3000.00"), Decimal("3000.00"))} <= amounts


async def test_preview_totals_are_the_pure_rule_summed_and_the_page_explains_the_same_amounts(app) -> None:
    household_cap = Decimal("2500.00")
    scheme_id, expected = await _generated_scheme(household_cap, seed=7)
    async with reading() as db:
        rows = await db.fetch(
            "SELECT c.id, i.code, t.name FROM subsidy_claim c JOIN industry i ON i.id = c.industry"
            " JOIN household h ON h.id = c.household JOIN village v ON v.id = h.village JOIN town t ON t.id = v.town"
            " WHERE c.scheme = $1",
            scheme_id,
        )
    industry_of = {r["id"]: r["code"] for r in rows}
    town_of = {r["id"]: r["name"] for r in rows}
    p = await preview(system_principal(), scheme_id, PageParams(limit=100, offset=0))
    assert p.total == sum(expected.values()) and p.claims_total == len(expected)
    for key, of in ((p.by_industry, industry_of), (p.by_town, town_of)):
        sums: dict[str, list[Decimal]] = defaultdict(list)
        for claim, amount in expected.items():
            sums[of[claim]].append(amount)
        assert {(t.key, t.claims, t.amount) for t in key} == {(k, len(v), sum(v)) for k, v in sums.items()}
    seen: dict[int, Decimal] = {}
    offset = 0
    while offset < len(expected):
        page = await preview(system_principal(), scheme_id, PageParams(limit=100, offset=offset))
        assert len(page.claims) == min(100, len(expected) - offset)
        for line in page.claims:
            assert line.explanation and line.amount == expected[line.claim_id]
            seen[line.claim_id] = line.amount
        offset += 100
    assert seen == expected
