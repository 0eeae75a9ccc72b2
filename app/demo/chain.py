"""Enterprises, pairings, bases, links, a year of payouts and support records, generated deterministically."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.core.identifiers import _credit_code_check_char
from app.core.money import round_fen
from app.pairing.rules import support_hash
from app.payouts.rules import INCOME_TYPE_FOR_KIND, body_hash

INDUSTRIES = ["crayfish_rice", "soybean", "pinellia", "vegetables"]
KIND_NAMES = {"crayfish_rice": "虾稻", "soybean": "大豆", "pinellia": "半夏", "vegetables": "果蔬"}
LINK_KINDS = ["share", "wage", "cooperation", "franchise"]
SUPPORT_KINDS = ["industry", "employment", "training", "donation", "consumption"]


def credit_code(n: int, county: str = "429005") -> str:
    body = f"93{county}MA{n:07d}"
    return body + _credit_code_check_char(body)


def enterprises(
    count: int,
    poor_villages: list[tuple[int, int]],
    industry_ids: dict[str, int],
    now: datetime,
    *,
    county: tuple[str, str] = ("429005", "潜江市"),
    after: tuple[int, int] = (0, 0),
):
    """(enterprise rows, enterprise_industry rows, pairing rows, villages by enterprise).

    ``poor_villages``: (village id, town id). Enterprises 1-33 help one poor village each; 34-42
    two each; enterprise 1 also helps a second village, so every mode of pairing appears.
    ``county``: the county's code and name (in credit codes and names); ``after``: the last enterprise and
    pairing ids taken by the counties loaded before.
    """
    first_enterprise, first_pairing = after
    rows: list[tuple[Any, ...]] = []
    industries: list[tuple[int, int]] = []
    pairings: list[tuple[Any, ...]] = []
    assignment: dict[int, list[int]] = {}
    for e in range(1, count + 1):
        if e <= 33:
            assignment[e] = [e - 1]
        else:
            first = 33 + 2 * (e - 34)
            assignment[e] = [first, first + 1]
    assignment[1].append(33)  # 多企一村: enterprise 1 joins enterprise 34 in that village
    for e in range(1, count + 1):
        _village, town = poor_villages[assignment[e][0]]
        main, second = INDUSTRIES[e % 4], INDUSTRIES[(e + 1) % 4]
        kind = ("cooperative", "enterprise", "family_farm")[e % 3]
        eid = first_enterprise + e
        rows.append(
            (
                eid,
                f"{county[1]}{KIND_NAMES[main]}产业{('专业合作社', '农业发展有限公司', '家庭农场')[e % 3]}{e:02d}",
                kind,
                credit_code(e, county[0]),
                town,
                f"联系人{e:02d}",
                f"0728-62{e:05d}",
                now,
            )
        )
        industries.append((eid, industry_ids[main]))
        industries.append((eid, industry_ids[second]))
        for v in assignment[e]:
            pairings.append((first_pairing + len(pairings) + 1, eid, poor_villages[v][0], date(2016, 3, 1), None, now))
    villages = {first_enterprise + e: [poor_villages[v][0] for v in vs] for e, vs in assignment.items()}
    return rows, industries, pairings, villages


def bases(enterprise_villages: dict[int, list[int]], industry_ids: dict[str, int], now: datetime, *, after: int = 0):
    """Two bases per enterprise (2e-1 and 2e, by the enterprise's id), one in each of its industries, in its
    first paired village; ``after``: the last enterprise id taken by the counties loaded before."""
    rows = []
    for eid, villages in enterprise_villages.items():
        e = eid - after  # the enterprise's place in its county, which its industries follow
        for k, industry in enumerate((INDUSTRIES[e % 4], INDUSTRIES[(e + 1) % 4])):
            rows.append(
                (
                    2 * eid - 1 + k,
                    eid,
                    industry_ids[industry],
                    villages[0],
                    f"{KIND_NAMES[industry]}基地{e:02d}-{k + 1}",
                    Decimal(200 + (e * 37 + k * 90) % 600),
                    now,
                )
            )
    return rows


def links(linkable: list[tuple[int, bool]], count_enterprises: int, now: datetime, *, after: tuple[int, int] = (0, 0)):
    """A link for every third household on the register: (household id, late addition).

    ``after``: the last link and enterprise ids taken by the counties loaded before."""
    first_link, first_enterprise = after
    rows = []
    for n, (household, late) in enumerate(linkable[::3], start=1):
        e = first_enterprise + (n % count_enterprises) + 1
        kind = LINK_KINDS[n % 4]
        base = 2 * e - 1 + (n // 4) % 2
        terms = {
            "share": (Decimal("5000.00"), Decimal("0.0800"), "yearly", None, None, None, None, None, None, None, None),
            "wage": (None, None, None, "day", Decimal("120.00"), None, None, None, None, None, None),
            "cooperation": (None, None, None, None, None, Decimal("14.00"), "jin", Decimal("800.00"), None, None, None),
            "franchise": (
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "统一品牌 统一种苗 统一收购",
                Decimal("0.00"),
                Decimal("0.7000"),
            ),
        }[kind]
        start = date(2016, 8, 1) if late else date(2016, 1, 1)
        rows.append((first_link + n, e, base, household, kind, start, None, *terms, None, now))
    return rows


LINK_COLUMNS = (
    "id",
    "enterprise",
    "base",
    "household",
    "kind",
    "start_date",
    "end_date",
    "share_capital",
    "dividend_rate",
    "dividend_period",
    "wage_basis",
    "wage_rate",
    "contract_price",
    "contract_unit",
    "contracted_quantity",
    "franchise_terms",
    "franchise_fee",
    "franchise_split",
    "note",
    "created_at",
)


def payouts(link_rows, now: datetime, *, after: tuple[int, int] = (0, 0)):
    """2017: the guaranteed dividend once a year (one share link in ten paid short, to show arrears),
    wages and purchases and franchise income twice.

    ``after``: the last link and payout ids taken by the counties loaded before (amounts follow the link's
    place in its county, so every county is paid the same)."""
    first_link, first_payout = after
    rows: list[tuple[Any, ...]] = []
    for link in link_rows:
        link_id, enterprise, _, household, kind = link[:5]
        n = link_id - first_link
        income_type = INCOME_TYPE_FOR_KIND[kind]
        if kind == "share":
            amount = Decimal("400.00") if n % 10 else Decimal("250.00")
            halves = [(date(2017, 1, 1), date(2017, 12, 31), date(2017, 12, 25), amount)]
        else:
            base = {"wage": 1800, "cooperation": 5600, "franchise": 2400}[kind]
            halves = [
                (date(2017, 1, 1), date(2017, 6, 30), date(2017, 7, 10), Decimal(base + n % 300)),
                (date(2017, 7, 1), date(2017, 12, 31), date(2017, 12, 28), Decimal(base + (n * 7) % 300)),
            ]
        for h, (start, end, paid_on, amount) in enumerate(halves, start=1):
            reference = f"DEMO-{link_id}-{h}"
            amount = round_fen(amount)
            method = "cash" if n % 9 == 0 else "bank"
            rows.append(
                (
                    first_payout + len(rows) + 1,
                    enterprise,
                    link_id,
                    household,
                    income_type,
                    amount,
                    start,
                    end,
                    paid_on,
                    method,
                    reference,
                    body_hash(link_id, income_type, amount, start, end, paid_on, method, reference),
                    now,
                )
            )
    return rows


PAYOUT_COLUMNS = (
    "id",
    "enterprise",
    "link",
    "household",
    "income_type",
    "amount",
    "period_from",
    "period_to",
    "paid_on",
    "method",
    "reference",
    "body_hash",
    "created_at",
)


def support_records(pairing_rows, now: datetime, *, after: tuple[int, int] = (0, 0)):
    """Three records per pairing; ``after``: the last pairing and record ids taken by the counties before."""
    first_pairing, first_record = after
    rows: list[tuple[Any, ...]] = []
    for pairing_id, enterprise, village, *_ in pairing_rows:
        n = pairing_id - first_pairing
        for k in range(3):
            kind = SUPPORT_KINDS[(n + k) % 5]
            amount = round_fen(Decimal(5000 + 2500 * ((n * 3 + k) % 7)))
            in_kind = "虾稻共作技术培训" if kind == "training" else None
            given_on = date(2017, 3 + 3 * k, 10)
            households, people = 10 + n % 20, 30 + n % 50
            reference = f"DEMO-S-{pairing_id}-{k + 1}"
            rows.append(
                (
                    first_record + len(rows) + 1,
                    enterprise,
                    village,
                    kind,
                    amount,
                    in_kind,
                    households,
                    people,
                    given_on,
                    None,
                    reference,
                    support_hash(village, kind, amount, in_kind, households, people, given_on, None, reference),
                    now,
                )
            )
    return rows


SUPPORT_COLUMNS = (
    "id",
    "enterprise",
    "village",
    "kind",
    "amount",
    "in_kind",
    "households_benefited",
    "people_benefited",
    "given_on",
    "note",
    "reference",
    "body_hash",
    "created_at",
)
