"""A subsidy calculation's explanation in the reader's language.

``app/subsidies/rules.py`` writes each step as one English line, and vouchers keep those
lines as they were at approval. Here each kind of line is recognised by its shape and given
a message id with its numbers as parameters; a line of an unknown shape (a wording rules.py
adds later) is shown as it was written rather than dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.console.i18n import Texts

_N = r"-?[0-9]+(?:\.[0-9]+)?"
_U = r"\S+"
_SPAN = rf"(?:(?P<lower>{_N})–(?P<upper>{_N}) (?P<span_unit>{_U})|above (?P<above>{_N}) (?P<above_unit>{_U}))"


def _span(texts: Texts, g: dict[str, str]) -> str:
    if g.get("above") is not None:
        return texts._("above %(lower)s %(unit)s", lower=g["above"], unit=texts.term("unit", g["above_unit"]))
    return texts._(
        "%(lower)s–%(upper)s %(unit)s", lower=g["lower"], upper=g["upper"], unit=texts.term("unit", g["span_unit"])
    )


def _units(texts: Texts, g: dict[str, str]) -> dict[str, str]:
    """The parameters with the unit in words and the tier span rendered."""
    params = {k: v for k, v in g.items() if v is not None}
    if "unit" in params:
        params["unit"] = texts.term("unit", params["unit"])
    if "lower" in g or "above" in g:
        params["span"] = _span(texts, g)
    for key in ("lower", "upper", "span_unit", "above", "above_unit"):
        params.pop(key, None)
    return params


Line = tuple[re.Pattern[str], Callable[[Texts, dict[str, str]], str]]

LINES: list[Line] = [
    (
        re.compile(rf"q = (?P<q>{_N}) (?P<unit>{_U}) \(verified\)"),
        lambda t, p: t._("q = %(q)s %(unit)s (verified)", **p),
    ),
    (
        re.compile(rf"q = (?P<q>{_N}) (?P<unit>{_U}) \(declared\)"),
        lambda t, p: t._("q = %(q)s %(unit)s (declared)", **p),
    ),
    (
        re.compile(
            rf"(?P<q>{_N}) (?P<unit>{_U}) is below threshold (?P<min>{_N}) {_U}: "
            rf"nothing is paid → (?P<amount>{_N})"
        ),
        lambda t, p: t._(
            "%(q)s %(unit)s is below the threshold of %(min)s %(unit)s: nothing is paid → %(amount)s", **p
        ),
    ),
    (
        re.compile(rf"threshold (?P<min>{_N}) (?P<unit>{_U}): met"),
        lambda t, p: t._("threshold %(min)s %(unit)s: met", **p),
    ),
    (
        re.compile(
            rf"tier (?P<n>[0-9]+): (?P<part>{_N}) (?P<unit>{_U}) × (?P<rate>{_N}) = (?P<product>{_N}) \({_SPAN}\)"
        ),
        lambda t, p: t._("tier %(n)s: %(part)s %(unit)s × %(rate)s = %(product)s (%(span)s)", **p),
    ),
    (
        re.compile(rf"tier (?P<n>[0-9]+) \({_SPAN}\): not reached"),
        lambda t, p: t._("tier %(n)s (%(span)s): not reached", **p),
    ),
    (
        re.compile(rf"(?P<excess>{_N}) (?P<unit>{_U}) above the last tier's limit (?P<limit>{_N}) {_U} earns nothing"),
        lambda t, p: t._("%(excess)s %(unit)s above the last tier's limit of %(limit)s %(unit)s earns nothing", **p),
    ),
    (
        re.compile(rf"sum (?P<total>{_N}), rounded half-up to the fen: (?P<amount>{_N})"),
        lambda t, p: t._("sum %(total)s, rounded half-up to the fen: %(amount)s", **p),
    ),
    (re.compile(rf"no cap on the rate → (?P<amount>{_N})"), lambda t, p: t._("no cap on the rate → %(amount)s", **p)),
    (
        re.compile(rf"capped at the rate's cap (?P<cap>{_N}) → (?P<amount>{_N})"),
        lambda t, p: t._("capped at the rate's cap of %(cap)s → %(amount)s", **p),
    ),
    (
        re.compile(rf"within the rate's cap (?P<cap>{_N}) → (?P<amount>{_N})"),
        lambda t, p: t._("within the rate's cap of %(cap)s → %(amount)s", **p),
    ),
    (re.compile(rf"no household cap → (?P<amount>{_N})"), lambda t, p: t._("no household cap → %(amount)s", **p)),
    (
        re.compile(
            rf"household cap (?P<cap>{_N}), already approved (?P<already>{_N}), left (?P<left>{_N}): "
            rf"(?P<amount>{_N}) capped at what is left → {_N}"
        ),
        lambda t, p: t._(
            "household cap %(cap)s, already approved %(already)s, %(left)s left: "
            "%(amount)s is capped at what is left → %(left)s",
            **p,
        ),
    ),
    (
        re.compile(
            rf"household cap (?P<cap>{_N}), already approved (?P<already>{_N}), left (?P<left>{_N}): "
            rf"(?P<amount>{_N}) is within it → {_N}"
        ),
        lambda t, p: t._(
            "household cap %(cap)s, already approved %(already)s, %(left)s left: %(amount)s is within it → %(amount)s",
            **p,
        ),
    ),
]


def explain(texts: Texts, line: str) -> str:
    """One line of a calculation in the reader's language."""
    for pattern, render in LINES:
        match = pattern.fullmatch(line)
        if match:
            return render(texts, _units(texts, match.groupdict()))
    return line


def explain_all(texts: Texts, lines: list[str] | tuple[str, ...]) -> list[str]:
    return [explain(texts, line) for line in lines]


# The return-to-poverty watch describes each entry in one English line (app/monitoring/service.py);
# read the same way, until monitoring hands over a message id with its parameters.
_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
WATCH_LINES: list[Line] = [
    (
        re.compile(
            rf"(?P<year>[0-9]{{4}}) per-capita income (?P<income>{_N}) is under (?P<multiple>{_N})"
            rf" × the poverty line (?P<line>{_N})"
        ),
        lambda t, p: t._(
            "%(year)s per-capita income %(income)s is under %(multiple)s × the poverty line %(line)s", **p
        ),
    ),
    (
        re.compile(rf"(?P<kind>[a-z_]+) on (?P<day>{_DAY}): (?P<note>.*)", re.S),
        lambda t, p: t._("%(kind)s on %(day)s: %(note)s", **{**p, "kind": t.term("hardship kind", p["kind"])}),
    ),
    (
        re.compile(rf"(?P<kind>[a-z_]+) on (?P<day>{_DAY})"),
        lambda t, p: t._("%(kind)s on %(day)s", **{**p, "kind": t.term("hardship kind", p["kind"])}),
    ),
    (
        re.compile(rf"(?P<kind>[a-z_]+) link with (?P<enterprise>.+) ended on (?P<day>{_DAY})", re.S),
        lambda t, p: t._(
            "%(kind)s link with %(enterprise)s ended on %(day)s", **{**p, "kind": t.term("link kind", p["kind"])}
        ),
    ),
]


def watch_detail(texts: Texts, detail: str | None) -> str:
    """A return-to-poverty watch entry's detail in the reader's language."""
    if not detail:
        return ""
    for pattern, render in WATCH_LINES:
        match = pattern.fullmatch(detail)
        if match:
            return render(texts, {k: v for k, v in match.groupdict().items() if v is not None})
    return detail
