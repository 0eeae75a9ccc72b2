"""The SQL of the assets' evidence, disposals, decisions on listed households and supervision flags.

Writes touch only the assets app's tables (``asset_evidence``, ``asset_disposal``,
``asset_beneficiary_decision``, an asset's status when its disposal is approved, a listed household removed);
the flags read the villages, households and their events, monitoring cases, enterprises and county policies
their answers are made of, in one statement for any number of assets (``page_of_flags``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from app.assets.model import EvidenceType
from app.assets.rules import MEDIA_TYPES
from app.assets.schemas import AssetFlag, BeneficiaryDecisionOut, DisposalOut, EvidenceOut
from app.core.counties import county_clause
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db
from app.core.validation import earliest_day

# ---- evidence ------------------------------------------------------------------------------------------

_EVIDENCE = """
SELECT e.id, e.asset AS asset_id, e.title, e.original_name, e.file_type, e.size, e.sha256, e.note, e.created_by,
       e.created_at, e.removed_at, e.removed_by, e.removed_reason, e.county_code
FROM asset_evidence e
"""


def download_path(evidence_id: int) -> str:
    return f"/api/v1/asset-evidence/{evidence_id}/file"


class StoredEvidence(msgspec.Struct, frozen=True, kw_only=True):
    evidence: EvidenceOut
    county_code: str


def _evidence(row: Any) -> StoredEvidence:
    values = {k: row[k] for k in EvidenceOut.__struct_fields__ if k not in ("media_type", "download")}
    values["media_type"] = MEDIA_TYPES[EvidenceType(row["file_type"])]
    values["download"] = download_path(row["id"])
    return StoredEvidence(evidence=msgspec.convert(values, EvidenceOut), county_code=row["county_code"])


class NewEvidence(msgspec.Struct, frozen=True, kw_only=True):
    asset_id: int
    sha256: str
    size: int
    file_type: str
    original_name: str
    title: str
    note: str | None
    created_by: int | None
    county_code: str


async def insert_evidence(db: Db, new: NewEvidence) -> int | None:
    """The evidence's row; None when the asset holds the same file already (not removed)."""
    found: int | None = await db.fetchval(
        "INSERT INTO asset_evidence (asset, sha256, size, file_type, original_name, title, note, created_by,"
        " created_at, county_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), $9)"
        " ON CONFLICT (asset, sha256) WHERE removed_at IS NULL DO NOTHING RETURNING id",
        new.asset_id,
        new.sha256,
        new.size,
        new.file_type,
        new.original_name,
        new.title,
        new.note,
        new.created_by,
        new.county_code,
    )
    return found


async def evidence_by_id(db: Db, evidence_id: int, *, lock: bool = False) -> StoredEvidence | None:
    row = await db.fetchrow(_EVIDENCE + " WHERE e.id = $1" + (" FOR UPDATE" if lock else ""), evidence_id)
    return None if row is None else _evidence(row)


async def live_evidence_of_file(db: Db, asset_id: int, sha256: str) -> StoredEvidence | None:
    """The asset's evidence (not removed) of this content, if it has one."""
    row = await db.fetchrow(
        _EVIDENCE + " WHERE e.asset = $1 AND e.sha256 = $2 AND e.removed_at IS NULL", asset_id, sha256
    )
    return None if row is None else _evidence(row)


async def page_of_evidence(db: Db, asset_id: int, page: PageParams) -> Page[EvidenceOut]:
    return await fetch_page(
        _EVIDENCE + " WHERE e.asset = $1",
        [asset_id],
        page,
        "id DESC",
        lambda row: _evidence(row).evidence,
        db=db,
    )


async def remove_evidence(db: Db, evidence_id: int, removed_by: int | None, reason: str) -> None:
    await db.execute(
        "UPDATE asset_evidence SET removed_at = now(), removed_by = $2, removed_reason = $3 WHERE id = $1",
        evidence_id,
        removed_by,
        reason,
    )


# ---- disposals -----------------------------------------------------------------------------------------

_DISPOSAL = """
SELECT x.id, x.asset AS asset_id, a.name AS asset_name, x.kind, x.reason, x.proceeds, x.proceeds_to, x.requested_on,
       x.status, x.decided_on, x.document_no, x.decision_note, x.requested_by, x.requested_at, x.decided_by,
       x.decided_at, x.body_hash, x.decision_hash, x.county_code
FROM asset_disposal x
JOIN asset a ON a.id = x.asset
"""


