"""The assets app's SQL (``asset`` and the tables under it), returning typed values.

Writes touch only these tables; reads join the villages, households, enterprises, industries and the payout
ledger their answers are made of. Filters are parameters (``$n IS NULL OR ...``), never text spliced into a
statement; every function takes the connection or unit of work it runs on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from app.assets.schemas import (
    AgreementOut,
    AgreementSummary,
    AssetFields,
    AssetOut,
    BeneficiaryOut,
    FundingIn,
    FundingOut,
    IncomeOut,
    OwnershipOut,
)
from app.core.counties import county_clause
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db

# ---- assets ---------------------------------------------------------------------------------------------

_ASSET = """
SELECT a.id, a.name, a.asset_class, a.kind, a.status, i.code AS industry, a.village AS village_id,
       v.name AS village_name, v.town AS town_id, a.county_code, a.base AS base_id, a.completed_on, a.book_value,
       a.depreciation, a.useful_life_years, a.disposed_on, a.note, a.created_at, a.updated_at,
       coalesce((SELECT sum(f.amount) FROM asset_funding f WHERE f.asset = a.id), 0) AS funding_total,
       (SELECT o.owner_kind FROM asset_ownership o WHERE o.asset = a.id
         ORDER BY o.confirmed_on DESC, o.id DESC LIMIT 1) AS owner_kind,
       (SELECT g.operator FROM asset_agreement g WHERE g.asset = a.id AND g.starts_on <= current_date
         AND (g.ends_on IS NULL OR g.ends_on >= current_date) ORDER BY g.starts_on DESC LIMIT 1) AS operator_id
FROM asset a
JOIN village v ON v.id = a.village
LEFT JOIN industry i ON i.id = a.industry
"""


class NewAsset(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    asset_class: str
    kind: str
    industry_id: int | None
    village_id: int
    base_id: int | None
    completed_on: date | None
    book_value: Decimal
    depreciation: str
    useful_life_years: int | None
    status: str
    note: str | None
    created_by: int | None
    county_code: str


class PlacedAsset(msgspec.Struct, frozen=True, kw_only=True):
    """An asset's own fields with where it is and who runs it (what scope checks and updates need)."""

    id: int
    fields: AssetFields
    village_id: int
    town_id: int
    county_code: str
    operator_ids: list[int]
    """Every operator of its agreements, past, present or to come."""


def _asset(row: Any) -> AssetOut:
    return msgspec.convert({k: row[k] for k in AssetOut.__struct_fields__}, AssetOut)


async def asset_name_taken(db: Db, village_id: int, name: str, except_id: int | None = None) -> int | None:
    """The asset of the village already named ``name`` (another than ``except_id``), if one is."""
    found: int | None = await db.fetchval(
        "SELECT id FROM asset WHERE village = $1 AND name = $2 AND ($3::int IS NULL OR id <> $3)",
        village_id,
        name,
        except_id,
    )
    return found


async def insert_asset(db: Db, new: NewAsset) -> int:
    return int(
        await db.fetchval(
            "INSERT INTO asset (name, asset_class, kind, industry, village, base, completed_on, book_value,"
            " depreciation, useful_life_years, status, note, created_by, created_at, updated_at, county_code)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now(), now(), $14) RETURNING id",
            new.name,
            new.asset_class,
            new.kind,
            new.industry_id,
            new.village_id,
            new.base_id,
            new.completed_on,
            new.book_value,
            new.depreciation,
            new.useful_life_years,
            new.status,
            new.note,
            new.created_by,
            new.county_code,
        )
    )


async def replace_funding(db: Db, asset_id: int, county: str, funding: Sequence[FundingIn]) -> None:
    """The asset's sources of funds, as given (the stored ones dropped first)."""
    await db.execute("DELETE FROM asset_funding WHERE asset = $1", asset_id)
    if funding:
        await db.execute(
            "INSERT INTO asset_funding (asset, source, year, amount, county_code)"
            " SELECT $1, u.source, u.year, u.amount, $5 FROM unnest($2::text[], $3::int[], $4::numeric[])"
            " WITH ORDINALITY AS u(source, year, amount, n) ORDER BY u.n",
            asset_id,
            [f.source.value for f in funding],
            [f.year for f in funding],
            [f.amount for f in funding],
            county,
        )


