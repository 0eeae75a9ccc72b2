"""A county moved through the templates (issue 13): the demo Qianjiang written out kind by kind, imported into
an empty database in the same order, gives the demo's ledger: the overview's payouts by type and in total,
and each household's income, exactly as the demo's, but for the project assets' income (the asset register
is no import kind, and the templates have no asset link: only a distribution writes those payouts)."""

from __future__ import annotations

import io

from app.accounts.schemas import AccountCreate
from app.accounts.service import create_account
from app.core.principal import Principal, Role, system_principal
from app.demo import load_demo
from app.imports.county_files import write_county
from app.imports.files import Upload
from app.imports.service import run_import
from tests.api.conftest import reset_database
from tests.api.test_demo import DEMO_AMOUNTS, TEMPLATE_AMOUNTS
from tests.db import fetch

KINDS = ("regions", "households", "enterprises", "bases", "links", "payouts")
ACTOR = Principal(account_id=None, name="county admin", role=Role.admin, region_code="429005")
# each household's 2017 income by registry number, and the ledger's rows by their words (not their ids), but for
# the assets' income
INCOME = (
    "SELECT h.registry_no, sum(p.amount) AS total FROM payout p JOIN household h ON h.id = p.household"
    " WHERE p.income_type <> 'asset_income' GROUP BY h.registry_no ORDER BY h.registry_no"
)
LEDGER = (
    "SELECT h.registry_no, e.credit_code, b.name AS base, l.kind, p.income_type, p.amount, p.period_from,"
    " p.period_to, p.paid_on, p.method, p.reference, p.county_code"
    " FROM payout p JOIN household h ON h.id = p.household JOIN enterprise e ON e.id = p.enterprise"
    " JOIN link l ON l.id = p.link JOIN base b ON b.id = l.base WHERE p.income_type <> 'asset_income'"
    " ORDER BY e.credit_code, p.reference"
)


async def test_the_demo_s_payouts_moved_through_the_templates_give_the_demo_s_ledger(client):
    tokens = (await load_demo()).tokens
    headers = {"Authorization": f"Bearer {tokens['auditor']}"}
    demo = (await client.get("/api/v1/stats/overview", headers=headers)).json()
    assert {k: demo[k] for k in DEMO_AMOUNTS} == DEMO_AMOUNTS
    income, ledger = await fetch(INCOME), await fetch(LEDGER)
    files = {}
    for kind in KINDS:
        out = io.BytesIO()
        await write_county(kind, "429005", out)
        files[kind] = out.getvalue()

    await reset_database()
    for kind in KINDS:
        report = await run_import(ACTOR, kind, [Upload(f"{kind}.xlsx", files[kind])], dry_run=False)
        assert report.outcome == "imported", (kind, report.problems[:5])
    assert report.created == {"payouts": len(ledger)}
    assert [dict(r) for r in await fetch(LEDGER)] == [dict(r) for r in ledger]
    assert [dict(r) for r in await fetch(INCOME)] == [dict(r) for r in income]

    auditor = await create_account(system_principal("tests"), AccountCreate(name="auditor", role=Role.auditor))
    moved = (await client.get("/api/v1/stats/overview", headers={"Authorization": f"Bearer {auditor.token}"})).json()
    assert {k: moved[k] for k in TEMPLATE_AMOUNTS} == TEMPLATE_AMOUNTS
    again = await run_import(ACTOR, "payouts", [Upload("payouts.xlsx", files["payouts"])], dry_run=False)
    assert again.outcome == "unchanged" and again.unchanged == {"payouts": len(ledger)}
