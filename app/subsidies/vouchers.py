"""Vouchers: the numbered record of an approval, its barcode and its printable page."""

from __future__ import annotations

import io
from typing import Any

from barcode import Code128
from barcode.writer import SVGWriter

from app.core.errors import NotFound
from app.core.money import format_yuan, to_chinese_capital
from app.core.principal import Principal, ensure_county_scope, ensure_town_scope
from app.core.uow import reading
from app.subsidies import queries
from app.subsidies.schemas import VoucherOut


def voucher_number(year: int, seq: int) -> str:
    """BT2017-000123: BT for 补贴, the scheme year, the approval's place in that year (all its schemes)."""
    return f"BT{year}-{seq:06d}"


async def readable_voucher(principal: Principal, number: str) -> VoucherOut:
    """The voucher, after checking that a town officer reads one of their own town, the others one of their
    region's counties (one query)."""
    async with reading() as db:
        found = await queries.voucher_by_number(db, number.upper())
    if found is None:
        raise NotFound(f"voucher {number} does not exist")
    ensure_town_scope(principal, found.town_id)
    ensure_county_scope(principal, found.county_code)
    return found.voucher


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
        "barcode": svg[svg.index("<svg") :],
    }


def barcode_svg(number: str) -> bytes:
    """Code 128 of the voucher number, as SVG, with the number printed under the bars."""
    out = io.BytesIO()
    Code128(number, writer=SVGWriter()).write(out, options={"module_height": 12.0, "font_size": 8, "text_distance": 4})
    return out.getvalue()