async def update_asset(db: Db, asset_id: int, f: AssetFields, industry_id: int | None) -> None:
    await db.execute(
        "UPDATE asset SET name = $2, asset_class = $3, kind = $4, status = $5, book_value = $6, depreciation = $7,"
        " useful_life_years = $8, industry = $9, base = $10, completed_on = $11, note = $12, updated_at = now()"
        " WHERE id = $1",
        asset_id,
        f.name,
        f.asset_class.value,
        f.kind.value,
        f.status.value,
        f.book_value,
        f.depreciation.value,
        f.useful_life_years,
        industry_id,
        f.base_id,
        f.completed_on,
        f.note,
    )


async def asset_by_id(db: Db, asset_id: int) -> AssetOut | None:
    row = await db.fetchrow(_ASSET + " WHERE a.id = $1", asset_id)
    return None if row is None else _asset(row)


async def placed_asset(db: Db, asset_id: int, *, lock: bool = False) -> PlacedAsset | None:
    """``lock`` holds the asset (FOR UPDATE) to the end of the transaction: updates, confirmations and new
    agreements of one asset go one after the other."""
    sql = (
        "SELECT a.id, a.name, a.asset_class, a.kind, a.status, a.book_value, a.depreciation, a.useful_life_years,"
        " i.code AS industry, a.base AS base_id, a.completed_on, a.note, a.village AS village_id, v.town AS town_id,"
        " a.county_code, ARRAY(SELECT DISTINCT g.operator FROM asset_agreement g WHERE g.asset = a.id) AS operators"
        " FROM asset a JOIN village v ON v.id = a.village LEFT JOIN industry i ON i.id = a.industry WHERE a.id = $1"
    )
    row = await db.fetchrow(sql + (" FOR UPDATE OF a" if lock else ""), asset_id)
    if row is None:
        return None
    fields = msgspec.convert({k: row[k] for k in AssetFields.__struct_fields__}, AssetFields)
    return PlacedAsset(
        id=row["id"],
        fields=fields,
        village_id=row["village_id"],
        town_id=row["town_id"],
        county_code=row["county_code"],
        operator_ids=sorted(row["operators"]),
    )


async def funding_of(db: Db, asset_id: int) -> list[FundingOut]:
    rows = await db.fetch("SELECT source, year, amount FROM asset_funding WHERE asset = $1 ORDER BY id", asset_id)
    return [msgspec.convert(dict(r), FundingOut) for r in rows]


async def funding_total(db: Db, asset_id: int) -> Decimal:
    total: Decimal = await db.fetchval("SELECT coalesce(sum(amount), 0) FROM asset_funding WHERE asset = $1", asset_id)
    return total


async def ownership_of(db: Db, asset_id: int) -> list[OwnershipOut]:
    """The asset's confirmations, the latest (the current) first."""
    rows = await db.fetch(
        "SELECT o.id, o.owner_kind, o.confirmed_on, o.document_no, o.document_title, o.note, o.created_at,"
        " ARRAY(SELECT w.household FROM asset_owner w WHERE w.ownership = o.id ORDER BY w.id) AS household_ids"
        " FROM asset_ownership o WHERE o.asset = $1 ORDER BY o.confirmed_on DESC, o.id DESC",
        asset_id,
    )
    return [msgspec.convert(dict(r), OwnershipOut) for r in rows]


async def agreements_of(db: Db, asset_id: int) -> list[AgreementSummary]:
    rows = await db.fetch(
        "SELECT g.id, g.operator AS operator_id, e.name AS operator_name, g.form, g.starts_on, g.ends_on"
        " FROM asset_agreement g JOIN enterprise e ON e.id = g.operator WHERE g.asset = $1 ORDER BY g.starts_on, g.id",
        asset_id,
    )
    return [msgspec.convert(dict(r), AgreementSummary) for r in rows]


class AssetQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which assets a list reads; ``scope_*`` is the caller's reach (its region by ``county_clause`` on top)."""

    region: str | None = None
    town_id: int | None = None
    village_id: int | None = None
    asset_class: str | None = None
    kind: str | None = None
    industry: str | None = None
    status: str | None = None
    operator_id: int | None = None
    scope_town_id: int | None = None
    scope_operator_id: int | None = None
    scope_region: str | None = None