class StoredDisposal(msgspec.Struct, frozen=True, kw_only=True):
    disposal: DisposalOut
    body_hash: str
    decision_hash: str | None
    county_code: str


def _disposal(row: Any) -> StoredDisposal:
    return StoredDisposal(
        disposal=msgspec.convert({k: row[k] for k in DisposalOut.__struct_fields__}, DisposalOut),
        body_hash=row["body_hash"],
        decision_hash=row["decision_hash"],
        county_code=row["county_code"],
    )


class NewDisposal(msgspec.Struct, frozen=True, kw_only=True):
    asset_id: int
    kind: str
    reason: str
    proceeds: Decimal
    proceeds_to: str | None
    requested_on: date
    body_hash: str
    requested_by: int | None
    county_code: str


async def insert_disposal(db: Db, new: NewDisposal) -> int | None:
    """A pending disposal; None when the asset has one pending already."""
    found: int | None = await db.fetchval(
        "INSERT INTO asset_disposal (asset, kind, reason, proceeds, proceeds_to, requested_on, status, body_hash,"
        " requested_by, requested_at, county_code) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, now(), $9)"
        " ON CONFLICT (asset) WHERE status = 'pending' DO NOTHING RETURNING id",
        new.asset_id,
        new.kind,
        new.reason,
        new.proceeds,
        new.proceeds_to,
        new.requested_on,
        new.body_hash,
        new.requested_by,
        new.county_code,
    )
    return found


async def disposal_by_id(db: Db, disposal_id: int, *, lock: bool = False) -> StoredDisposal | None:
    row = await db.fetchrow(_DISPOSAL + " WHERE x.id = $1" + (" FOR UPDATE OF x" if lock else ""), disposal_id)
    return None if row is None else _disposal(row)


async def disposal_of_asset(db: Db, asset_id: int, status: str) -> StoredDisposal | None:
    """The asset's pending (or approved) disposal, if it has one."""
    row = await db.fetchrow(_DISPOSAL + " WHERE x.asset = $1 AND x.status = $2", asset_id, status)
    return None if row is None else _disposal(row)


async def disposals_of(db: Db, asset_id: int) -> list[DisposalOut]:
    rows = await db.fetch(_DISPOSAL + " WHERE x.asset = $1 ORDER BY x.requested_at DESC, x.id DESC", asset_id)
    return [_disposal(r).disposal for r in rows]


async def decide_disposal(
    db: Db,
    disposal_id: int,
    status: str,
    decided_on: date,
    document_no: str | None,
    note: str | None,
    decision_hash: str,
    decided_by: int | None,
) -> None:
    await db.execute(
        "UPDATE asset_disposal SET status = $2, decided_on = $3, document_no = $4, decision_note = $5,"
        " decision_hash = $6, decided_by = $7, decided_at = now() WHERE id = $1 AND status = 'pending'",
        disposal_id,
        status,
        decided_on,
        document_no,
        note,
        decision_hash,
        decided_by,
    )


