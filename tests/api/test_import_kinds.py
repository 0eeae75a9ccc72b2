"""Importing enterprises, bases and links from their templates (issue 13), through ``run_import`` on the real
database: a good file is written and read back through the API, each family of problem is named by sheet,
row and column with nothing written, a file equal to the records changes nothing, a changed row updates its
record with an audit entry, and a county written out as the templates imports back into the same records."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest

from app.core.principal import Principal, Role, system_principal
from app.core.uow import reading
from app.imports.county_files import write_county
from app.imports.files import Upload
from app.imports.service import ImportReport, run_import
from app.sheets.filled import filled_csv
from app.sheets.templates import BASES, ENTERPRISES, HOUSEHOLDS, LINKS, MEMBERS
from tests.db import fetch, fetchrow
from tests.factories import credit_code, resident_id
from tests.registry_helpers import make_town, make_village

ACTOR = system_principal("tests import")
SHEETS = {"enterprises": "经营主体", "bases": "基地", "links": "带贫关系"}


async def _import(kind: str, *files: tuple[Any, list[dict[str, Any]]], actor: Principal = ACTOR) -> ImportReport:
    uploads = [Upload(f"{sheet.key}.csv", filled_csv(sheet, rows)) for sheet, rows in files]
    return await run_import(actor, kind, uploads, dry_run=False)


def _where(report: ImportReport) -> set[tuple[str, int, str]]:
    """Each problem as (sheet, row, column's code name)."""
    return {(p.sheet, p.row, p.column.rsplit(" ", 1)[-1] if p.column else "") for p in report.problems}


def _enterprise(n: int, town_code: str, **over: Any) -> dict[str, Any]:
    return {
        "name": f"潜江虾稻专业合作社{n}",
        "kind": "cooperative",
        "credit_code": credit_code(n),
        "town_code": town_code,
        "industries": "crayfish_rice;soybean",
        "contact_name": f"联系人{n}",
        "contact_phone": "0728-6200001",
        **over,
    }


def _base(n: int, village_code: str, **over: Any) -> dict[str, Any]:
    return {
        "enterprise_credit_code": credit_code(n),
        "name": f"虾稻基地{n}",
        "industry": "crayfish_rice",
        "village_code": village_code,
        "area": Decimal("320.50"),
        **over,
    }


SHARE = {"share_capital": Decimal("5000.00"), "dividend_rate": Decimal("0.08"), "dividend_period": "yearly"}
WAGE = {"wage_basis": "day", "wage_rate": Decimal("120.00")}
COOPERATION = {"contract_price": Decimal("14.00"), "contract_unit": "公斤", "contracted_quantity": Decimal("800")}
FRANCHISE = {
    "franchise_terms": "统一品牌 统一种苗",
    "franchise_fee": Decimal("0.00"),
    "franchise_split": Decimal("0.7"),
}


def _link(registry_no: str, kind: str, terms: dict[str, Any], **over: Any) -> dict[str, Any]:
    return {
        "registry_no": registry_no,
        "enterprise_credit_code": credit_code(1),
        "base": "虾稻基地1",
        "kind": kind,
        "start_date": "2017-03-01",
        **terms,
        **over,
    }


@pytest.fixture
async def world(client, admin) -> dict[str, Any]:
    """A town with two villages in the home county, three registered households (imported), and a town of
    the county 429006."""
    town = await make_town(client, admin)
    village = await make_village(client, admin, town)
    other_village = await make_village(client, admin, town, name="新河村")
    neighbour = (await client.post("/api/v1/regions", json={"code": "429006", "name": "示范县2"}, headers=admin)).json()
    away = (
        await client.post("/api/v1/towns", json={"name": "邻县镇", "county_id": neighbour["id"]}, headers=admin)
    ).json()
    town_code = (await fetchrow("SELECT code FROM town WHERE id = $1", town))["code"]
    village_codes = [
        (await fetchrow("SELECT code FROM village WHERE id = $1", v))["code"] for v in (village, other_village)
    ]
    numbers = [f"4290050000{n:04d}" for n in (1, 2, 3)]
    households = [
        {
            "registry_no": number,
            "village_code": village_codes[0],
            "attribute": "ordinary",
            "causes": ["illness"],
            "identified_year": 2014,
            "registered_on": "2014-10-20",
            "status": "registered",
        }
        for number in numbers
    ]
    members = [
        {
            "registry_no": number,
            "name": f"张{k}",
            "id_number": resident_id(k),
            "relation": "head",
            "labour_ability": "full",
        }
        for k, number in enumerate(numbers, start=1)
    ]
    report = await _import("households", (HOUSEHOLDS, households), (MEMBERS, members))
    assert report.outcome == "imported", report.problems
    return {
        "town_code": town_code,
        "village_code": village_codes[0],
        "other_village_code": village_codes[1],
        "away_town_code": away["code"],
        "households": numbers,
    }


async def _linked_world(world: dict[str, Any]) -> None:
    """Two enterprises, their bases, and a link of each kind for the world's households."""
    r = await _import(
        "enterprises", (ENTERPRISES, [_enterprise(1, world["town_code"]), _enterprise(2, world["town_code"])])
    )
    assert r.outcome == "imported", r.problems
    r = await _import("bases", (BASES, [_base(1, world["village_code"]), _base(2, world["other_village_code"])]))
    assert r.outcome == "imported", r.problems
    h1, h2, h3 = world["households"]
    rows = [
        _link(h1, "share", SHARE),
        _link(h2, "wage", WAGE),
        _link(h3, "cooperation", COOPERATION, note="订单收购"),
        _link(
            h1, "franchise", FRANCHISE, enterprise_credit_code=credit_code(2), base="虾稻基地2", end_date="2019-12-31"
        ),
    ]
    r = await _import("links", (LINKS, rows))
    assert r.outcome == "imported", r.problems


# ------------------------------------------------------------------------------------------ a good file


async def test_a_good_file_of_each_kind_is_written_and_read_back_through_the_api(client, admin, world):
    report = await _import(
        "enterprises", (ENTERPRISES, [_enterprise(1, world["town_code"]), _enterprise(2, world["town_code"])])
    )
    assert report.outcome == "imported" and report.county == "429005"
    assert report.created == {"enterprises": 2, "enterprise_industries": 4}
    listed = (await client.get("/api/v1/enterprises", headers=admin)).json()["items"]
    first = next(e for e in listed if e["credit_code"] == credit_code(1))
    assert first["name"] == "潜江虾稻专业合作社1" and first["kind"] == "cooperative"
    assert first["industries"] == ["crayfish_rice", "soybean"] and first["contact_phone"] == "0728-6200001"

    report = await _import("bases", (BASES, [_base(1, world["village_code"]), _base(2, world["other_village_code"])]))
    assert report.outcome == "imported" and report.created == {"bases": 2}
    bases = (await client.get(f"/api/v1/bases?enterprise_id={first['id']}", headers=admin)).json()["items"]
    assert [(b["name"], b["industry"], Decimal(b["area"])) for b in bases] == [
        ("虾稻基地1", "crayfish_rice", Decimal("320.5"))
    ]

    h1, h2, h3 = world["households"]
    rows = [
        _link(h1, "share", SHARE),
        _link(h2, "wage", WAGE),
        _link(h3, "cooperation", COOPERATION, note="订单收购"),
        _link(
            h1, "franchise", FRANCHISE, enterprise_credit_code=credit_code(2), base="虾稻基地2", end_date="2019-12-31"
        ),
    ]
    report = await _import("links", (LINKS, rows))
    assert report.outcome == "imported" and report.created == {"links": 4}
    links = (await client.get("/api/v1/links?page_size=50", headers=admin)).json()["items"]
    by_kind = {ln["kind"]: ln for ln in links}
    assert set(by_kind) == {"share", "wage", "cooperation", "franchise"}
    share = by_kind["share"]
    assert (share["registry_no"], share["base_name"], share["start_date"], share["end_date"]) == (
        h1,
        "虾稻基地1",
        "2017-03-01",
        None,
    )
    assert share["terms"] == {
        "kind": "share",
        "share_capital": "5000.00",
        "dividend_rate": "0.0800",
        "dividend_period": "yearly",
    }
    assert by_kind["franchise"]["end_date"] == "2019-12-31" and by_kind["franchise"]["base_name"] == "虾稻基地2"
    assert by_kind["cooperation"]["note"] == "订单收购"
    # each import is one audit entry in its county's chain
    entries = await fetch("SELECT action, chain FROM audit_entry WHERE entity = 'import' ORDER BY id")
    assert [(e["action"], e["chain"]) for e in entries][-3:] == [
        ("imports.enterprises", "429005"),
        ("imports.bases", "429005"),
        ("imports.links", "429005"),
    ]


# --------------------------------------------------------------------------------------------- problems


async def _count(table: str) -> int:
    return (await fetchrow(f"SELECT count(*) AS n FROM {table}"))["n"]


async def test_enterprise_codes_contacts_and_repeats_are_named_and_nothing_is_written(world):
    bad_check = credit_code(3)[:-1] + ("0" if credit_code(3)[-1] != "0" else "1")
    rows = [
        _enterprise(1, world["town_code"]),
        _enterprise(2, world["town_code"], credit_code=bad_check),
        _enterprise(3, world["town_code"], credit_code=credit_code(1)),  # row 2's code again
        _enterprise(4, world["town_code"], contact_phone="12345"),
        _enterprise(5, world["town_code"], industries="crayfish_rice;tea"),
        _enterprise(6, "429005999"),
    ]
    report = await _import("enterprises", (ENTERPRISES, rows))
    sheet = SHEETS["enterprises"]
    assert report.outcome == "refused"
    assert _where(report) == {
        (sheet, 3, "credit_code"),
        (sheet, 4, "credit_code"),
        (sheet, 5, "contact_phone"),
        (sheet, 6, "industries"),
        (sheet, 7, "town_code"),
    }
    reasons = {p.row: str(p.reason) for p in report.problems}
    assert "check character" in reasons[3]
    assert reasons[4] == "repeats row 2"
    assert "tea" in reasons[6] and "429005999" in reasons[7]
    assert await _count("enterprise") == 0 and await _count("enterprise_industry") == 0


async def test_an_import_is_for_one_county_and_the_actor_s_region(world):
    rows = [_enterprise(1, world["town_code"]), _enterprise(2, world["away_town_code"])]
    report = await _import("enterprises", (ENTERPRISES, rows))
    assert _where(report) == {(SHEETS["enterprises"], 3, "town_code")}
    assert "one county (429005)" in str(report.problems[0].reason)

    away_admin = Principal(account_id=None, name="邻县", role=Role.admin, region_code="429006")
    report = await _import("enterprises", (ENTERPRISES, [_enterprise(1, world["town_code"])]), actor=away_admin)
    assert _where(report) == {(SHEETS["enterprises"], 2, "town_code")}
    assert str(report.problems[0].reason) == "the town is outside your region"
    assert await _count("enterprise") == 0


async def test_base_references_industries_and_area_are_named_and_nothing_is_written(world):
    r = await _import("enterprises", (ENTERPRISES, [_enterprise(1, world["town_code"])]))
    assert r.outcome == "imported"
    rows = [
        _base(1, world["village_code"]),
        _base(1, world["village_code"], area=Decimal("10")),  # the same name again
        _base(9, world["village_code"]),  # no such enterprise
        _base(1, world["village_code"], name="果蔬基地", industry="vegetables"),  # not the enterprise's industry
        _base(1, "429005999999", name="远方基地"),
        _base(1, world["village_code"], name="零面积", area=Decimal("0")),
    ]
    report = await _import("bases", (BASES, rows))
    sheet = SHEETS["bases"]
    assert _where(report) == {
        (sheet, 3, "name"),
        (sheet, 4, "enterprise_credit_code"),
        (sheet, 5, "industry"),
        (sheet, 6, "village_code"),
        (sheet, 7, "area"),
    }
    reasons = {p.row: str(p.reason) for p in report.problems}
    assert reasons[3] == "repeats row 2"
    assert "crayfish_rice;soybean" in reasons[5]
    assert reasons[7] == "must be greater than 0"
    assert await _count("base") == 0


async def test_link_terms_are_held_to_the_kind_s_terms(world):
    await _linked_world(world)
    _, h2, _ = world["households"]
    base = {"start_date": "2018-01-01"}
    rows = [
        _link(h2, "share", {**SHARE, "share_capital": None}, **base),  # a share link without its capital
        _link(h2, "wage", {**WAGE, "contract_price": Decimal("3.00")}, **base),  # another kind's term
        _link(h2, "share", {**SHARE, "dividend_rate": Decimal("1.5")}, **base, base="虾稻基地1"),  # not a fraction
        _link(h2, "cooperation", {**COOPERATION, "contracted_quantity": Decimal("0")}, **base),
    ]
    report = await _import("links", (LINKS, rows))
    sheet = SHEETS["links"]
    assert _where(report) == {
        (sheet, 2, "share_capital"),
        (sheet, 3, "contract_price"),
        (sheet, 4, "dividend_rate"),
        (sheet, 5, "contracted_quantity"),
    }
    reasons = {p.row: str(p.reason) for p in report.problems}
    assert reasons[2] == "is required for a share link"
    assert reasons[3] == "is not a term of a wage link; leave it empty"
    assert "fraction" in reasons[4]
    assert await _count("link") == 4


async def test_link_references_dates_and_overlaps_are_named_and_nothing_is_written(world):
    await _linked_world(world)
    h1, h2, _ = world["households"]
    rows = [
        _link(h2, "share", SHARE, start_date="2018-01-01"),  # fine on its own
        _link("42900599999999", "wage", WAGE),  # no such household
        _link(h2, "wage", WAGE, enterprise_credit_code=credit_code(9)),  # no such enterprise
        _link(h2, "wage", WAGE, base="没有的基地"),  # not a base of the enterprise
        _link(h2, "wage", WAGE, start_date="2018-05-01", end_date="2018-01-01"),  # ends before it starts
        _link(h2, "share", SHARE, start_date="2018-06-01"),  # overlaps row 2 (open-ended)
        _link(h2, "share", SHARE, start_date="2018-01-01"),  # row 2 again
        _link(h1, "share", SHARE, start_date="2018-01-01"),  # overlaps h1's share link on record
    ]
    report = await _import("links", (LINKS, rows))
    sheet = SHEETS["links"]
    assert _where(report) == {
        (sheet, 3, "registry_no"),
        (sheet, 4, "enterprise_credit_code"),
        (sheet, 5, "base"),
        (sheet, 6, "end_date"),
        (sheet, 7, "start_date"),
        (sheet, 8, "start_date"),
        (sheet, 9, "start_date"),
    }
    reasons = {p.row: str(p.reason) for p in report.problems}
    assert reasons[6] == "is before start_date"
    assert reasons[7] == "overlaps row 2: the same household, base and kind"
    assert reasons[8] == "repeats row 2"
    assert reasons[9].startswith("overlaps the link on record from 2017-03-01")
    assert await _count("link") == 4


async def test_a_removed_household_is_not_linked(world):
    await _linked_world(world)
    h3 = world["households"][2]
    await fetch("UPDATE household SET status = 'removed', removed_reason = 'other' WHERE registry_no = $1", h3)
    report = await _import("links", (LINKS, [_link(h3, "wage", WAGE, start_date="2020-01-01")]))
    assert _where(report) == {(SHEETS["links"], 2, "registry_no")}
    assert str(report.problems[0].reason) == "the household was removed from the registry"


# ----------------------------------------------------------------------------------------------- re-import


async def test_a_file_equal_to_the_records_changes_nothing(world):
    await _linked_world(world)
    before = await _count("audit_entry")
    r = await _import(
        "enterprises", (ENTERPRISES, [_enterprise(1, world["town_code"]), _enterprise(2, world["town_code"])])
    )
    assert (r.outcome, r.unchanged, r.created) == ("unchanged", {"enterprises": 2}, {})
    r = await _import("bases", (BASES, [_base(1, world["village_code"]), _base(2, world["other_village_code"])]))
    assert (r.outcome, r.unchanged) == ("unchanged", {"bases": 2})
    h1, h2, h3 = world["households"]
    rows = [
        _link(h1, "share", {**SHARE, "dividend_rate": Decimal("0.0800")}),
        _link(h2, "wage", WAGE),
        _link(h3, "cooperation", COOPERATION, note="订单收购"),
        _link(
            h1, "franchise", FRANCHISE, enterprise_credit_code=credit_code(2), base="虾稻基地2", end_date="2019-12-31"
        ),
    ]
    r = await _import("links", (LINKS, rows))
    assert (r.outcome, r.unchanged) == ("unchanged", {"links": 4})
    assert await _count("audit_entry") == before


async def test_changed_rows_update_their_records_each_with_an_audit_entry(client, admin, world):
    await _linked_world(world)
    r = await _import(
        "enterprises",
        (
            ENTERPRISES,
            [
                _enterprise(
                    1, world["town_code"], name="潜江虾稻专业合作社(更名)", industries="crayfish_rice;vegetables"
                ),
                _enterprise(2, world["town_code"], industries="crayfish_rice"),  # soybean left out: kept
            ],
        ),
    )
    assert (r.outcome, r.updated, r.unchanged, r.created) == (
        "imported",
        1,
        {"enterprises": 1},
        {"enterprise_industries": 1},
    )
    assert r.changes[0].before == {"name": "潜江虾稻专业合作社1", "industries": ["crayfish_rice", "soybean"]}
    assert r.changes[0].after == {
        "name": "潜江虾稻专业合作社(更名)",
        "industries": ["crayfish_rice", "soybean", "vegetables"],
    }
    assert any("soybean" in str(note) for note in r.notes)
    enterprise = (await client.get("/api/v1/enterprises", headers=admin)).json()["items"]
    first = next(e for e in enterprise if e["credit_code"] == credit_code(1))
    assert first["name"] == "潜江虾稻专业合作社(更名)"
    assert first["industries"] == ["crayfish_rice", "soybean", "vegetables"]

    r = await _import(
        "bases",
        (BASES, [_base(1, world["village_code"], area=Decimal("400")), _base(2, world["other_village_code"])]),
    )
    assert (r.outcome, r.updated) == ("imported", 1)
    assert (r.changes[0].before, r.changes[0].after) == ({"area": "320.50"}, {"area": "400"})

    h1, h2, h3 = world["households"]
    rows = [
        _link(h1, "share", {**SHARE, "share_capital": Decimal("6000.00")}),
        _link(h2, "wage", WAGE, end_date="2020-06-30"),
        _link(h3, "cooperation", COOPERATION, note="订单收购"),
        _link(
            h1, "franchise", FRANCHISE, enterprise_credit_code=credit_code(2), base="虾稻基地2", end_date="2019-12-31"
        ),
    ]
    r = await _import("links", (LINKS, rows))
    assert (r.outcome, r.updated, r.unchanged) == ("imported", 2, {"links": 2})
    changes = {c.key.split(" ")[0] + " " + c.key.split(" ")[3]: c for c in r.changes}
    assert changes[f"{h1} share"].after == {"share_capital": "6000.00"}
    assert (changes[f"{h2} wage"].before, changes[f"{h2} wage"].after) == (
        {"end_date": None},
        {"end_date": "2020-06-30"},
    )
    links = (await client.get("/api/v1/links?page_size=50", headers=admin)).json()["items"]
    wage = next(ln for ln in links if ln["kind"] == "wage")
    share = next(ln for ln in links if ln["kind"] == "share")
    assert wage["end_date"] == "2020-06-30" and share["terms"]["share_capital"] == "6000.00"

    entries = await fetch(
        "SELECT action, entity, chain, before, after FROM audit_entry WHERE action LIKE '%.import_update' ORDER BY id"
    )
    assert [(e["action"], e["entity"], e["chain"]) for e in entries] == [
        ("enterprises.import_update", "enterprise", "429005"),
        ("bases.import_update", "base", "429005"),
        ("links.import_update", "link", "429005"),
        ("links.import_update", "link", "429005"),
    ]
    assert json.loads(entries[1]["before"]) == {"area": "320.50"}


async def test_a_link_s_end_is_only_brought_forward(world):
    await _linked_world(world)
    h1 = world["households"][0]
    franchise = dict(enterprise_credit_code=credit_code(2), base="虾稻基地2")
    for end, reason in ((None, "the record ends the link on 2019-12-31"), ("2020-12-31", "the record ends the link")):
        report = await _import("links", (LINKS, [_link(h1, "franchise", FRANCHISE, **franchise, end_date=end)]))
        assert _where(report) == {(SHEETS["links"], 2, "end_date")}
        assert str(report.problems[0].reason).startswith(reason)
    report = await _import("links", (LINKS, [_link(h1, "franchise", FRANCHISE, **franchise, end_date="2018-12-31")]))
    assert (report.outcome, report.updated) == ("imported", 1)


# -------------------------------------------------------------------------------------- a county, moved


async def test_a_county_written_out_imports_back_into_the_same_records(world):
    await _linked_world(world)
    files = {}
    for kind in ("enterprises", "bases", "links"):
        out = io.BytesIO()
        await write_county(kind, "429005", out)
        files[kind] = out.getvalue()
    snapshot = """
        SELECT e.credit_code, e.name, e.kind, e.contact_phone,
               (SELECT array_agg(i.code ORDER BY i.code) FROM enterprise_industry ei JOIN industry i ON i.id = ei.industry
                WHERE ei.enterprise = e.id) AS industries,
               b.name AS base, b.area, v.code AS village, h.registry_no, l.kind AS link_kind, l.start_date, l.end_date,
               l.share_capital, l.dividend_rate, l.wage_rate, l.contract_unit, l.franchise_split, l.note
        FROM link l JOIN enterprise e ON e.id = l.enterprise JOIN base b ON b.id = l.base
        JOIN village v ON v.id = b.village JOIN household h ON h.id = l.household
        ORDER BY h.registry_no, l.kind"""
    before = [dict(r) for r in await fetch(snapshot)]
    async with reading() as db, db.transaction():
        await db.execute("SET LOCAL session_replication_role = replica")
        await db.execute("DELETE FROM link; DELETE FROM base; DELETE FROM enterprise_industry; DELETE FROM enterprise")
    for kind in ("enterprises", "bases", "links"):
        report = await run_import(ACTOR, kind, [Upload(f"{kind}.xlsx", files[kind])], dry_run=False)
        assert report.outcome == "imported", report.problems
    assert [dict(r) for r in await fetch(snapshot)] == before
    for kind in ("enterprises", "bases", "links"):
        report = await run_import(ACTOR, kind, [Upload(f"{kind}.xlsx", files[kind])], dry_run=False)
        assert report.outcome == "unchanged", (kind, report.problems)


async def test_an_operator_imports_only_its_own_enterprise_s_bases(world):
    r = await _import(
        "enterprises", (ENTERPRISES, [_enterprise(1, world["town_code"]), _enterprise(2, world["town_code"])])
    )
    assert r.outcome == "imported"
    own = (await fetchrow("SELECT id FROM enterprise WHERE credit_code = $1", credit_code(1)))["id"]
    operator = Principal(account_id=None, name="合作社出纳", role=Role.operator, enterprise_id=own)
    rows = [_base(1, world["village_code"]), _base(2, world["village_code"])]
    report = await _import("bases", (BASES, rows), actor=operator)
    assert _where(report) == {(SHEETS["bases"], 3, "village_code")}
    report = await _import("bases", (BASES, rows[:1]), actor=operator)
    assert (report.outcome, report.created) == ("imported", {"bases": 1})


async def test_a_link_s_end_is_never_brought_before_its_payouts(client, auth, world):
    await _linked_world(world)
    h2 = world["households"][1]
    enterprise = (await fetchrow("SELECT id FROM enterprise WHERE credit_code = $1", credit_code(1)))["id"]
    link_id = (await fetchrow("SELECT l.id FROM link l WHERE l.kind = 'wage'"))["id"]
    payout = {
        "link_id": link_id,
        "income_type": "wage",
        "amount": "1200.00",
        "period_from": "2018-05-01",
        "period_to": "2018-05-31",
        "paid_on": "2018-06-01",
        "method": "bank",
        "reference": "W-1",
    }
    r = await client.post("/api/v1/payouts", json=payout, headers=await auth("operator", enterprise_id=enterprise))
    assert r.status_code == 201, r.text
    report = await _import("links", (LINKS, [_link(h2, "wage", WAGE, end_date="2018-04-30")]))
    assert _where(report) == {(SHEETS["links"], 2, "end_date")}
    assert str(report.problems[0].reason) == (
        "payouts under this link cover periods up to 2018-05-31; it cannot end before that"
    )
    assert (await fetchrow("SELECT end_date FROM link WHERE id = $1", link_id))["end_date"] is None
