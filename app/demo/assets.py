"""The demo county's project assets (扶贫项目资产, issue 15): the register, its ownership, the operating
agreements with the demo's enterprises, the income of 2017 and its distribution to households, generated
deterministically and written as the assets service writes them.

What the funds of 2015-2017 built, per industry: for crayfish-rice (虾稻) the field works of the paddies (沟渠、
田埂), a crayfish cold store and a rice mill; for soybean (大豆) a drying and storage centre, a bean-products
workshop and drainage ditches; for Pinellia (半夏) a drying plant, seedling greenhouses, a store and (public-welfare,
公益性) the base's field roads and ditches; for fruit and vegetables (果蔬) a cold store, greenhouses, a sorting and
packing workshop and field works. Each stands in a poor village, where one of the county's enterprises has its
base in the asset's industry, its ownership confirmed to that village's collective in 2017; two are household
assets (到户类), confirmed to named households of their village on the register, run by those households
themselves (no agreement). Funds come
from central, provincial and county budgets, with their years; the book value is the funds invested (the cost),
depreciated straight-line over 10 or 20 years, land works not at all.

The thirteen operating assets are run by an odd-numbered enterprise of the county (the demo's enterprises with
share links: ``app.demo.chain``) under an agreement from 2017 to 2026 signed in December 2016: a lease (租赁) at a
yearly rent of 8,000.00, 10 % of it kept for public-welfare jobs, or shares (入股) with a guaranteed return of
8 % of the funds invested a year, 20 % of it kept; the rest shared equally among the households the agreement
lists. The 2017 income is exactly what the agreement promises, received in December 2017 and distributed on
26 December 2017.

**Where the asset income comes from (the 2017 figures).** The households an agreement lists are households
that held one of the enterprise's share links on the asset's base (5,000.00 of poverty funds invested for
them, 入股, a guaranteed 8 % dividend of 400.00 a year; ``app.demo.chain``), paid in full. From 2017 those funds
count as the village collective's asset (资产收益扶贫): each such share link ends on 31 December 2016, and its
2017 dividend is not paid; the asset's income pays the household 400.00 instead, as ``asset_income`` under an
``asset`` link to the same enterprise on the same base. Every agreement's numbers are chosen so that each part
comes to exactly 400.00 (a rent of 8,000.00 less 10 % among 18 households; 8 % of 100,000.00 or 150,000.00
less 20 % among 16 or 24 households), so that no household's 2017 income, no payout count and no total of the
ledger changes: the overview's dividends are split into ``dividend`` and ``asset_income``, and their sum is
the demo's dividends as before. The share links chosen are the later ones on each base, past those the 2017
subsidy claims name (``app.demo.subsidies.CLAIMS``) and never one paid short (the dividend arrears stay).

The rows are the assets service's (``app.assets.service.distribute_income``): the amounts and the whole's lines
are ``app.assets.rules.distribute``'s; each household's standing is ``standing_of``'s on the day paid in 2017
(nobody was monitored before 2021); the ``asset`` links start with the income's period and end with the
agreement, made in household order; the payouts, one per household in the agreement's order, are of one batch
of source ``asset``, with the service's references and fingerprints. The times of writing are the days things
happened (9:00 UTC), so two loads write the same rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.assets.model import DistributionMethod
from app.assets.rules import Recipient, distribute, income_hash, standing_of
from app.assets.service import PAYOUT_SOURCE, payout_reference
from app.demo import chain
from app.demo.chain import INDUSTRIES, KIND_NAMES
from app.demo.subsidies import CLAIMS
from app.payouts.rules import body_hasher
from app.registry.rules import continuation_end

DIVIDEND = Decimal("400.00")
"""The yearly dividend of a share link paid in full (``app.demo.chain.payouts``): each household's part."""
SHARE_ENDS = date(2016, 12, 31)
STARTS, ENDS, SIGNED = date(2017, 1, 1), date(2026, 12, 31), date(2016, 12, 16)
PAID_ON = date(2017, 12, 26)
PAY_METHOD = "bank"
RENT = Decimal("8000.00")
RATE = Decimal("0.0800")
LEASE_PUBLIC, SHARES_PUBLIC = Decimal("0.1000"), Decimal("0.2000")


@dataclass(frozen=True, slots=True)
class Terms:
    """An agreement: ``lease`` at ``RENT`` among 18 households, or ``shares`` at ``RATE`` of the funds."""

    form: str
    households: int