# an operator's filter and scope alike: an agreement of the asset names it as the operator
_FILTERS = """
WHERE ($1::text IS NULL OR CASE length($1)
        WHEN 12 THEN v.code = $1
        WHEN 9 THEN v.town IN (SELECT rt.id FROM town rt WHERE rt.code = $1)
        ELSE a.county_code LIKE $1 || '%' END)
  AND ($2::int IS NULL OR v.town = $2) AND ($3::int IS NULL OR a.village = $3)
  AND ($4::text IS NULL OR a.asset_class = $4) AND ($5::text IS NULL OR a.kind = $5)
  AND ($6::text IS NULL OR i.code = $6) AND ($7::text IS NULL OR a.status = $7)
  AND ($8::int IS NULL OR EXISTS (SELECT 1 FROM asset_agreement g WHERE g.asset = a.id AND g.operator = $8))
  AND ($9::int IS NULL OR v.town = $9)
  AND ($10::int IS NULL OR EXISTS (SELECT 1 FROM asset_agreement g WHERE g.asset = a.id AND g.operator = $10))
"""


async def page_of_assets(db: Db, q: AssetQuery, page: PageParams) -> Page[AssetOut]:
    args: list[Any] = [
        q.region,
        q.town_id,
        q.village_id,
        q.asset_class,
        q.kind,
        q.industry,
        q.status,
        q.operator_id,
        q.scope_town_id,
        q.scope_operator_id,
    ]
    return await fetch_page(
        _ASSET + _FILTERS + county_clause("a.county_code", q.scope_region, args), args, page, "id", _asset, db=db
    )


def _filter_args(q: AssetQuery) -> list[Any]:
    return [
        q.region,
        q.town_id,
        q.village_id,
        q.asset_class,
        q.kind,
        q.industry,
        q.status,
        q.operator_id,
        q.scope_town_id,
        q.scope_operator_id,
    ]


class AssetTotals(msgspec.Struct, frozen=True, kw_only=True):
    """The assets a list reads, counted and summed (the console's register shows them above its pages)."""

    assets: int
    book_value: Decimal
    funding: Decimal


async def asset_totals(db: Db, q: AssetQuery) -> AssetTotals:
    """The count, book value and funds of every asset under the list's filters and reach, in one statement."""
    args = _filter_args(q)
    row = await db.fetchrow(
        "SELECT count(*)::int AS assets, coalesce(sum(a.book_value), 0) AS book_value,"
        " coalesce(sum((SELECT sum(f.amount) FROM asset_funding f WHERE f.asset = a.id)), 0) AS funding"
        " FROM asset a JOIN village v ON v.id = a.village LEFT JOIN industry i ON i.id = a.industry"
        + _FILTERS
        + county_clause("a.county_code", q.scope_region, args),
        *args,
    )
    assert row is not None  # an aggregate answers one row
    return AssetTotals(assets=row["assets"], book_value=row["book_value"], funding=row["funding"])


class IncomeCell(msgspec.Struct, frozen=True, kw_only=True):
    """Income received from the operators of some assets in one year, for one industry (None: assets that
    serve none): its total, and the part of it distributed to households so far."""

    industry: str | None
    year: int
    received: Decimal
    distributed: Decimal
    incomes: int


async def income_by_industry_year(db: Db, q: AssetQuery) -> list[IncomeCell]:
    """The income recorded (``asset_income``) for the assets under the list's filters and reach, by the
    asset's industry and the year it was received in, with what its distributions gave the households
    (the public-welfare share kept is not in that part); one statement, by year and industry."""
    args = _filter_args(q)
    rows = await db.fetch(
        "WITH chosen AS (SELECT a.id, i.code AS industry FROM asset a JOIN village v ON v.id = a.village"
        " LEFT JOIN industry i ON i.id = a.industry"
        + _FILTERS
        + county_clause("a.county_code", q.scope_region, args)
        + ")"
        " SELECT c.industry, extract(year FROM n.received_on)::int AS year, sum(n.amount) AS received,"
        " coalesce(sum(d.distributed), 0) AS distributed, count(*)::int AS incomes"
        " FROM chosen c JOIN asset_agreement g ON g.asset = c.id JOIN asset_income n ON n.agreement = g.id"
        " LEFT JOIN asset_distribution d ON d.income = n.id"
        " GROUP BY c.industry, year ORDER BY year, c.industry NULLS LAST",
        *args,
    )
    return [msgspec.convert(dict(r), IncomeCell) for r in rows]


# ---- ownership ------------------------------------------------------------------------------------------


