"""Loading the demo: everything in one transaction, with COPY, into an empty database."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.accounts import service as accounts
from app.accounts.schemas import AccountCreate
from app.core.counties import COUNTY_COLUMN, COUNTY_OWNED
from app.core.principal import Principal, Role, system_principal
from app.core.uow import UnitOfWork, unit_of_work
from app.demo import assets, chain, monitoring, ordinary, people, subsidies
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
    "monitoring_case",
    "monitoring_measure",
    "monitoring_round",
    "monitoring_visit",
    "asset",
    "asset_funding",
    "asset_ownership",
    "asset_owner",
    "asset_agreement",
    "asset_beneficiary",
    "asset_income",
    "asset_distribution",
    "payout_batch",
]

_HAS_DATA = "SELECT (SELECT count(*) FROM town) + (SELECT count(*) FROM household)"

_SET_SEQUENCES = (
    "SELECT setval(pg_get_serial_sequence(s.t, 'id'), s.n) FROM unnest($1::text[], $2::bigint[]) AS s(t, n)"
)

# fresh statistics, or the first queries plan as if the tables were still empty
_ANALYZE = (
    "ANALYZE town, village, household, member, household_event, enterprise, pairing, base, link, payout,"
    " support_record, subsidy_scheme, subsidy_claim, voucher, payment_batch, payment_line, enterprise_industry,"
    " scheme_rate, exit_assessment, hardship_event, monitoring_line, monitoring_case, monitoring_measure,"
    " monitoring_round, monitoring_visit, asset, asset_funding, asset_ownership, asset_owner, asset_agreement,"
    " asset_beneficiary, asset_income, asset_distribution, payout_batch"
)


MAX_COUNTIES = 200


def county_codes(counties: int) -> list[tuple[str, str]]:
    """The demo's counties, (code, name): Qianjiang 429005 潜江市 first, then 示范县2, 示范县3, ... with the
    codes that follow it under Hubei (429006, 429007, ..., 429099, 429101, ...: a county's own two digits are
    never 00). The codes have the shape of Hubei's county-level units directly under the province; past the
    first, the names are synthetic and the codes are not the real counties'."""
    out: list[tuple[str, str]] = []
    seq = int(COUNTY[0][2:])  # 9005
    while len(out) < counties:
        if seq % 100:
            out.append((f"42{seq:04d}", COUNTY[1] if not out else f"示范县{len(out) + 1}"))
        seq += 1
    return out