@dataclass(frozen=True, slots=True)
class PlannedAsset:
    enterprise: int
    """The enterprise's place in its county (1-42): the asset stands in the village of its base in the industry."""
    industry: str
    label: str
    """The asset's name after its village's (园林1村 + 小龙虾冷库)."""
    asset_class: str
    kind: str
    funding: tuple[tuple[str, int, Decimal], ...]
    completed_on: date
    useful_life_years: int | None
    """Straight-line depreciation's life; None: not depreciated (land works)."""
    terms: Terms | None
    owners: int = 0
    """Household assets: the number of households of the village it is confirmed to."""


def _y(amount: int) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


LEASE, SHARES_16, SHARES_24 = Terms("lease", 18), Terms("shares", 16), Terms("shares", 24)

ASSETS: tuple[PlannedAsset, ...] = (
    # 虾稻 (the enterprises 3, 7, 11, ... have their crayfish-rice base second)
    PlannedAsset(
        3, "crayfish_rice", "虾稻共作田沟渠田埂", "operating", "field_works",
        (("central", 2015, _y(70_000)), ("county", 2015, _y(30_000))), date(2015, 12, 20), None, LEASE,
    ),
    PlannedAsset(
        7, "crayfish_rice", "小龙虾冷库", "operating", "storage",
        (("central", 2016, _y(100_000)), ("provincial", 2016, _y(30_000)), ("county", 2016, _y(20_000))),
        date(2016, 10, 31), 20, SHARES_24,
    ),
    PlannedAsset(
        11, "crayfish_rice", "虾稻米加工厂", "operating", "processing",
        (("central", 2015, _y(60_000)), ("provincial", 2016, _y(40_000))), date(2016, 6, 30), 20, SHARES_16,
    ),
    PlannedAsset(
        27, "crayfish_rice", "到户虾稻田改造", "household", "field_works",
        (("county", 2017, _y(36_000)),), date(2017, 4, 30), None, None, owners=3,
    ),
    # 大豆 (the enterprises 1, 5, 9, ... have their soybean base first)
    PlannedAsset(
        1, "soybean", "大豆烘干仓储中心", "operating", "storage",
        (("central", 2016, _y(60_000)), ("provincial", 2016, _y(25_000)), ("county", 2016, _y(15_000))),
        date(2016, 9, 30), 20, SHARES_16,
    ),
    PlannedAsset(
        5, "soybean", "大豆制品加工车间", "operating", "processing",
        (("central", 2015, _y(80_000)), ("county", 2016, _y(40_000))), date(2016, 4, 30), 20, LEASE,
    ),
    PlannedAsset(
        9, "soybean", "大豆基地排灌沟渠", "operating", "field_works",
        (("central", 2015, _y(90_000)),), date(2015, 11, 30), None, LEASE,
    ),
    # 半夏 (the enterprises 1, 5, 9, ... have their Pinellia base second)
    PlannedAsset(
        13, "pinellia", "半夏烘干厂", "operating", "processing",
        (("central", 2016, _y(90_000)), ("provincial", 2016, _y(40_000)), ("county", 2016, _y(20_000))),
        date(2016, 12, 10), 20, SHARES_24,
    ),
    PlannedAsset(
        17, "pinellia", "半夏种苗繁育大棚", "operating", "greenhouse",
        (("provincial", 2016, _y(60_000)), ("county", 2016, _y(40_000))), date(2016, 5, 31), 10, LEASE,
    ),
    PlannedAsset(
        21, "pinellia", "半夏仓储库", "operating", "storage",
        (("central", 2016, _y(70_000)), ("county", 2016, _y(30_000))), date(2016, 11, 15), 20, SHARES_16,
    ),
    PlannedAsset(
        25, "pinellia", "半夏基地田间道路沟渠", "public_welfare", "field_works",
        (("county", 2017, _y(48_000)),), date(2017, 5, 31), None, None,
    ),
    # 果蔬 (the enterprises 3, 7, 11, ... have their fruit-and-vegetables base first)
    PlannedAsset(
        15, "vegetables", "果蔬冷库", "operating", "storage",
        (("central", 2016, _y(100_000)), ("provincial", 2016, _y(50_000))), date(2016, 8, 31), 20, SHARES_24,
    ),
    PlannedAsset(
        19, "vegetables", "蔬菜连栋大棚", "operating", "greenhouse",
        (("central", 2015, _y(80_000)), ("county", 2015, _y(30_000))), date(2016, 3, 31), 10, LEASE,
    ),
    PlannedAsset(
        23, "vegetables", "果蔬分拣包装车间", "operating", "processing",
        (("central", 2016, _y(60_000)), ("provincial", 2016, _y(20_000)), ("county", 2016, _y(20_000))),
        date(2016, 7, 31), 20, SHARES_16,
    ),
    PlannedAsset(
        31, "vegetables", "果蔬基地田间沟渠", "operating", "field_works",
        (("central", 2015, _y(50_000)), ("county", 2015, _y(30_000))), date(2015, 12, 31), None, LEASE,
    ),
    PlannedAsset(
        35, "vegetables", "到户蔬菜大棚", "household", "greenhouse",
        (("provincial", 2017, _y(48_000)),), date(2017, 3, 31), 10, None, owners=4,
    ),
)  # fmt: skip


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def _promised(asset: PlannedAsset) -> Decimal:
    """What the agreement promises for 2017, which is what the operator pays."""
    assert asset.terms is not None
    if asset.terms.form == "lease":
        return RENT
    return (RATE * sum(f[2] for f in asset.funding)).quantize(Decimal("0.01"))