async def insert_ownership(
    db: Db,
    asset_id: int,
    owner_kind: str,
    confirmed_on: date,
    document_no: str,
    document_title: str | None,
    note: str | None,
    created_by: int | None,
    county: str,
    household_ids: Sequence[int],
) -> int:
    """The confirmation and the households it names, in one statement."""
    return int(
        await db.fetchval(
            "WITH o AS (INSERT INTO asset_ownership (asset, owner_kind, confirmed_on, document_no, document_title,"
            " note, created_by, created_at, county_code) VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8) RETURNING id),"
            " w AS (INSERT INTO asset_owner (ownership, household, county_code)"
            " SELECT o.id, u.h, $8 FROM o, unnest($9::int[]) WITH ORDINALITY AS u(h, n) ORDER BY u.n)"
            " SELECT id FROM o",
            asset_id,
            owner_kind,
            confirmed_on,
            document_no,
            document_title,
            note,
            created_by,
            county,
            list(household_ids),
        )
    )


# ---- agreements ---------------------------------------------------------------------------------------

_AGREEMENT = """
SELECT g.id, g.asset AS asset_id, a.name AS asset_name, a.village AS village_id, g.operator AS operator_id,
       e.name AS operator_name, g.base AS base_id, g.form, g.starts_on, g.ends_on, g.signed_on, g.document_no,
       g.yearly_rent, g.guaranteed_rate, g.profit_share, g.method, g.public_share, g.note, g.created_at,
       (SELECT count(*) FROM asset_beneficiary b WHERE b.agreement = g.id)::int AS households_listed,
       coalesce((SELECT sum(f.amount) FROM asset_funding f WHERE f.asset = g.asset), 0) AS funding_total,
       g.county_code, v.town AS town_id, a.status AS asset_status
FROM asset_agreement g
JOIN asset a ON a.id = g.asset
JOIN village v ON v.id = a.village
JOIN enterprise e ON e.id = g.operator
"""


class StoredAgreement(msgspec.Struct, frozen=True, kw_only=True):
    """An agreement as stored, with what its reads and writes are checked against."""

    agreement: dict[str, Any]
    """Its columns, for ``AgreementOut`` once ``promised_yearly`` is worked out."""
    funding_total: Decimal
    county_code: str
    town_id: int
    asset_status: str


class NewAgreement(msgspec.Struct, frozen=True, kw_only=True):
    asset_id: int
    operator_id: int
    base_id: int
    form: str
    starts_on: date
    ends_on: date | None
    signed_on: date
    document_no: str | None
    yearly_rent: Decimal | None
    guaranteed_rate: Decimal | None
    profit_share: Decimal | None
    method: str
    public_share: Decimal
    note: str | None
    created_by: int | None
    county_code: str


def _stored_agreement(row: Any) -> StoredAgreement:
    fields = {k: row[k] for k in AgreementOut.__struct_fields__ if k != "promised_yearly"}
    return StoredAgreement(
        agreement=fields,
        funding_total=row["funding_total"],
        county_code=row["county_code"],
        town_id=row["town_id"],
        asset_status=row["asset_status"],
    )


async def overlapping_agreement(db: Db, asset_id: int, starts_on: date, ends_on: date | None) -> int | None:
    found: int | None = await db.fetchval(
        "SELECT id FROM asset_agreement WHERE asset = $1"
        " AND daterange(starts_on, ends_on, '[]') && daterange($2::date, $3::date, '[]') ORDER BY id LIMIT 1",
        asset_id,
        starts_on,
        ends_on,
    )
    return found


async def insert_agreement(
    db: Db, new: NewAgreement, households: Sequence[int], weights: Sequence[Decimal | None]
) -> int:
    """The agreement and its listed households (in order), in one statement."""
    return int(
        await db.fetchval(
            "WITH g AS (INSERT INTO asset_agreement (asset, operator, base, form, starts_on, ends_on, signed_on,"
            " document_no, yearly_rent, guaranteed_rate, profit_share, method, public_share, note, created_by,"
            " created_at, county_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
            " now(), $16) RETURNING id),"
            " b AS (INSERT INTO asset_beneficiary (agreement, household, position, weight, county_code)"
            " SELECT g.id, u.h, u.n - 1, u.w, $16 FROM g, unnest($17::int[], $18::numeric[]) WITH ORDINALITY"
            " AS u(h, w, n) ORDER BY u.n)"
            " SELECT id FROM g",
            new.asset_id,
            new.operator_id,
            new.base_id,
            new.form,
            new.starts_on,
            new.ends_on,
            new.signed_on,
            new.document_no,
            new.yearly_rent,
            new.guaranteed_rate,
            new.profit_share,
            new.method,
            new.public_share,
            new.note,
            new.created_by,
            new.county_code,
            list(households),
            list(weights),
        )
    )


