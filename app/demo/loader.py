"""Loading the demo: everything in one transaction, with COPY, into an empty database."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from app import audit
from app.accounts.schemas import AccountCreate
from app.accounts.service import create_account
from app.core.principal import Role, system_principal
from app.core.database import transaction
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


class DemoRefused(Exception):
    """The database already holds data: the demo only ever fills an empty one."""


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    tokens: dict[str, str]
    seconds: float


# tables filled with explicit ids, whose sequences must then continue after them
_SEQUENCED = [
    "town", "village", "household", "member", "household_event", "enterprise", "pairing", "base", "link", "payout",
    "support_record", "subsidy_scheme", "subsidy_claim", "voucher", "payment_batch", "payment_line",
]


async def load_demo() -> DemoAccounts:
    started = time.perf_counter()
    actor = system_principal("demo")
    now = datetime.now(UTC)
    plan = household_plan()
    check_plan(plan)
    async with transaction() as tx:
        conn = tx.connection
        if await conn.fetchval("SELECT (SELECT count(*) FROM town) + (SELECT count(*) FROM household)"):
            raise DemoRefused("the database already holds towns or households; the demo needs an empty one")
        industry_ids = {r["code"]: r["id"] for r in await conn.fetch("SELECT id, code FROM industry")}

        async def copy(table: str, columns, rows) -> None:
            await conn.copy_records_to_table(table, columns=list(columns), records=rows)

        # towns and villages: the first 3 (towns 1-7) or 2 villages of each town are poor; 27 have exited
        await copy("town", ("id", "name", "code", "created_at"),
                   [(t, name, f"4290{t:02d}", now) for t, name in enumerate(TOWNS, start=1)])
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
                villages.append((vid, t, f"{TOWNS[t - 1][:2]}{j + 1}村", is_poor, 2014 if is_poor else None, exited,
                                 1500 + (vid * 37) % 2500, now))
        assert len(poor) == POOR_VILLAGES
        await copy("village", ("id", "town", "name", "is_poor_village", "registered_year", "exited_year",
                               "rural_population", "created_at"), villages)

        households, members, events = people.build(plan, [v[0] for v in villages], now)
        await copy("household", people.HOUSEHOLD_COLUMNS, households)
        await copy("member", people.MEMBER_COLUMNS, members)
        await copy("household_event", people.EVENT_COLUMNS, events)

        enterprises, enterprise_industries, pairings, enterprise_villages = chain.enterprises(
            ENTERPRISES, poor, industry_ids, now)
        await copy("enterprise", ("id", "name", "kind", "credit_code", "town", "contact_name", "contact_phone",
                                  "created_at"), enterprises)
        await copy("enterprise_industry", ("enterprise", "industry"), enterprise_industries)
        await copy("pairing", ("id", "enterprise", "village", "start_date", "end_date", "created_at"), pairings)
        bases = chain.bases(enterprise_villages, industry_ids, now)
        await copy("base", ("id", "enterprise", "industry", "village", "name", "area", "created_at"), bases)
        linkable = [(h[0], h[12]) for h in households if h[9] != "removed"]
        links = chain.links(linkable, ENTERPRISES, now)
        await copy("link", chain.LINK_COLUMNS, links)
        await copy("payout", chain.PAYOUT_COLUMNS, chain.payouts(links, now))
        await copy("support_record", chain.SUPPORT_COLUMNS, chain.support_records(pairings, now))

        tokens = {}
        for role, name, scope in (
            ("admin", "演示 系统管理员", {}), ("finance", "演示 财政局 审批", {}), ("auditor", "演示 纪委 审计", {}),
            ("town_officer", f"演示 {TOWNS[0]} 扶贫专干", {"town_id": 1}),
            ("operator", f"演示 {enterprises[0][1]} 出纳", {"enterprise_id": 1}),
        ):
            created = await create_account(actor, AccountCreate(name=name, role=Role(role), **scope))
            tokens[role] = created.token
        officer, finance = await _account_ids(conn)

        await conn.execute(
            "INSERT INTO subsidy_scheme (id, year, name, budget, household_cap, exited_eligible_until, status,"
            " voucher_seq, created_at, published_at) VALUES (1, $1, $2, $3, $4, $5, 'published', 0, $6, $6)",
            *subsidies.SCHEME.values(), datetime(2017, 4, 1, tzinfo=UTC),
        )
        await copy("scheme_rate", ("scheme", "industry", "unit", "min_quantity", "cap", "tiers"),
                   subsidies.rate_rows(industry_ids))
        base_industry = {b[0]: code for b in bases for code, i in industry_ids.items() if i == b[2]}
        card = {h[0]: h[8] for h in households}
        candidates = [(ln[3], base_industry[ln[2]], ln[2], ln[0], card[ln[3]]) for ln in links]
        claims, vouchers, batches, lines = subsidies.claims(candidates, industry_ids, officer, finance)
        await copy("subsidy_claim", subsidies.CLAIM_COLUMNS, claims)
        await copy("payment_batch", subsidies.BATCH_COLUMNS, batches)
        await copy("voucher", subsidies.VOUCHER_COLUMNS, vouchers)
        await copy("payment_line", subsidies.LINE_COLUMNS, lines)
        await conn.execute("UPDATE subsidy_scheme SET voucher_seq = $1 WHERE id = 1", len(vouchers))
        await conn.execute(
            "UPDATE payment_line l SET payee = m.name FROM voucher v, member m"
            " WHERE v.id = l.voucher AND m.household = v.household AND m.relation = 'head' AND m.left_on IS NULL"
        )
        await _exit_assessments_and_hardships(conn, now)
        for table in _SEQUENCED:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        summary = {"households": len(households), "members": len(members), "events": len(events),
                   "links": len(links), "claims": len(claims), "vouchers": len(vouchers)}
        await audit.record(actor, "load", "demo", "qianjiang", after=summary)
        # fresh statistics, or the first queries plan as if the tables were still empty
        for table in (*_SEQUENCED, "enterprise_industry", "scheme_rate", "exit_assessment", "hardship_event"):
            await conn.execute(f"ANALYZE {table}")
    return DemoAccounts(tokens=tokens, seconds=time.perf_counter() - started)


async def _account_ids(conn) -> tuple[int, int]:
    rows = {r["role"]: r["id"] for r in await conn.fetch("SELECT id, role FROM account")}
    return rows["town_officer"], rows["finance"]


async def _exit_assessments_and_hardships(conn, now: datetime) -> None:
    """Every exited household passed its exit test; some exited households fell ill in 2017."""
    notes = json.dumps({k: None for k in ("food", "clothing", "compulsory_education", "basic_medical_care",
                                          "safe_housing", "safe_drinking_water")})
    await conn.execute(
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
    await conn.execute(
        "INSERT INTO hardship_event (household, kind, occurred_on, note, recorded_by, created_at)"
        " SELECT id, CASE WHEN id % 3 = 0 THEN 'disaster' ELSE 'illness' END, DATE '2017-08-01' + (id % 60),"
        " '演示: 大病 / 洪涝', NULL, $1 FROM household WHERE status = 'exited' AND id % 97 = 0",
        now,
    )


__all__ = ["DemoAccounts", "DemoRefused", "load_demo"]