class DisposalState(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    disposed_on: date | None
    completed_on: date | None


async def disposal_state(db: Db, asset_id: int) -> DisposalState:
    row = await db.fetchrow("SELECT status, disposed_on, completed_on FROM asset WHERE id = $1", asset_id)
    assert row is not None  # the caller holds the asset
    return msgspec.convert(dict(row), DisposalState)


async def mark_disposed(db: Db, asset_id: int, day: date) -> None:
    """The asset disposed of on ``day`` (an asset already recorded as disposed keeps the day it has)."""
    await db.execute(
        "UPDATE asset SET status = 'disposed', disposed_on = coalesce(disposed_on, $2), updated_at = now()"
        " WHERE id = $1",
        asset_id,
        day,
    )


# ---- decisions on listed households ---------------------------------------------------------------------

_DECISION = """
SELECT d.id, d.agreement AS agreement_id, g.asset AS asset_id, d.household AS household_id, h.registry_no, d.decision,
       d.standing, d.left_on, d.decided_on, d.reason, d.position, d.weight, d.created_by, d.created_at
FROM asset_beneficiary_decision d
JOIN asset_agreement g ON g.id = d.agreement
JOIN household h ON h.id = d.household
"""


class Listing(msgspec.Struct, frozen=True, kw_only=True):
    position: int
    weight: Decimal | None


async def listing_of(db: Db, agreement_id: int, household_id: int) -> Listing | None:
    """Where the household is in the agreement's list, if it is listed."""
    row = await db.fetchrow(
        "SELECT position, weight FROM asset_beneficiary WHERE agreement = $1 AND household = $2",
        agreement_id,
        household_id,
    )
    return None if row is None else Listing(position=row["position"], weight=row["weight"])


class NewDecision(msgspec.Struct, frozen=True, kw_only=True):
    agreement_id: int
    household_id: int
    decision: str
    standing: str
    left_on: date
    decided_on: date
    reason: str
    position: int
    weight: Decimal | None
    created_by: int | None
    county_code: str


async def insert_decision(db: Db, new: NewDecision) -> int:
    """The decision; a ``remove`` takes the household off the agreement's list in the same statement."""
    return int(
        await db.fetchval(
            "WITH d AS (INSERT INTO asset_beneficiary_decision (agreement, household, decision, standing, left_on,"
            " decided_on, reason, position, weight, created_by, created_at, county_code)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), $11) RETURNING id),"
            " gone AS (DELETE FROM asset_beneficiary WHERE $3 = 'remove' AND agreement = $1 AND household = $2)"
            " SELECT id FROM d",
            new.agreement_id,
            new.household_id,
            new.decision,
            new.standing,
            new.left_on,
            new.decided_on,
            new.reason,
            new.position,
            new.weight,
            new.created_by,
            new.county_code,
        )
    )


async def decision_by_id(db: Db, decision_id: int) -> BeneficiaryDecisionOut:
    row = await db.fetchrow(_DECISION + " WHERE d.id = $1", decision_id)
    assert row is not None  # the caller wrote or found it
    return msgspec.convert(dict(row), BeneficiaryDecisionOut)


async def latest_decision(db: Db, agreement_id: int, household_id: int) -> BeneficiaryDecisionOut | None:
    row = await db.fetchrow(
        _DECISION + " WHERE d.agreement = $1 AND d.household = $2 ORDER BY d.id DESC LIMIT 1",
        agreement_id,
        household_id,
    )
    return None if row is None else msgspec.convert(dict(row), BeneficiaryDecisionOut)


# ---- supervision flags ---------------------------------------------------------------------------------

# $1: the day asked about; $2-$5: the settings a county that set none of its own is held to (months without
# income, days to distribute, days of grace, policy continuation years); $6: one kind of flag (null: all);
# $7: one asset (null: all); $8: a division code (2, 4, 6 digits: counties; 9: a town; 12: a village); $9: a
# town officer's town; $10: the earliest year a date may name; then the caller's region (county_clause). Each kind is one branch of the UNION, each a
# join over the assets asked about: the statement's work grows with the assets, agreements, incomes and
# listed households of the region, never a statement per asset.
_FLAGS = """
WITH policy AS (
    SELECT r.code, cp.asset_idle_months, cp.asset_distribution_days, cp.asset_arrears_grace_days,
           cp.continuation_years
    FROM county_policy cp JOIN region r ON r.id = cp.county
), a AS MATERIALIZED (
    -- the assets asked about, with their county's thresholds
    SELECT a.id, a.name, a.status, a.completed_on, a.disposed_on, a.updated_at, a.village, v.name AS village_name,
           v.town, a.county_code,
           coalesce(p.asset_idle_months, $2::int) AS idle_months,
           coalesce(p.asset_distribution_days, $3::int) AS distribution_days,
           coalesce(p.asset_arrears_grace_days, $4::int) AS grace_days,
           coalesce(p.continuation_years, $5::int) AS continuation_years
    FROM asset a JOIN village v ON v.id = a.village LEFT JOIN policy p ON p.code = a.county_code
    WHERE ($7::int IS NULL OR a.id = $7)
      AND ($8::text IS NULL OR CASE length($8)
            WHEN 12 THEN v.code = $8
            WHEN 9 THEN v.town IN (SELECT rt.id FROM town rt WHERE rt.code = $8)
            ELSE a.county_code LIKE $8 || '%' END)
      AND ($9::int IS NULL OR v.town = $9){scope}
), g AS MATERIALIZED (
    SELECT g.id, g.asset, g.starts_on, g.ends_on, g.yearly_rent, g.guaranteed_rate
    FROM asset_agreement g JOIN a ON a.id = g.asset
), in_force AS (
    -- an asset's agreement in force on the day (its agreements never overlap: one at most)
    SELECT g.* FROM g WHERE g.starts_on <= $1::date AND (g.ends_on IS NULL OR g.ends_on >= $1::date)
), last_ended AS (
    SELECT g.asset, max(g.ends_on) AS ends_on FROM g WHERE g.ends_on < $1::date GROUP BY g.asset
), received AS MATERIALIZED (
    -- what each agreement received by the day, per year it was for
    SELECT n.agreement, n.period_year, sum(n.amount) AS amount, max(n.received_on) AS last_on
    FROM asset_income n JOIN g ON g.id = n.agreement
    WHERE n.received_on <= $1::date
    GROUP BY n.agreement, n.period_year
), last_received AS (
    SELECT g.asset, max(r.last_on) AS received_on FROM received r JOIN g ON g.id = r.agreement GROUP BY g.asset
), years AS (
    -- the years an agreement may owe for: from the earliest day a date may name to the day's (a list the planner
    -- counts right, where a series per agreement would be guessed at a thousand rows each)
    SELECT y.year FROM generate_series($10::int, extract(year FROM $1::date)::int) AS y(year)
), funded AS (
    SELECT f.asset, sum(f.amount) AS amount FROM asset_funding f JOIN a ON a.id = f.asset GROUP BY f.asset
), listed AS (
    -- the households listed in the agreements in force of the assets not disposed of by the day
    SELECT i.id AS agreement, i.asset, i.starts_on, b.household, a.continuation_years
    FROM in_force i JOIN a ON a.id = i.asset JOIN asset_beneficiary b ON b.agreement = i.id
    WHERE ($6::text IS NULL OR $6 = 'household_left')
      AND NOT (a.status = 'disposed' AND (a.disposed_on IS NULL OR a.disposed_on <= $1::date))
), listed_households AS MATERIALIZED (
    SELECT DISTINCT household FROM listed
), status AS (
    -- each listed household's status at the end of the day: its last status event by then (the register's
    -- history; a household with none by then is not judged on that day)
    SELECT DISTINCT ON (e.household) e.household, e.to_status, e.at::date AS on_day
    FROM household_event e JOIN listed_households x ON x.household = e.household
    WHERE e.to_status IS NOT NULL AND e.at < ($1::date + 1)
    ORDER BY e.household, e.at DESC, e.id DESC
), watched AS (
    -- monitored on the day: a case approved by then and its risk not eliminated by then
    SELECT c.household,
           bool_or(c.approved_on <= $1::date AND (c.eliminated_on IS NULL OR c.eliminated_on > $1::date)) AS monitored,
           max(c.eliminated_on) FILTER (WHERE c.eliminated_on <= $1::date) AS eliminated_on
    FROM monitoring_case c JOIN listed_households x ON x.household = c.household
    GROUP BY c.household
), gone AS (
    -- the listed households no longer on the register nor monitored, and since when (the latest change that
    -- could have taken them off: their last status event, the end of their policy continuation, the end of
    -- their monitoring, the agreement's start), unless a decision to keep them was taken since
    SELECT l.agreement, l.asset, l.household, x.standing, x.since
    FROM listed l
    JOIN household h ON h.id = l.household
    LEFT JOIN status st ON st.household = l.household
    LEFT JOIN watched w ON w.household = l.household
    CROSS JOIN LATERAL (
        SELECT st.to_status AS status,
               CASE WHEN h.exited_year IS NOT NULL
                    THEN make_date(h.exited_year + l.continuation_years, 12, 31) END AS continuation_end
    ) s
    CROSS JOIN LATERAL (
        SELECT CASE
                   -- no status recorded by the day: nothing is known of it then, nothing is raised
                   WHEN s.status IS NULL THEN NULL
                   WHEN coalesce(w.monitored, false) OR s.status IN ('registered', 'returned') THEN NULL
                   WHEN s.status = 'exited' AND (s.continuation_end IS NULL OR $1::date <= s.continuation_end)
                       THEN NULL
                   WHEN s.status = 'exited' THEN 'continuation_ended'
                   WHEN s.status = 'removed' THEN 'removed'
                   ELSE 'not_on_register'
               END AS standing,
               greatest(l.starts_on, st.on_day, CASE WHEN s.status = 'exited' THEN s.continuation_end + 1 END,
                        w.eliminated_on) AS since
    ) x
    WHERE x.standing IS NOT NULL
      AND NOT EXISTS (
          SELECT 1 FROM asset_beneficiary_decision d
          WHERE d.agreement = l.agreement AND d.household = l.household AND d.decision = 'keep'
            AND d.decided_on <= $1::date AND d.decided_on >= x.since
      )
), flags AS (
    -- idle: built, in use (or idle), and no agreement in force: since its last agreement ended (or it was built)
    SELECT 'idle'::text AS kind, a.id AS asset_id, greatest(a.completed_on, e.ends_on + 1) AS since,
           'no_agreement'::text AS idle_reason, NULL::int AS agreement_id, NULL::int AS period_year,
           NULL::numeric AS expected, NULL::numeric AS received, NULL::bigint AS income_id, NULL::numeric AS amount,
           NULL::date AS received_on, NULL::date AS disposed_on, NULL::int AS household_id, NULL::text AS standing
    FROM a
    LEFT JOIN in_force i ON i.asset = a.id
    LEFT JOIN last_ended e ON e.asset = a.id
    WHERE ($6::text IS NULL OR $6 = 'idle') AND a.status IN ('in_use', 'idle') AND a.completed_on <= $1::date
      AND i.id IS NULL
    UNION ALL
    -- idle: an agreement in force, and none of the asset's income received for the months allowed since the
    -- last one received (or the agreement's start)
    SELECT 'idle', a.id, x.since, 'no_income', i.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM a
    JOIN in_force i ON i.asset = a.id
    LEFT JOIN last_received r ON r.asset = a.id
    CROSS JOIN LATERAL (
        SELECT (greatest(i.starts_on, r.received_on) + make_interval(months => a.idle_months))::date AS since
    ) x
    WHERE ($6::text IS NULL OR $6 = 'idle') AND a.status IN ('in_use', 'idle') AND a.completed_on <= $1::date
      AND x.since <= $1::date
    UNION ALL
    -- arrears: a year of the agreement's term over (and its days of grace) whose income recorded by the day
    -- falls short of what it promised for the days of the year it ran (app/payouts/rules.py's dividend_due:
    -- the yearly promise × days in force ÷ days in the year, half-up to the fen)
    SELECT 'arrears', a.id, d.since, NULL, g.id, y.year, t.expected, t.received, NULL, NULL, NULL, NULL, NULL, NULL
    FROM g
    JOIN a ON a.id = g.asset
    LEFT JOIN funded f ON f.asset = g.asset
    CROSS JOIN LATERAL (
        SELECT coalesce(g.yearly_rent, round(g.guaranteed_rate * coalesce(f.amount, 0), 2)) AS promised
    ) pr
    JOIN years y ON y.year BETWEEN extract(year FROM g.starts_on)::int
                               AND extract(year FROM least(g.ends_on, a.disposed_on, $1::date))::int
    CROSS JOIN LATERAL (
        SELECT greatest(g.starts_on, make_date(y.year, 1, 1)) AS first_day,
               least(g.ends_on, a.disposed_on, make_date(y.year, 12, 31)) AS last_day,
               make_date(y.year, 12, 31) + a.grace_days + 1 AS since,
               make_date(y.year + 1, 1, 1) - make_date(y.year, 1, 1) AS days_in_year
    ) d
    LEFT JOIN received r ON r.agreement = g.id AND r.period_year = y.year
    CROSS JOIN LATERAL (
        SELECT round(pr.promised * (d.last_day - d.first_day + 1) / d.days_in_year, 2) AS expected,
               coalesce(r.amount, 0.00) AS received
    ) t
    WHERE ($6::text IS NULL OR $6 = 'arrears') AND pr.promised IS NOT NULL AND d.since <= $1::date
      AND d.last_day >= d.first_day AND t.received < t.expected
    UNION ALL
    -- undistributed: an income received and not distributed (paid out) within the days allowed
    SELECT 'undistributed', a.id, n.received_on + a.distribution_days + 1, NULL, g.id, n.period_year, NULL, NULL,
           n.id, n.amount, n.received_on, NULL, NULL, NULL
    FROM asset_income n
    JOIN g ON g.id = n.agreement
    JOIN a ON a.id = g.asset
    WHERE ($6::text IS NULL OR $6 = 'undistributed') AND n.received_on + a.distribution_days + 1 <= $1::date
      AND NOT EXISTS (SELECT 1 FROM asset_distribution x WHERE x.income = n.id AND x.paid_on <= $1::date)
    UNION ALL
    -- disposed of without approval: recorded as disposed, with no disposal approved on or before that day
    SELECT 'disposed_without_approval', a.id, coalesce(a.disposed_on, a.updated_at::date), NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, a.disposed_on, NULL, NULL
    FROM a
    WHERE ($6::text IS NULL OR $6 = 'disposed_without_approval') AND a.status = 'disposed'
      AND coalesce(a.disposed_on, a.updated_at::date) <= $1::date
      AND NOT EXISTS (
          SELECT 1 FROM asset_disposal x
          WHERE x.asset = a.id AND x.status = 'approved' AND x.decided_on <= coalesce(a.disposed_on, $1::date)
      )
    UNION ALL
    -- a listed household that left the register and is not monitored, no decision taken on it since
    SELECT 'household_left', l.asset, l.since, NULL, l.agreement, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           l.household, l.standing
    FROM gone l
)
-- the assets' names and places read from their tables (by key), not from the CTE: the planner then knows
-- each flag finds one, and the statement's estimated cost stays under the JIT's thresholds
SELECT f.kind, f.asset_id, x.name AS asset_name, x.village AS village_id, v.name AS village_name, v.town AS town_id,
       x.county_code, f.since, f.idle_reason, f.agreement_id, g.operator AS operator_id, e.name AS operator_name,
       f.period_year, f.expected, f.received, f.expected - f.received AS shortfall, f.income_id, f.amount,
       f.received_on, f.disposed_on, f.household_id, h.registry_no, f.standing
FROM flags f
JOIN asset x ON x.id = f.asset_id
JOIN village v ON v.id = x.village
LEFT JOIN asset_agreement g ON g.id = f.agreement_id
LEFT JOIN enterprise e ON e.id = g.operator
LEFT JOIN household h ON h.id = f.household_id
"""

_FLAG_ORDER = (
    "county_code, since, asset_id, kind, agreement_id NULLS FIRST, period_year NULLS FIRST, income_id NULLS FIRST,"
    " household_id NULLS FIRST"
)


class Thresholds(msgspec.Struct, frozen=True, kw_only=True):
    """The settings a county that set none of its own is held to."""

    idle_months: int
    distribution_days: int
    grace_days: int
    continuation_years: int


class FlagQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which flags a list reads; ``scope_*`` is the caller's reach."""

    as_of: date
    thresholds: Thresholds
    kind: str | None = None
    asset_id: int | None = None
    region: str | None = None
    scope_town_id: int | None = None
    scope_region: str | None = None


def _flag(row: Any) -> AssetFlag:
    return msgspec.convert({k: row[k] for k in AssetFlag.__struct_fields__}, AssetFlag)


def _statement(q: FlagQuery) -> tuple[str, list[Any]]:
    t = q.thresholds
    args: list[Any] = [
        q.as_of,
        t.idle_months,
        t.distribution_days,
        t.grace_days,
        t.continuation_years,
        q.kind,
        q.asset_id,
        q.region,
        q.scope_town_id,
        earliest_day().year,
    ]
    return _FLAGS.format(scope=county_clause("a.county_code", q.scope_region, args)), args


async def page_of_flags(db: Db, q: FlagQuery, page: PageParams) -> Page[AssetFlag]:
    """A page of the flags raised on ``q.as_of``, by county, the day raised, asset and kind."""
    sql, args = _statement(q)
    return await fetch_page(sql, args, page, _FLAG_ORDER, _flag, db=db)


async def all_flags(db: Db, q: FlagQuery) -> list[AssetFlag]:
    """Every flag raised on ``q.as_of`` (for one asset: what its page shows)."""
    sql, args = _statement(q)
    return [_flag(r) for r in await db.fetch(f"SELECT * FROM ({sql}) q ORDER BY {_FLAG_ORDER}", *args)]
