"""A notice's page for the village noticeboard (A4): names partly hidden, the facts its kind publishes and
nothing else, and the notice number as a barcode for whoever raises an objection."""

from __future__ import annotations

import io
from typing import Any

from barcode import Code128
from barcode.writer import SVGWriter

from app.notices.rules import FACT_HEADINGS_ZH, GROUNDS_ZH, PRINTED_FACTS, TITLES_ZH, days_posted, printed_facts
from app.notices.schemas import NoticeDetail
from app.registry.masking import mask_given_name


def barcode_svg(number: str) -> str:
    """Code 128 of the notice number, as inline SVG, the number printed under the bars."""
    out = io.BytesIO()
    Code128(number, writer=SVGWriter()).write(out, options={"module_height": 10.0, "font_size": 8, "text_distance": 4})
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def print_context(notice: NoticeDetail, places: dict[str, str]) -> dict[str, Any]:
    """What notice_print.html shows. Only what is built here reaches the page: each entry's masked name and
    its kind's facts in words (``printed_facts``), never the entry's stored record as it is."""
    village = places["village"]
    committee = (village if village.endswith("村") else village + "村") + "村民委员会"
    rows = [
        {"no": i, "name": mask_given_name(e.name), "facts": printed_facts(notice.kind, e.facts)}
        for i, e in enumerate(notice.entries, start=1)
    ]
    return {
        "title": TITLES_ZH[notice.kind],
        "grounds": GROUNDS_ZH[notice.kind],
        "number": notice.number,
        "town": places["town"],
        "village": places["village"],
        "starts_on": f"{notice.starts_on.year}年{notice.starts_on.month}月{notice.starts_on.day}日",
        "ends_on": f"{notice.ends_on.year}年{notice.ends_on.month}月{notice.ends_on.day}日",
        "days": days_posted(notice.starts_on, notice.ends_on),
        "headings": [FACT_HEADINGS_ZH[k] for k in PRINTED_FACTS[notice.kind]],
        "rows": rows,
        "committee": committee,
        "objection_place": notice.objection_place or f"{committee}或{places['town']}人民政府",
        "barcode": barcode_svg(notice.number),
    }