async def load_demo(counties: int = 1) -> DemoAccounts:
    """The demo Qianjiang, or (``counties`` > 1) a province of that many counties like it: each with the
    same towns, villages, households, enterprises, links, payouts, scheme and claims, so each county's
    overview shows the report's figures."""
    if not 1 <= counties <= MAX_COUNTIES:
        raise ValueError(f"counties must be from 1 to {MAX_COUNTIES}, not {counties}")
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
        totals: dict[str, int] = {}

        loading: list[str] = []  # the county being loaded: a bulk writer gives each row its county itself

        async def copy(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
            if table in COUNTY_OWNED:  # rather than a lookup of the parent's per row by the insert trigger
                columns, rows = [*columns, COUNTY_COLUMN], [(*r, loading[-1]) for r in rows]
            await uow.conn.copy_records_to_table(table, columns=list(columns), records=rows)
            if columns[0] == "id" and rows:
                last_id[table] = max(r[0] for r in rows)

        def after(*tables: str) -> Any:
            return tuple(last_id.get(t, 0) for t in tables)

        # the province and the counties (those an admin listed already are used as they are)
        province = await regions.region_by_code(uow, PROVINCE[0])
        if province is None:
            province = await regions.add_region(uow, actor, RegionCreate(code=PROVINCE[0], name=PROVINCE[1]))
        # the province's monitoring lines (a year an admin set already keeps its line), and the caseload of
        # 2021-2025 on them: one plan, placed in each county
        await uow.execute(
            "INSERT INTO monitoring_line (region, year, amount, created_at)"
            " SELECT $1, y, a, make_timestamptz(y, 1, 15, 9, 0, 0, 'UTC') FROM unnest($2::int[], $3::numeric[]) AS l(y, a)"
            " ON CONFLICT (region, year) DO NOTHING",
            province.id,
            list(monitoring.LINES),
            list(monitoring.LINES.values()),
        )
        held = dict(await uow.fetch("SELECT year, amount FROM monitoring_line WHERE region = $1", province.id))
        ordinary_plan = ordinary.plan_households()
        caseload = monitoring.plan_cases(plan, held, ordinary_plan)
        rounds, visits = monitoring.plan_rounds(caseload, held)
        tokens: dict[str, str] = {}
        account_ids: dict[str, int] = {}
        policies = await regions.county_policies(uow)
        first_enterprise_name = ""
        for k, (county_code, county_name) in enumerate(county_codes(counties)):
            loading.append(county_code)
            county = await regions.region_by_code(uow, county_code)
            if county is None:
                county = await regions.add_region(uow, actor, RegionCreate(code=county_code, name=county_name))

            def town_code(t: int, county_code: str = county_code) -> str:
                return f"{county_code}{t:03d}"

            # town names are unique across the database: past the first county, they carry the county's name
            town_prefix = "" if k == 0 else county_name
            first_town, first_village = after("town", "village")

            # towns and villages: the first 3 (towns 1-7) or 2 villages of each town are poor; 27 have exited
            await copy(
                "town",
                ("id", "name", "code", "county_id", "created_at"),
                [
                    (first_town + t, town_prefix + name, town_code(t), county.id, now)
                    for t, name in enumerate(TOWNS, start=1)
                ],
            )
            villages, poor = [], []
            for t in range(1, len(TOWNS) + 1):
                for j in range(VILLAGES_PER_TOWN):
                    local = (t - 1) * VILLAGES_PER_TOWN + j + 1
                    vid = first_village + local
                    is_poor = j < (3 if t <= 7 else 2)
                    exited = None
                    if is_poor:
                        poor.append((vid, first_town + t))
                        if len(poor) <= EXITED_VILLAGES:
                            exited = 2016 if len(poor) <= 12 else 2017
                    villages.append(
                        (
                            vid,
                            first_town + t,
                            f"{town_code(t)}{j + 1:03d}",
                            county.id,
                            f"{TOWNS[t - 1][:2]}{j + 1}村",
                            is_poor,
                            2014 if is_poor else None,
                            exited,
                            1500 + (local * 37) % 2500,
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

            households, members, events = people.build(
                plan,
                [v[0] for v in villages],
                now,
                county=county_code,
                after=after("household", "member", "household_event"),
            )
            await copy("household", people.HOUSEHOLD_COLUMNS, households)
            await copy("member", people.MEMBER_COLUMNS, members)
            await copy("household_event", people.EVENT_COLUMNS, events)
            # the ordinary households taken in since 2021 (on no register), then the caseload and its rounds
            others, other_members, other_events = ordinary.rows(
                ordinary_plan,
                [v[0] for v in villages],
                members,
                county=county_code,
                after=after("household", "member", "household_event"),
            )
            await copy("household", people.HOUSEHOLD_COLUMNS, others)
            await copy("member", people.MEMBER_COLUMNS, other_members)
            await copy("household_event", people.EVENT_COLUMNS, other_events)
            towns = {first_town + t: town_prefix + name for t, name in enumerate(TOWNS, start=1)}
            cadres = monitoring.places(villages, towns)
            first_case = last_id.get("monitoring_case", 0)
            cases, measures = monitoring.case_rows(
                caseload,
                households,
                others,
                cadres,
                county=county_code,
                after=after("monitoring_case", "monitoring_measure"),
            )
            await copy("monitoring_case", monitoring.CASE_COLUMNS, cases)
            await copy("monitoring_measure", monitoring.MEASURE_COLUMNS, measures)
            round_rows, visit_rows = monitoring.round_rows(
                rounds,
                visits,
                caseload,
                households,
                others,
                cadres,
                county_id=county.id,
                after=(last_id.get("monitoring_round", 0), first_case, last_id.get("monitoring_visit", 0)),
            )
            await copy("monitoring_round", monitoring.ROUND_COLUMNS, round_rows)
            await copy("monitoring_visit", monitoring.VISIT_COLUMNS, visit_rows)

            first_enterprise = last_id.get("enterprise", 0)
            enterprises, enterprise_industries, pairings, enterprise_villages = chain.enterprises(
                ENTERPRISES,
                poor,
                industry_ids,
                now,
                county=(county_code, county_name),
                after=after("enterprise", "pairing"),
            )
            await copy(
                "enterprise",
                ("id", "name", "kind", "credit_code", "town", "contact_name", "contact_phone", "created_at"),
                enterprises,
            )
            await copy("enterprise_industry", ("enterprise", "industry"), enterprise_industries)
            support = chain.support_records(pairings, now, after=after("pairing", "support_record"))
            await copy("pairing", ("id", "enterprise", "village", "start_date", "end_date", "created_at"), pairings)
            bases = chain.bases(enterprise_villages, industry_ids, now, after=first_enterprise)
            await copy("base", ("id", "enterprise", "industry", "village", "name", "area", "created_at"), bases)
            linkable = [(h[0], h[12]) for h in households if h[9] != "removed"]
            first_link, first_payout = after("link", "payout")
            links = chain.links(linkable, ENTERPRISES, now, after=(first_link, first_enterprise))
            # the project assets (资产收益): the share links whose households their income reaches from 2017 end
            # in 2016, and those links' 2017 dividends are the assets' income instead (app/demo/assets.py)
            place = assets.Place(
                first_enterprise=first_enterprise,
                base_of={(b[1], code): b[0] for b in bases for code, i in industry_ids.items() if i == b[2]},
                village_of_base={b[0]: b[3] for b in bases},
                village_names={v[0]: v[4] for v in villages},
                industry_ids=industry_ids,
                households={h[0]: (h[9], h[13], h[2]) for h in households if h[9] != "removed"},
                members=Counter(m[1] for m in members),
                continuation_years=policies.of(county.id).continuation_years,
            )
            converted = assets.converted_links(
                links, place.base_of, first_enterprise=first_enterprise, first_link=first_link
            )
            links = assets.end_converted(links, converted, assets.asset_names(place))
            await copy("link", chain.LINK_COLUMNS, links)
            replaced = {link for pairs in converted.values() for link, _ in pairs}
            payouts = [p for p in chain.payouts(links, now, after=(first_link, first_payout)) if p[2] not in replaced]
            await copy("payout", chain.PAYOUT_COLUMNS, [(first_payout + n, *p[1:]) for n, p in enumerate(payouts, 1)])
            await copy("support_record", chain.SUPPORT_COLUMNS, support)

            if k == 0:
                first_enterprise_name = enterprises[0][1]
                tokens, account_ids = await _accounts(uow, actor, first_enterprise_name)
            # the register, kept by the finance bureau, and the 2017 income it recorded and distributed
            register = assets.rows(place, converted, after=last_id, recorded_by=account_ids["finance"])
            for table, columns, rows in register.tables:
                await copy(table, columns, rows)

            # the county's 2017 scheme (names are unique per year: past the first, they carry the county's)
            scheme = k + 1
            await uow.execute(
                "INSERT INTO subsidy_scheme (id, county_id, year, name, budget, household_cap, exited_eligible_until,"
                " status, voucher_seq, created_at, published_at) VALUES ($1, $8, $2, $3, $4, $5, $6, 'published', 0,"
                " $7, $7)",
                scheme,
                subsidies.SCHEME["year"],
                str(subsidies.SCHEME["name"]) + ("" if k == 0 else f"（{county_name}）"),
                subsidies.SCHEME["budget"],
                subsidies.SCHEME["household_cap"],
                subsidies.SCHEME["exited_eligible_until"],
                datetime(2017, 4, 1, tzinfo=UTC),
                county.id,
            )
            last_id["subsidy_scheme"] = scheme
            await copy(
                "scheme_rate",
                ("scheme", "industry", "unit", "min_quantity", "cap", "tiers"),
                subsidies.rate_rows(industry_ids, scheme),
            )
            base_industry = {b[0]: code for b in bases for code, i in industry_ids.items() if i == b[2]}
            card = {h[0]: h[8] for h in households}
            candidates = [(ln[3], base_industry[ln[2]], ln[2], ln[0], card[ln[3]]) for ln in links]
            claims, vouchers, batches, lines = subsidies.claims(
                candidates,
                industry_ids,
                account_ids["town_officer"],
                account_ids["finance"],
                scheme=scheme,
                after=after("subsidy_claim", "voucher", "payment_batch", "payment_line"),
            )
            await copy("subsidy_claim", subsidies.CLAIM_COLUMNS, claims)
            await copy("payment_batch", subsidies.BATCH_COLUMNS, batches)
            await copy("voucher", subsidies.VOUCHER_COLUMNS, vouchers)
            await copy("payment_line", subsidies.LINE_COLUMNS, lines)
            for key, n in (
                ("households", len(households)),
                ("members", len(members)),
                ("events", len(events)),
                ("links", len(links)),
                ("claims", len(claims)),
                ("vouchers", len(vouchers)),
                ("ordinary_households", len(others)),
                ("monitoring_cases", len(cases)),
                ("monitoring_measures", len(measures)),
                ("monitoring_rounds", len(round_rows)),
                ("monitoring_visits", len(visit_rows)),
                ("assets", len(assets.ASSETS)),
                ("asset_payouts", register.payouts),
            ):
                totals[key] = totals.get(key, 0) + n

        # voucher numbers run across the schemes (BT2017-000001 ...): each scheme's next one comes after all
        await uow.execute("UPDATE subsidy_scheme SET voucher_seq = $1", totals["vouchers"])
        await uow.execute(
            "UPDATE payment_line l SET payee = m.name FROM voucher v, member m"
            " WHERE v.id = l.voucher AND m.household = v.household AND m.relation = 'head' AND m.left_on IS NULL"
        )
        await _exit_assessments_and_hardships(uow, now)
        await uow.execute(_SET_SEQUENCES, _SEQUENCED, [last_id[t] for t in _SEQUENCED])
        summary: dict[str, int] = dict(totals) | ({"counties": counties} if counties > 1 else {})
        await uow.audit(actor, "load", "demo", "qianjiang", after=summary)
        await uow.execute(_ANALYZE)
    scopes = {"town_officer": f"town 1 {TOWNS[0]}", "operator": f"enterprise 1 {first_enterprise_name}"}
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


__all__ = ["MAX_COUNTIES", "DemoAccounts", "DemoRefused", "county_codes", "load_demo"]