async def agreement_by_id(db: Db, agreement_id: int) -> StoredAgreement | None:
    row = await db.fetchrow(_AGREEMENT + " WHERE g.id = $1", agreement_id)
    return None if row is None else _stored_agreement(row)


async def agreements_of_asset(db: Db, asset_id: int) -> list[StoredAgreement]:
    rows = await db.fetch(_AGREEMENT + " WHERE g.asset = $1 ORDER BY g.starts_on, g.id", asset_id)
    return [_stored_agreement(r) for r in rows]


async def beneficiaries_of(db: Db, agreement_id: int) -> list[BeneficiaryOut]:
    rows = await db.fetch(
        "SELECT b.household AS household_id, h.registry_no, b.position, b.weight FROM asset_beneficiary b"
        " JOIN household h ON h.id = b.household WHERE b.agreement = $1 ORDER BY b.position",
        agreement_id,
    )
    return [msgspec.convert(dict(r), BeneficiaryOut) for r in rows]


class Listed(msgspec.Struct, frozen=True, kw_only=True, array_like=True):
    household_id: int
    position: int
    weight: Decimal | None


async def listed_households(db: Db, agreement_id: int) -> list[Listed]:
    """The agreement's households in their order, as a distribution reads them."""
    rows = await db.fetch(
        "SELECT household, position, weight FROM asset_beneficiary WHERE agreement = $1 ORDER BY position",
        agreement_id,
    )
    return [Listed(household_id=r[0], position=r[1], weight=r[2]) for r in rows]


# ---- income ----------------------------------------------------------------------------------------------

_INCOME = """
SELECT n.id, n.agreement AS agreement_id, g.asset AS asset_id, n.received_on, n.period_year, n.amount, n.reference,
       n.note, d.id AS distribution_id, n.created_at, n.body_hash, n.county_code
FROM asset_income n
JOIN asset_agreement g ON g.id = n.agreement
LEFT JOIN asset_distribution d ON d.income = n.id
"""


class StoredIncome(msgspec.Struct, frozen=True, kw_only=True):
    income: IncomeOut
    body_hash: str
    county_code: str


class NewIncome(msgspec.Struct, frozen=True, kw_only=True):
    agreement_id: int
    received_on: date
    period_year: int
    amount: Decimal
    reference: str
    body_hash: str
    note: str | None
    created_by: int | None
    county_code: str


def _income(row: Any) -> StoredIncome:
    return StoredIncome(
        income=msgspec.convert({k: row[k] for k in IncomeOut.__struct_fields__}, IncomeOut),
        body_hash=row["body_hash"],
        county_code=row["county_code"],
    )


async def insert_income(db: Db, new: NewIncome) -> int | None:
    """Append an income; None when its reference is taken under the agreement (a resend or a clash)."""
    found: int | None = await db.fetchval(
        "INSERT INTO asset_income (agreement, received_on, period_year, amount, reference, body_hash, note,"
        " created_by, created_at, county_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), $9)"
        " ON CONFLICT (agreement, lower(reference)) DO NOTHING RETURNING id",
        new.agreement_id,
        new.received_on,
        new.period_year,
        new.amount,
        new.reference,
        new.body_hash,
        new.note,
        new.created_by,
        new.county_code,
    )
    return found


async def income_by_reference(db: Db, agreement_id: int, reference: str) -> StoredIncome | None:
    row = await db.fetchrow(
        _INCOME + " WHERE n.agreement = $1 AND lower(n.reference) = lower($2)", agreement_id, reference
    )
    return None if row is None else _income(row)


async def income_by_id(db: Db, income_id: int, *, lock: bool = False) -> StoredIncome | None:
    """``lock`` holds the income (FOR UPDATE) to the end of the transaction: two distributions of one income
    go one after the other, and the second finds the first."""
    sql = _INCOME + " WHERE n.id = $1"
    row = await db.fetchrow(sql + (" FOR UPDATE OF n" if lock else ""), income_id)
    return None if row is None else _income(row)


async def page_of_income(db: Db, agreement_id: int, page: PageParams) -> Page[IncomeOut]:
    return await fetch_page(
        _INCOME + " WHERE n.agreement = $1",
        [agreement_id],
        page,
        "received_on DESC, id DESC",
        lambda row: _income(row).income,
        db=db,
    )


# ---- distributions ---------------------------------------------------------------------------------------

