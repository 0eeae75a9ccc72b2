"""A county moved in whole (issue 13, the first "Done when"): the demo's Qianjiang written out through the
templates, imported into an empty database over the API, gives the demo's overview, household details and
income exactly.

The overview's parts the import kinds carry are compared: places, people by status, payouts by type. The
pairings and the subsidy schemes are no import kind (a county's schemes start in ChainAid), so the empty
database has none of them; nor is the asset register, and the templates have no asset link: the payouts of
the assets' income (only a distribution writes them) are left out of what is compared."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from app.core.uow import reading
from app.demo import load_demo
from app.imports.county_files import write_county
from tests.api.conftest import reset_database
from tests.api.imports_support import finished, upload

ORDER = ("regions", "enterprises", "households", "bases", "links", "payouts")
DAYS = ("2014-12-31", "2016-12-31", "2017-12-31")
IMPORTED_PARTS = (
    "towns",
    "poor_villages_registered",
    "poor_villages_exited",
    "households_registered",
    "people_registered",
    "people_exited",
    "people_removed",
    "people_added_after_first_round",
    "payouts_by_type",
    "payouts_total",
)


async def _overviews(client, admin) -> dict[str, dict[str, Any]]:
    out = {}
    for day in DAYS:
        answer = (await client.get("/api/v1/stats/overview", params={"as_of": day}, headers=admin)).json()
        out[day] = {k: answer[k] for k in IMPORTED_PARTS}
        # the payouts the templates carry: all but the assets' income
        assets = [t for t in answer["payouts_by_type"] if t["income_type"] == "asset_income"]
        out[day]["payouts_by_type"] = [t for t in answer["payouts_by_type"] if t not in assets]
        out[day]["payouts_total"] = (
            f"{Decimal(answer['payouts_total']) - sum(Decimal(t['amount']) for t in assets):.2f}"
        )
    return out


def _detail(h: dict[str, Any]) -> dict[str, Any]:
    """A household's detail without what a database gives it (ids, times of writing) or what the templates
    do not carry (the identification steps before registration: an import brings households registered)."""
    return {
        "registry_no": h["registry_no"],
        "status": h["status"],
        "attribute": h["attribute"],
        "causes": sorted(h["causes"]),
        "bank_card": h["bank_card"],
        "members": sorted(
            (m["name"], m["id_number"], m["relation"], m["labour_ability"], m["health"], m["in_school"])
            for m in h["members"]
        ),
        "flow": [
            (e["to_status"], e["at"][:10])
            for e in h["events"]
            if e["to_status"] in ("registered", "exited", "returned", "removed")
        ],
    }


async def _households(client, admin, numbers: list[str]) -> dict[str, dict[str, Any]]:
    out = {}
    async with reading() as db:
        ids = dict(await db.fetch("SELECT registry_no, id FROM household WHERE registry_no = ANY ($1)", numbers))
    for number in numbers:
        detail = (await client.get(f"/api/v1/households/{ids[number]}", headers=admin)).json()
        income = (
            await client.get(f"/api/v1/households/{ids[number]}/income", params={"year": 2017}, headers=admin)
        ).json()
        # the payouts of every type the templates carry; subsidies are paid by schemes, which start in ChainAid,
        # and the assets' income by their distributions
        paid = [line for line in income["by_type"] if line["income_type"] not in ("subsidy", "asset_income")]
        out[number] = {**_detail(detail), "income": paid, "members_counted": income["members"]}
    return out


async def test_the_demo_written_out_and_imported_into_an_empty_database_is_the_demo(client, admin, auth):
    await load_demo()
    files = {}
    for kind in ORDER:
        book = io.BytesIO()
        await write_county(kind, "429005", book)
        files[kind] = book.getvalue()
    listed = (await client.get("/api/v1/households", params={"limit": 500}, headers=admin)).json()["items"]
    sample = [h["registry_no"] for h in listed[::7]]  # every status and attribute among them
    assert {h["status"] for h in listed} >= {"registered", "exited", "removed"}
    before = await _overviews(client, admin)
    households = await _households(client, admin, sample)

    await reset_database()
    admin = await auth("admin")
    for kind in ORDER:
        answer = await upload(client, admin, kind, [(f"{kind}.xlsx", files[kind])])
        assert answer.status_code in (201, 202), (kind, answer.text[:500])
        if answer.status_code == 202:  # a county's households and payouts are long: a job
            job = await finished(client, admin, answer.json()["id"])
        else:
            job = answer.json()
        assert job["state"] == "imported", (kind, job.get("report", {}).get("problems", [])[:3])

    assert await _overviews(client, admin) == before
    after = await _households(client, admin, sample)
    differing = [
        (number, field, households[number][field], after[number][field])
        for number in sample
        for field in households[number]
        if households[number][field] != after[number][field]
    ]
    assert differing == [], "\n".join(map(str, differing[:3]))

    # and the same files again change nothing
    for kind in ORDER:
        answer = await upload(client, admin, kind, [(f"{kind}.xlsx", files[kind])], dry_run=True)
        job = await finished(client, admin, answer.json()["id"]) if answer.status_code == 202 else answer.json()
        assert job["report"]["created"] == {} and job["report"]["updated"] == 0, kind
