"""Loading the demo: everything in one transaction, with COPY, into an empty database."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.accounts import service as accounts
from app.accounts.schemas import AccountCreate
from app.core.principal import Principal, Role, system_principal
from app.core.uow import UnitOfWork, unit_of_work
from app.demo import chain, people, subsidies
from app.demo.figures import (
    ENTERPRISES,
    EXITED_VILLAGES,
    POOR_VILLAGES,
    TOWNS,
    VILLAGES_PER_TOWN,
    check_plan,
    household_plan,
)
from app.regions import service as regions
from app.regions.schemas import RegionCreate

# Qianjiang, the county-level city directly under Hubei; its towns are numbered 429005001, 002, ... and each
# town's villages its code + 001, 002, ... (the demo's own numbering, in the national scheme's shape)
PROVINCE = ("42", "湖北省")
COUNTY = ("429005", "潜江市")


class DemoRefused(Exception):
    """The database already holds data: the demo only ever fills an empty one."""


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    tokens: dict[str, str]
    seconds: float
    scopes: dict[str, str]  # what a scoped role's account is bound to, by role: "town 1 园林街道"


# tables filled with explicit ids, whose sequences must then continue after them
_SEQUENCED = [
    "town",
    "village",
    "household",
    "member",
    "household_event",
    "enterprise",
    "pairing",
    "base",
    "link",
    "payout",
    "support_record",
    "subsidy_scheme",
    "subsidy_claim",
    "voucher",
    "payment_batch",
    "payment_line",
]

_HAS_DATA = "SELECT (SELECT count(*) FROM town) + (SELECT count(*) FROM household)"

_SET_SEQUENCES = (
    "SELECT setval(pg_get_serial_sequence(s.t, 'id'), s.n) FROM unnest($1::text[], $2::bigint[]) AS s(t, n)"
)

# fresh statistics, or the first queries plan as if the tables were still empty
_ANALYZE = (
    "ANALYZE town, village, household, member, household_event, enterprise, pairing, base, link, payout,"
    " support_record, subsidy_scheme, subsidy_claim, voucher, payment_batch, payment_line, enterprise_industry,"
    " scheme_rate, exit_assessment, hardship_event"
)


async def load_demo() -> DemoAccounts:
    started = time.perf_counter()
    actor = system_principal("demo")
    now = datetime.now(UTC)
    plan = household_plan()
    check_plan(plan)
    async with unit_of_work() as uow:
        if await uow.fetchval(_HAS_DATA):
            raise DemoRefused("the database already holds towns or households; the demo needs an empty one")
        industry_ids = {r["code"]: r["id"] for r in await uow.fetch("SELECT id, code FROM industry")}
        last_id: dict[str, int] = {}

        async def copy(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
            await uow.conn.copy_records_to_table(table, columns=list(columns), records=rows)
            if columns[0] == "id" and rows:
                last_id[table] = max(r[0] for r in rows)

        # the province and the county (those an admin listed already are used as they are)
        for code, name in (PROVINCE, COUNTY):
            if await regions.region_by_code(uow, code) is None:
                await regions.add_region(uow, actor, RegionCreate(code=code, name=name))
        county = await regions.region_by_code(uow, COUNTY[0])
        assert county is not None

        def town_code(t: int) -> str:
            return f"{COUNTY[0]}{t:03d}"

        # towns and villages: the first 3 (towns 1-7) or 2 villages of each town are poor; 27 have exited
        await copy(
            "town",
            ("id", "name", "code", "county_id", "created_at"),
            [(t, name, town_code(t), county.id, now) for t, name in enumerate(TOWNS, start=1)],
        )
        villages, poor = [], []
        for t in range(1, len(TOWNS) + 1):
            for j in range(VILLAGES_PER_TOWN):
                vid = (t - 1) * VILLAGES_PER_TOWN + j + 1
                is_poor = j < (3 if t <= 7 else 2)
                exited = None
                if is_poor:
                    poor.append((vid, t))
                    if len(poor) <= EXITED_VILLAGES:
                        exited = 2016 if len(poor) <= 12 else 2017
                villages.append(
                    (
                        vid,
                        t,
                        f"{town_code(t)}{j + 1:03d}",
                        county.id,
                        f"{TOWNS[t - 1][:2]}{j + 1}村",
                        is_poor,
                        2014 if is_poor else None,
                        exited,
                        1500 + (vid * 37) % 2500,
                        now,
                    )
                )
        assert len(poor) == POOR_VILLAGES
        await copy(
            "village",
            (
                "id",
                "town",
                "code",
                "county_id",
                "name",
                "is_poor_village",
                "registered_year",
                "exited_year",
                "rural_population",
                "created_at",
            ),
            villages,
        )

        households, members, events = people.build(plan, [v[0] for v in villages], now)
        await copy("household", people.HOUSEHOLD_COLUMNS, households)
        await copy("member", people.MEMBER_COLUMNS, members)
        await copy("household_event", people.EVENT_COLUMNS, events)

        enterprises, enterprise_industries, pairings, enterprise_villages = chain.enterprises(
            ENTERPRISES, poor, industry_ids, now
        )
        await copy(
            "enterprise",
            ("id", "name", "kind", "credit_code", "town", "contact_name", "contact_phone", "created_at"),
            enterprises,
        )
        await copy("enterprise_industry", ("enterprise", "industry"), enterprise_industries)
        await copy("pairing", ("id", "enterprise", "village", "start_date", "end_date", "created_at"), pairings)
        bases = chain.bases(enterprise_villages, industry_ids, now)
        await copy("base", ("id", "enterprise", "industry", "village", "name", "area", "created_at"), bases)
        linkable = [(h[0], h[12]) for h in households if h[9] != "removed"]
        links = chain.links(linkable, ENTERPRISES, now)
        await copy("link", chain.LINK_COLUMNS, links)
        await copy("payout", chain.PAYOUT_COLUMNS, chain.payouts(links, now))
        await copy("support_record", chain.SUPPORT_COLUMNS, chain.support_records(pairings, now))

        tokens, account_ids = await _accounts(uow, actor, enterprises[0][1])

        await uow.execute(
            "INSERT INTO subsidy_scheme (id, year, name, budget, household_cap, exited_eligible_until, status,"
            " voucher_seq, created_at, published_at) VALUES (1, $1, $2, $3, $4, $5, 'published', 0, $6, $6)",
            *subsidies.SCHEME.values(),
            datetime(2017, 4, 1, tzinfo=UTC),
        )
        last_id["subsidy_scheme"] = 1
        await copy(
            "scheme_rate",
            ("scheme", "industry", "unit", "min_quantity", "cap", "tiers"),
            subsidies.rate_rows(industry_ids),
        )
        base_industry = {b[0]: code for b in bases for code, i in industry_ids.items() if i == b[2]}
        card = {h[0]: h[8] for h in households}
        candidates = [(ln[3], base_industry[ln[2]], ln[2], ln[0], card[ln[3]]) for ln in links]
        claims, vouchers, batches, lines = subsidies.claims(
            candidates, industry_ids, account_ids["town_officer"], account_ids["finance"]
        )
        await copy("subsidy_claim", subsidies.CLAIM_COLUMNS, claims)
        await copy("payment_batch", subsidies.BATCH_COLUMNS, batches)
        await copy("voucher", subsidies.VOUCHER_COLUMNS, vouchers)
        await copy("payment_line", subsidies.LINE_COLUMNS, lines)
        await uow.execute("UPDATE subsidy_scheme SET voucher_seq = $1 WHERE id = 1", len(vouchers))
        await uow.execute(
            "UPDATE payment_line l SET payee = m.name FROM voucher v, member m"
            " WHERE v.id = l.voucher AND m.household = v.household AND m.relation = 'head' AND m.left_on IS NULL"
        )
        await _exit_assessments_and_hardships(uow, now)
        await uow.execute(_SET_SEQUENCES, _SEQUENCED, [last_id[t] for t in _SEQUENCED])
        summary = {
            "households": len(households),
            "members": len(members),
            "events": len(events),
            "links": len(links),
            "claims": len(claims),
            "vouchers": len(vouchers),
        }
        await uow.audit(actor, "load", "demo", "qianjiang", after=summary)
        await uow.execute(_ANALYZE)
    scopes = {"town_officer": f"town 1 {TOWNS[0]}", "operator": f"enterprise 1 {enterprises[0][1]}"}
    return DemoAccounts(tokens=tokens, seconds=time.perf_counter() - started, scopes=scopes)


async def _accounts(
    uow: UnitOfWork, actor: Principal, operator_enterprise: str
) -> tuple[dict[str, str], dict[str, int]]:
    """An account for each role (the officer in town 1, the operator of enterprise 1): (tokens, ids) by role."""
    tokens, ids = {}, {}
    for role, name, enterprise_id, town_id in (
        (Role.admin, "演示 系统管理员", None, None),
        (Role.finance, "演示 财政局 审批", None, None),
        (Role.auditor, "演示 纪委 审计", None, None),
        (Role.town_officer, f"演示 {TOWNS[0]} 扶贫专干", None, 1),
        (Role.operator, f"演示 {operator_enterprise} 出纳", 1, None),
    ):
        # in the load's unit of work: the town and the enterprise exist only in it so far
        created = await accounts.create_account(
            actor, AccountCreate(name=name, role=role, enterprise_id=enterprise_id, town_id=town_id), uow=uow
        )
        tokens[role.value], ids[role.value] = created.token, created.account.id
    return tokens, ids


async def _exit_assessments_and_hardships(uow: UnitOfWork, now: datetime) -> None:
    """Every exited household passed its exit test; some exited households fell ill in 2017."""
    notes = json.dumps(
        {
            k: None
            for k in (
                "food",
                "clothing",
                "compulsory_education",
                "basic_medical_care",
                "safe_housing",
                "safe_drinking_water",
            )
        }
    )
    await uow.execute(
        "INSERT INTO exit_assessment (household, year, food, clothing, compulsory_education, basic_medical_care,"
        " safe_housing, safe_drinking_water, notes, ledger_income, other_net_income, members, per_capita,"
        " poverty_line, passed, reasons, verification, assessed_by, assessed_at)"
        " SELECT h.id, h.exited_year, true, true, true, true, true, true, $1::jsonb, 0, 12000,"
        "        m.n, round(12000.0 / m.n, 2), pl.amount, true, '[]'::jsonb, 'full_survey', NULL,"
        "        make_timestamptz(h.exited_year, 12, 10, 9, 0, 0, 'UTC')"
        " FROM household h JOIN (SELECT household, count(*) AS n FROM member GROUP BY household) m ON m.household = h.id"
        " JOIN poverty_line pl ON pl.year = h.exited_year WHERE h.exited_year IS NOT NULL",
        notes,
    )
    await uow.execute(
        "INSERT INTO hardship_event (household, kind, occurred_on, note, recorded_by, created_at)"
        " SELECT id, CASE WHEN id % 3 = 0 THEN 'disaster' ELSE 'illness' END, DATE '2017-08-01' + (id % 60),"
        " '演示: 大病 / 洪涝', NULL, $1 FROM household WHERE status = 'exited' AND id % 97 = 0",
        now,
    )


__all__ = ["DemoAccounts", "DemoRefused", "load_demo"]