_DISTRIBUTION = """
SELECT d.id, d.income AS income_id, n.agreement AS agreement_id, g.asset AS asset_id, g.operator AS operator_id,
       d.amount, d.method, d.public_share, d.public_amount, d.distributed, d.households_paid, d.households_excluded,
       d.paid_on, d.pay_method, d.period_from, d.period_to, d.payout_batch AS payout_batch_id,
       d.first_payout AS first_payout_id, d.last_payout AS last_payout_id, d.explanation, d.created_at, d.body_hash
FROM asset_distribution d
JOIN asset_income n ON n.id = d.income
JOIN asset_agreement g ON g.id = n.agreement
"""


class StoredDistribution(msgspec.Struct, frozen=True, kw_only=True):
    fields: dict[str, Any]
    """Its columns, for ``DistributionOut`` with its shares."""
    body_hash: str


class NewDistribution(msgspec.Struct, frozen=True, kw_only=True):
    income_id: int
    method: str
    public_share: Decimal
    amount: Decimal
    public_amount: Decimal
    distributed: Decimal
    households_paid: int
    households_excluded: int
    paid_on: date
    pay_method: str
    period_from: date
    period_to: date
    payout_batch_id: int | None
    first_payout: int | None
    last_payout: int | None
    households: list[int]
    members: list[int]
    weights: list[Decimal | None]
    standings: list[str]
    reasons: list[str]
    amounts: list[Decimal]
    explanation: list[str]
    body_hash: str
    created_by: int | None
    county_code: str


async def distribution_of_income(db: Db, income_id: int) -> StoredDistribution | None:
    row = await db.fetchrow(_DISTRIBUTION + " WHERE d.income = $1", income_id)
    if row is None:
        return None
    fields = dict(row)
    fields["explanation"] = json.loads(fields["explanation"])
    return StoredDistribution(fields=fields, body_hash=fields.pop("body_hash"))


async def insert_distribution(db: Db, new: NewDistribution) -> int:
    """The distribution with every listed household's part, in one row."""
    return int(
        await db.fetchval(
            "INSERT INTO asset_distribution (income, method, public_share, amount, public_amount, distributed,"
            " households_paid, households_excluded, paid_on, pay_method, period_from, period_to, payout_batch,"
            " first_payout, last_payout, households, members, weights, standings, reasons, amounts, explanation,"
            " body_hash, created_by, created_at, county_code)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::int[], $17::int[],"
            " $18::numeric[], $19::varchar[], $20::text[], $21::numeric[], $22::jsonb, $23, $24, now(), $25)"
            " RETURNING id",
            new.income_id,
            new.method,
            new.public_share,
            new.amount,
            new.public_amount,
            new.distributed,
            new.households_paid,
            new.households_excluded,
            new.paid_on,
            new.pay_method,
            new.period_from,
            new.period_to,
            new.payout_batch_id,
            new.first_payout,
            new.last_payout,
            new.households,
            new.members,
            new.weights,
            new.standings,
            new.reasons,
            new.amounts,
            json.dumps(new.explanation, ensure_ascii=False),
            new.body_hash,
            new.created_by,
            new.county_code,
        )
    )


class StoredPart(msgspec.Struct, frozen=True, kw_only=True):
    """A listed household's part as the distribution stored it, with the payout that carried it (if any)."""

    position: int
    household_id: int
    registry_no: str
    members: int
    weight: Decimal | None
    standing: str
    reason: str
    amount: Decimal
    payout_id: int | None
    link_id: int | None


async def parts_of(db: Db, distribution_id: int) -> list[StoredPart]:
    """The distribution's parts in the agreement's order, each with its household's registry number and the
    payout of the distribution's batch that paid it (read in the batch's range of ids)."""
    rows = await db.fetch(
        "WITH d AS (SELECT * FROM asset_distribution WHERE id = $1),"
        " paid AS MATERIALIZED (SELECT p.id, p.household, p.link FROM payout p, d"
        "   WHERE p.id BETWEEN d.first_payout AND d.last_payout AND p.batch = d.payout_batch)"
        " SELECT u.n - 1 AS position, u.household AS household_id, h.registry_no, u.members, u.weight, u.standing,"
        " u.reason, u.amount, paid.id AS payout_id, paid.link AS link_id"
        " FROM d CROSS JOIN LATERAL unnest(d.households, d.members, d.weights, d.standings, d.reasons, d.amounts)"
        "   WITH ORDINALITY AS u(household, members, weight, standing, reason, amount, n)"
        " JOIN household h ON h.id = u.household"
        " LEFT JOIN paid ON paid.household = u.household"
        " ORDER BY u.n",
        distribution_id,
    )
    return [msgspec.convert(dict(r), StoredPart) for r in rows]