# ---- which share links become the assets' households ------------------------------------------------


def converted_links(
    link_rows: Sequence[tuple[Any, ...]],
    base_of: Mapping[tuple[int, str], int],
    *,
    first_enterprise: int,
    first_link: int,
) -> dict[int, list[tuple[int, int]]]:
    """For each planned asset with an agreement (by its place in ``ASSETS``), the share links whose households
    it lists, as (link id, household id) in link order: the last ones on the operator's base in the asset's
    industry that were paid in full (``app.demo.chain.payouts`` pays one share link in ten short, by its place
    in the county) and that no 2017 subsidy claim names (the first ``CLAIMS`` links)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for i, asset in enumerate(ASSETS):
        if asset.terms is None:
            continue
        base = base_of[(first_enterprise + asset.enterprise, asset.industry)]
        eligible = [
            (row[0], row[3])
            for row in link_rows
            if row[2] == base and row[4] == "share" and (row[0] - first_link) % 10 and row[0] - first_link > CLAIMS
        ]
        wanted = asset.terms.households
        if len(eligible) < wanted:
            raise ValueError(f"the base of {asset.label} has {len(eligible)} share links to convert, not {wanted}")
        out[i] = eligible[-wanted:]
    return out


def end_converted(
    link_rows: list[tuple[Any, ...]], converted: Mapping[int, list[tuple[int, int]]], names: Sequence[str]
) -> list[tuple[Any, ...]]:
    """The link rows with each converted share link ended on 31 December 2016 and saying why (``names``: the
    assets' names by their place in ``ASSETS``)."""
    note_of = {link: f"2017年起转为村集体资产收益: {names[i]}" for i, pairs in converted.items() for link, _ in pairs}
    end, note_at = chain.LINK_COLUMNS.index("end_date"), chain.LINK_COLUMNS.index("note")
    out = []
    for row in link_rows:
        note = note_of.get(row[0])
        if note is not None:
            changed = list(row)
            changed[end], changed[note_at] = SHARE_ENDS, note
            row = tuple(changed)
        out.append(row)
    return out


# ---- the rows ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """What the assets of one county stand on."""

    first_enterprise: int
    base_of: Mapping[tuple[int, str], int]
    """(enterprise id, industry code) -> the enterprise's base in that industry."""
    village_of_base: Mapping[int, int]
    village_names: Mapping[int, str]
    industry_ids: Mapping[str, int]
    households: Mapping[int, tuple[str, int | None, int]]
    """household id -> (status, exit year, village) of the households on the register."""
    members: Mapping[int, int]
    continuation_years: int


@dataclass(slots=True)
class Rows:
    """Every table's rows, in the order they are written."""

    tables: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]
    payouts: int


ASSET_COLUMNS = (
    "id", "name", "asset_class", "kind", "industry", "village", "base", "completed_on", "book_value",
    "depreciation", "useful_life_years", "status", "note", "created_by", "created_at", "updated_at",
)  # fmt: skip
FUNDING_COLUMNS = ("id", "asset", "source", "year", "amount")
OWNERSHIP_COLUMNS = (
    "id", "asset", "owner_kind", "confirmed_on", "document_no", "document_title", "note", "created_by", "created_at",
)  # fmt: skip
OWNER_COLUMNS = ("id", "ownership", "household")
AGREEMENT_COLUMNS = (
    "id", "asset", "operator", "base", "form", "starts_on", "ends_on", "signed_on", "document_no", "yearly_rent",
    "guaranteed_rate", "profit_share", "method", "public_share", "note", "created_by", "created_at",
)  # fmt: skip
BENEFICIARY_COLUMNS = ("id", "agreement", "household", "position", "weight")
INCOME_COLUMNS = (
    "id", "agreement", "received_on", "period_year", "amount", "reference", "body_hash", "note", "created_by",
    "created_at",
)  # fmt: skip
BATCH_COLUMNS = ("id", "enterprise", "source", "rows_received", "rows_written", "created_by", "created_at")
LINK_COLUMNS = ("id", "enterprise", "base", "household", "kind", "start_date", "end_date", "note", "created_at")
PAYOUT_COLUMNS = (
    "id", "enterprise", "link", "household", "income_type", "amount", "period_from", "period_to", "paid_on",
    "method", "reference", "body_hash", "batch", "created_by", "created_at",
)  # fmt: skip
DISTRIBUTION_COLUMNS = (
    "id", "income", "method", "public_share", "amount", "public_amount", "distributed", "households_paid",
    "households_excluded", "paid_on", "pay_method", "period_from", "period_to", "payout_batch", "first_payout",
    "last_payout", "households", "members", "weights", "standings", "reasons", "amounts", "explanation",
    "body_hash", "created_by", "created_at",
)  # fmt: skip

