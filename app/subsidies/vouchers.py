"""Vouchers: the numbered record of an approval, its barcode and its printable page."""

from __future__ import annotations

import io
import json
from typing import Any

from barcode import Code128
from barcode.writer import SVGWriter

from app.core.errors import NotFound
from app.core.principal import Principal, ensure_town_scope
from app.core.database import fetchrow, to_struct
from app.core.money import format_yuan, to_chinese_capital
from app.subsidies.schemas import VoucherOut

_VOUCHER = """
SELECT vo.*, vo.number, vo.scheme AS scheme_id, s.year AS scheme_year, s.name AS scheme_name, vo.claim AS claim_id,
       vo.household AS household_id, h.registry_no, hd.name AS payee, t.name AS town_name, vi.name AS village_name,
       i.code AS industry, i.name_zh AS industry_name, r.unit, a.name AS approver_name,
       vo.payment_batch AS payment_batch_id, vi.town AS town_id
FROM voucher vo
JOIN subsidy_scheme s ON s.id = vo.scheme
JOIN subsidy_claim c ON c.id = vo.claim
JOIN industry i ON i.id = c.industry
JOIN scheme_rate r ON r.scheme = vo.scheme AND r.industry = c.industry
JOIN household h ON h.id = vo.household
JOIN village vi ON vi.id = h.village
JOIN town t ON t.id = vi.town
LEFT JOIN member hd ON hd.household = h.id AND hd.relation = 'head' AND hd.left_on IS NULL
LEFT JOIN account a ON a.id = vo.approved_by
"""


def voucher_number(year: int, seq: int) -> str:
    """BT2017-000123: BT for 补贴, the scheme year, the approval's place in the scheme."""
    return f"BT{year}-{seq:06d}"


def _voucher(row: Any) -> VoucherOut:
    return to_struct(VoucherOut, {**dict(row), "explanation": json.loads(row["explanation"])})


async def get_voucher(number: str) -> VoucherOut:
    return _voucher(await _voucher_row(number))


async def readable_voucher(principal: Principal, number: str) -> VoucherOut:
    """The voucher, after checking that a town officer reads one of their own town (one query)."""
    row = await _voucher_row(number)
    ensure_town_scope(principal, row["town_id"])
    return _voucher(row)


async def _voucher_row(number: str) -> Any:
    row = await fetchrow(_VOUCHER + " WHERE vo.number = $1", number.upper())
    if row is None:
        raise NotFound(f"voucher {number} does not exist")
    return row


async def get_voucher_by_claim(claim_id: int) -> VoucherOut | None:
    row = await fetchrow(_VOUCHER + " WHERE vo.claim = $1 AND vo.status <> 'cancelled'", claim_id)
    return None if row is None else _voucher(row)


UNITS_ZH = {"mu": "亩", "head": "头", "kg": "千克", "jin": "斤"}


def print_context(v: VoucherOut) -> dict[str, Any]:
    """What voucher_print.html shows: amounts in figures and capitals (大写), the barcode inline."""
    svg = barcode_svg(v.number).decode()
    return {
        "v": v,
        "quantity": f"{v.quantity.normalize():f}",
        "unit_zh": UNITS_ZH.get(v.unit, v.unit),
        "amount_figures": format_yuan(v.amount),
        "amount_capital": to_chinese_capital(v.amount),
        "approved_on": v.approved_at.date().isoformat(),
        "barcode": svg[svg.index("<svg"):],
    }


def barcode_svg(number: str) -> bytes:
    """Code 128 of the voucher number, as SVG, with the number printed under the bars."""
    out = io.BytesIO()
    Code128(number, writer=SVGWriter()).write(out, options={"module_height": 12.0, "font_size": 8, "text_distance": 4})
    return out.getvalue()