_TABLES = (
    "asset",
    "asset_funding",
    "asset_ownership",
    "asset_owner",
    "asset_agreement",
    "asset_beneficiary",
    "asset_income",
    "payout_batch",
    "link",
    "payout",
    "asset_distribution",
)
"""The tables the rows go to, in the order they are written (each after those it refers to)."""


def distribution_fingerprint(income_id: int, paid_on: date, pay_method: str) -> str:
    """The distribution's ``body_hash``, as the service makes it from its request (the income, the day paid,
    the method): what tells a resend of the request from another."""
    return hashlib.sha256(f"{income_id}|{paid_on.isoformat()}|{pay_method}".encode()).hexdigest()


def rows(
    place: Place, converted: Mapping[int, list[tuple[int, int]]], *, after: Mapping[str, int], recorded_by: int | None
) -> Rows:
    """The county's assets and everything under them; ``after``: the last id of each table taken before;
    ``recorded_by``: the account that registered and recorded them (the demo's finance bureau)."""
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for t in _TABLES}

    def next_id(table: str) -> int:
        return after.get(table, 0) + len(out[table]) + 1

    names = asset_names(place)
    for i, planned in enumerate(ASSETS):
        eid = place.first_enterprise + planned.enterprise
        base = place.base_of[(eid, planned.industry)]
        village = place.village_of_base[base]
        name = names[i]
        funds = sum(f[2] for f in planned.funding)
        asset_id = next_id("asset")
        # registered from February 2017 (those finished later, three weeks after), confirmed four weeks on
        registered_on = max(date(2017, 2, 1 + i), planned.completed_on + timedelta(days=21))
        registered = _at(registered_on)
        out["asset"].append(
            (
                asset_id,
                name,
                planned.asset_class,
                planned.kind,
                place.industry_ids[planned.industry],
                village,
                base if planned.asset_class == "operating" else None,
                planned.completed_on,
                funds,
                "none" if planned.useful_life_years is None else "straight_line",
                planned.useful_life_years,
                "in_use",
                f"{KIND_NAMES[planned.industry]}产业扶贫项目资产，{planned.completed_on.year}年竣工验收",
                recorded_by,
                registered,
                registered,
            )
        )
        for source, year, given in planned.funding:
            out["asset_funding"].append((next_id("asset_funding"), asset_id, source, year, given))

        # 确权: to the village's collective, or to households of the village on the register
        ownership_id = next_id("asset_ownership")
        confirmed = registered_on + timedelta(days=28)
        owners = []
        if planned.owners:
            owners = [
                h
                for h, (status, _, v) in sorted(place.households.items())
                if v == village and status in ("registered", "returned")
            ][: planned.owners]
            assert len(owners) == planned.owners, (name, owners)
        out["asset_ownership"].append(
            (
                ownership_id,
                asset_id,
                "households" if owners else "village_collective",
                confirmed,
                f"潜扶资确〔2017〕{i + 1}号",
                "扶贫项目资产确权到户登记表" if owners else "扶贫项目资产确权移交书",
                None,
                recorded_by,
                _at(confirmed),
            )
        )
        for h in owners:
            out["asset_owner"].append((next_id("asset_owner"), ownership_id, h))

        if planned.terms is None:
            continue
        # the agreement, its households, the 2017 income and its distribution
        listed = converted[i]
        lease = planned.terms.form == "lease"
        public_share = LEASE_PUBLIC if lease else SHARES_PUBLIC
        agreement_id = next_id("asset_agreement")
        out["asset_agreement"].append(
            (
                agreement_id,
                asset_id,
                eid,
                base,
                planned.terms.form,
                STARTS,
                ENDS,
                SIGNED,
                f"潜扶资营〔2016〕{i + 1}号",
                RENT if lease else None,
                None if lease else RATE,
                None,
                DistributionMethod.equal.value,
                public_share,
                "年租金8000元，每年12月付清" if lease else "按财政投入资金的8%保底分红，每年12月付清",
                recorded_by,
                _at(SIGNED),
            )
        )
        for position, (_, h) in enumerate(listed):
            out["asset_beneficiary"].append((next_id("asset_beneficiary"), agreement_id, h, position, None))

        income = _promised(planned)
        received = date(2017, 12, 15 if lease else 20)
        reference = f"SR2017-{i + 1:02d}"
        note = "2017年度租金" if lease else "2017年度保底收益"
        income_id = next_id("asset_income")
        out["asset_income"].append(
            (
                income_id,
                agreement_id,
                received,
                2017,
                income,
                reference,
                income_hash(agreement_id, received, 2017, income, reference, note),
                note,
                recorded_by,
                _at(received),
            )
        )

        period_from, period_to = STARTS, date(2017, 12, 31)
        recipients = []
        for _, h in listed:
            status, exited, _ = place.households[h]
            standing, why = standing_of(
                status, exited, continuation_end(status, exited, place.continuation_years), False, period_to
            )
            recipients.append(Recipient(h, place.members[h], None, standing, why))
        shared = distribute(income, DistributionMethod.equal, public_share, recipients, explain=False)
        if any(p.amount != DIVIDEND for p in shared.parts):
            raise ValueError(f"{name}: the parts are not the dividends they replace")

        # the asset links (in household order), the batch and its payouts (in the agreement's order)
        at = _at(PAID_ON)
        link_of = {}
        for h in sorted(h for _, h in listed):
            link_of[h] = next_id("link")
            out["link"].append((link_of[h], eid, base, h, "asset", period_from, ENDS, f"资产收益: {name}", at))
        batch_id = next_id("payout_batch")
        out["payout_batch"].append((batch_id, eid, PAYOUT_SOURCE, len(shared.paid), len(shared.paid), recorded_by, at))
        fingerprint = body_hasher("asset_income", period_from, period_to, PAID_ON, PAY_METHOD)
        first_payout = next_id("payout")
        for part in shared.paid:
            link_id = link_of[part.household_id]
            ref = payout_reference(income_id, part.household_id)
            out["payout"].append(
                (
                    next_id("payout"),
                    eid,
                    link_id,
                    part.household_id,
                    "asset_income",
                    part.amount,
                    period_from,
                    period_to,
                    PAID_ON,
                    PAY_METHOD,
                    ref,
                    fingerprint(link_id, part.amount, ref),
                    batch_id,
                    recorded_by,
                    at,
                )
            )
        out["asset_distribution"].append(
            (
                next_id("asset_distribution"),
                income_id,
                shared.method.value,
                shared.public_share,
                shared.income,
                shared.public_amount,
                shared.distributed,
                len(shared.paid),
                sum(1 for p in shared.parts if not p.included),
                PAID_ON,
                PAY_METHOD,
                period_from,
                period_to,
                batch_id,
                first_payout,
                first_payout + len(shared.paid) - 1,
                [r.household_id for r in recipients],
                [r.members for r in recipients],
                [r.weight for r in recipients],
                [r.standing.value for r in recipients],
                [str(r.why) for r in recipients],
                [p.amount for p in shared.parts],
                json.dumps(list(shared.lines), ensure_ascii=False),
                distribution_fingerprint(income_id, PAID_ON, PAY_METHOD),
                recorded_by,
                at,
            )
        )

    columns = {
        "asset": ASSET_COLUMNS,
        "asset_funding": FUNDING_COLUMNS,
        "asset_ownership": OWNERSHIP_COLUMNS,
        "asset_owner": OWNER_COLUMNS,
        "asset_agreement": AGREEMENT_COLUMNS,
        "asset_beneficiary": BENEFICIARY_COLUMNS,
        "asset_income": INCOME_COLUMNS,
        "payout_batch": BATCH_COLUMNS,
        "link": LINK_COLUMNS,
        "payout": PAYOUT_COLUMNS,
        "asset_distribution": DISTRIBUTION_COLUMNS,
    }
    return Rows(tables=[(t, columns[t], out[t]) for t in _TABLES], payouts=len(out["payout"]))


def asset_names(place: Place) -> list[str]:
    """The planned assets' names in the county, by their place in ``ASSETS``: the village's name and the label."""
    return [
        place.village_names[place.village_of_base[place.base_of[(place.first_enterprise + a.enterprise, a.industry)]]]
        + a.label
        for a in ASSETS
    ]


assert {a.industry for a in ASSETS} == set(INDUSTRIES)
