"""Special planting and breeding subsidy (特色种植养殖补贴) calculation.

Pure functions, standard library only: no I/O, no ORM, plain values in and out. Every
amount is a ``decimal.Decimal``, never a float, and every result explains itself line
by line so that a town officer, the finance bureau or an auditor can redo the sum by
hand; the same inputs give the same result on any day.

How a claim's amount is found (see :func:`calculate`):

1. q is the quantity (mu, head, …): the field-verified quantity when there is one,
   else the declared one.
2. Below the scheme's ``min_quantity`` nothing is paid.
3. Otherwise the rate is tiered: each tier pays its rate on the part of q between the
   previous tier's ``up_to`` (0 for the first tier) and its own ``up_to`` (no upper
   limit when ``None``, which only the last tier may have). When the last tier is
   bounded, the quantity above it earns nothing.
4. The sum is rounded half-up to the fen once, at the end (never tier by tier).
5. The result is capped at the scheme's per-claim ``cap`` when there is one.

At approval :func:`cap_for_household` caps it again at what is left of the
household's cap in the scheme, and :func:`is_eligible` tells whether a household in
a given status may claim at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from app.core.messages import N_, Message, code, message
from app.core.money import FEN, round_fen
from app.registry.model import HouseholdStatus
from app.registry.rules import IDENTIFICATION, POOR_NOW

__all__ = [
    "ELIGIBLE_STATUSES",
    "LINE_CODES",
    "LINE_TEMPLATES",
    "PRE_REGISTRATION_STATUSES",
    "SPAN_TEMPLATES",
    "Calculation",
    "Rate",
    "Tier",
    "calculate",
    "cap_for_household",
    "is_eligible",
    "payable_quantity",
    "validate_rate",
]

# Enough precision that sums and products of realistic quantities and rates are exact.
_PREC = 60
_ZERO = Decimal("0.00")


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tier:
    """One step of a tiered rate: ``rate`` yuan per unit up to ``up_to`` units.

    ``up_to=None`` means no upper limit; only the last tier may have it.
    """

    up_to: Decimal | None
    rate: Decimal


@dataclass(frozen=True, slots=True)
class Rate:
    """A scheme's rate for one industry, e.g. crayfish-rice, per mu.

    ``min_quantity`` is the threshold below which nothing is paid; ``cap`` the most a
    single claim can get (``None``: no cap); ``tiers`` the tiered rate, in order.
    """

    industry: str
    unit: str
    min_quantity: Decimal
    cap: Decimal | None
    tiers: tuple[Tier, ...]


@dataclass(frozen=True, slots=True)
class Calculation:
    """An amount (2 places, yuan) and its explanation, one step per line.

    Each step is a message (a template in ``LINE_TEMPLATES`` and its numbers) so that the
    console says it in the reader's language; ``lines`` is the English text, as the API and
    the vouchers keep it. The last line always states the final amount.
    """

    amount: Decimal
    steps: tuple[Message | str, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(str(step) for step in self.steps)


# Every template a step is written with, in the order a reader of the English text tries them
# (the console reads stored lines back into these). The tier span is a message of its own.
Q_VERIFIED = N_("q = {q} {unit} (verified)")
Q_DECLARED = N_("q = {q} {unit} (declared)")
BELOW_THRESHOLD = N_("{q} {unit} is below threshold {min} {unit}: nothing is paid → {amount}")
THRESHOLD_MET = N_("threshold {min} {unit}: met")
TIER_PAID = N_("tier {n}: {part} {unit} × {rate} = {product} ({span})")
TIER_NOT_REACHED = N_("tier {n} ({span}): not reached")
ABOVE_LAST_TIER = N_("{excess} {unit} above the last tier's limit {limit} {unit} earns nothing")
ROUNDED = N_("sum {total}, rounded half-up to the fen: {amount}")
NO_RATE_CAP = N_("no cap on the rate → {amount}")
RATE_CAPPED = N_("capped at the rate's cap {cap} → {amount}")
WITHIN_RATE_CAP = N_("within the rate's cap {cap} → {amount}")
NO_HOUSEHOLD_CAP = N_("no household cap → {amount}")
HOUSEHOLD_CAPPED = N_(
    "household cap {cap}, already approved {already}, left {left}: {amount} capped at what is left → {left}"
)
WITHIN_HOUSEHOLD_CAP = N_(
    "household cap {cap}, already approved {already}, left {left}: {amount} is within it → {amount}"
)
SPAN = N_("{lower}–{upper} {unit}")
SPAN_ABOVE = N_("above {lower} {unit}")

LINE_TEMPLATES = (
    Q_VERIFIED,
    Q_DECLARED,
    BELOW_THRESHOLD,
    THRESHOLD_MET,
    TIER_PAID,
    TIER_NOT_REACHED,
    ABOVE_LAST_TIER,
    ROUNDED,
    NO_RATE_CAP,
    RATE_CAPPED,
    WITHIN_RATE_CAP,
    NO_HOUSEHOLD_CAP,
    HOUSEHOLD_CAPPED,
    WITHIN_HOUSEHOLD_CAP,
)
SPAN_TEMPLATES = (SPAN, SPAN_ABOVE)
# the parameters that are stored codes (read in words), by their code kind
LINE_CODES = {"unit": "unit"}


# --------------------------------------------------------------------------------------
# Formatting helpers (for the explanation lines)
# --------------------------------------------------------------------------------------


def _qty(d: Decimal) -> str:
    """A quantity without needless zeros or exponents: 12.500 → "12.5", 10 → "10"."""
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _yuan(d: Decimal) -> str:
    """An amount or rate with 2 places, or more when it needs them: 0.015 stays "0.015"."""
    if d == d.quantize(FEN):
        return str(d.quantize(FEN) + _ZERO)  # + 0.00 turns -0.00 into 0.00
    return format(d.normalize(), "f")


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def _check_number(value: object, what: str) -> Decimal:
    # bool is an int, and a float cannot hold 0.1 exactly: both are refused.
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{what} must be a Decimal or int, not {type(value).__name__}")
    d = value if isinstance(value, Decimal) else Decimal(value)
    if not d.is_finite():
        raise ValueError(f"{what} must be a finite number, got {d}")
    return d


def _check_money(value: object, what: str) -> Decimal:
    d = _check_number(value, what)
    if d < 0:
        raise ValueError(f"{what} must not be negative, got {_yuan(d)}")
    if d != d.quantize(FEN):
        raise ValueError(f"{what} must have at most 2 decimal places, got {_qty(d)}")
    return d


def validate_rate(rate: Rate) -> None:
    """Raise ValueError naming the problem when ``rate`` cannot be used.

    Refused: no tiers; a tier's ``up_to`` that is ≤ 0 or not strictly greater than
    the previous tier's; an unlimited tier (``up_to=None``) that is not the last;
    a negative tier rate, ``min_quantity`` or ``cap``; a cap with more than 2
    decimal places (it is an amount of money). A float anywhere is a TypeError.
    """
    min_quantity = _check_number(rate.min_quantity, "min_quantity")
    if min_quantity < 0:
        raise ValueError(f"min_quantity must not be negative, got {_qty(min_quantity)}")
    if rate.cap is not None:
        _check_money(rate.cap, "cap")
    if not rate.tiers:
        raise ValueError("a rate needs at least one tier")

    previous: Decimal | None = None
    last = len(rate.tiers) - 1
    for i, tier in enumerate(rate.tiers):
        n = i + 1
        tier_rate = _check_number(tier.rate, f"tier {n} rate")
        if tier_rate < 0:
            raise ValueError(f"tier {n} rate must not be negative, got {_yuan(tier_rate)}")
        if tier.up_to is None:
            if i != last:
                raise ValueError(
                    f"tier {n} has no upper limit, so it must be the last tier (there are {len(rate.tiers)})"
                )
            continue
        up_to = _check_number(tier.up_to, f"tier {n} up_to")
        if up_to <= 0:
            raise ValueError(f"tier {n} up_to must be greater than 0, got {_qty(up_to)}")
        if previous is not None and up_to <= previous:
            raise ValueError(
                f"tier up_to must be strictly increasing: tier {n} up_to {_qty(up_to)} "
                f"is not above tier {n - 1} up_to {_qty(previous)}"
            )
        previous = up_to


def _as_decimals(rate: Rate) -> Rate:
    """The same (validated) rate with every int turned into a Decimal."""

    def dec(x: Decimal | int) -> Decimal:
        return x if isinstance(x, Decimal) else Decimal(x)

    return Rate(
        industry=rate.industry,
        unit=rate.unit,
        min_quantity=dec(rate.min_quantity),
        cap=None if rate.cap is None else dec(rate.cap),
        tiers=tuple(Tier(up_to=None if t.up_to is None else dec(t.up_to), rate=dec(t.rate)) for t in rate.tiers),
    )


# --------------------------------------------------------------------------------------
# Calculation
# --------------------------------------------------------------------------------------


def calculate(rate: Rate, quantity: Decimal, *, verified: bool) -> Calculation:
    """The subsidy for ``quantity`` units under ``rate``, explained line by line.

    ``quantity`` is the verified quantity when there is one, else the declared one;
    ``verified`` only changes the wording of the first line. Raises ValueError for
    an invalid rate (see :func:`validate_rate`) or a negative quantity, TypeError
    for a float.
    """
    validate_rate(rate)
    rate = _as_decimals(rate)
    q = _check_number(quantity, "quantity")
    if q < 0:
        raise ValueError(f"quantity must not be negative, got {_qty(q)}")
    unit = code("unit", rate.unit)

    lines: list[Message | str] = [message(Q_VERIFIED if verified else Q_DECLARED, q=_qty(q), unit=unit)]

    if q < rate.min_quantity:
        lines.append(message(BELOW_THRESHOLD, q=_qty(q), unit=unit, min=_qty(rate.min_quantity), amount=str(_ZERO)))
        return Calculation(amount=_ZERO, steps=tuple(lines))
    lines.append(message(THRESHOLD_MET, min=_qty(rate.min_quantity), unit=unit))

    with localcontext() as ctx:
        ctx.prec = _PREC
        total = Decimal(0)
        lower = Decimal(0)
        for n, tier in enumerate(rate.tiers, start=1):
            upper = tier.up_to
            span = (
                message(SPAN, lower=_qty(lower), upper=_qty(upper), unit=unit)
                if upper is not None
                else message(SPAN_ABOVE, lower=_qty(lower), unit=unit)
            )
            part = (q if upper is None else min(q, upper)) - lower
            if part > 0:
                product = part * tier.rate
                total += product
                lines.append(
                    message(
                        TIER_PAID,
                        n=str(n),
                        part=_qty(part),
                        unit=unit,
                        rate=_yuan(tier.rate),
                        product=_yuan(product),
                        span=span,
                    )
                )
            else:
                lines.append(message(TIER_NOT_REACHED, n=str(n), span=span))
            if upper is not None:
                lower = upper

        last_up_to = rate.tiers[-1].up_to
        if last_up_to is not None and q > last_up_to:
            lines.append(message(ABOVE_LAST_TIER, excess=_qty(q - last_up_to), unit=unit, limit=_qty(last_up_to)))

    amount = round_fen(total) + _ZERO  # exactly 2 places, never -0.00
    lines.append(message(ROUNDED, total=_yuan(total), amount=str(amount)))

    if rate.cap is None:
        lines.append(message(NO_RATE_CAP, amount=str(amount)))
    elif amount > rate.cap:
        amount = rate.cap.quantize(FEN) + _ZERO
        lines.append(message(RATE_CAPPED, cap=str(amount), amount=str(amount)))
    else:
        lines.append(message(WITHIN_RATE_CAP, cap=_yuan(rate.cap), amount=str(amount)))

    return Calculation(amount=amount, steps=tuple(lines))


def cap_for_household(calc: Calculation, household_cap: Decimal | None, already_approved: Decimal) -> Calculation:
    """Cap ``calc`` at what is left of the household's cap in the scheme.

    What is left is ``household_cap − already_approved``, never below 0 (approved
    amounts beyond the cap should not exist, but if they do nothing more is paid).
    ``household_cap=None`` means no household cap: the amount is unchanged. Either
    way one line is appended, stating the final amount. Both amounts are money: at
    most 2 places, not negative (ValueError otherwise).
    """
    already = _check_money(already_approved, "already_approved")
    amount = calc.amount
    if household_cap is None:
        return Calculation(amount=amount, steps=(*calc.steps, message(NO_HOUSEHOLD_CAP, amount=str(amount))))

    cap = _check_money(household_cap, "household_cap")
    left = max(cap - already, Decimal(0)).quantize(FEN) + _ZERO
    head = {"cap": _yuan(cap), "already": _yuan(already), "left": str(left), "amount": str(amount)}
    if amount > left:
        line = message(HOUSEHOLD_CAPPED, **head)
        amount = left
    else:
        line = message(WITHIN_HOUSEHOLD_CAP, **head)
    return Calculation(amount=amount, steps=(*calc.steps, line))


def payable_quantity(declared: Decimal, verified: Decimal | None) -> Decimal:
    """The quantity a claim is paid on: the field-verified one once there is one, but never more than the
    household declared (a verification above the declaration is recorded for review, not paid on)."""
    if verified is None:
        return declared
    return min(declared, verified)


# --------------------------------------------------------------------------------------
# Eligibility
# --------------------------------------------------------------------------------------

# Registered poor households: registered (including late additions, 补录) and those
# returned to poverty (返贫).
_ELIGIBLE = {
    HouseholdStatus.registered.value: message(N_("registered poor household")),
    HouseholdStatus.returned.value: message(N_("household returned to poverty")),
}
ELIGIBLE_STATUSES = frozenset(s.value for s in POOR_NOW)
# Identification still under way (识别程序): not yet a registered poor household.
PRE_REGISTRATION_STATUSES = frozenset(s.value for s in IDENTIFICATION if s is not HouseholdStatus.registered)


def is_eligible(
    status: str,
    scheme_year: int,
    exited_year: int | None,
    exited_eligible_until: int | None,
) -> tuple[bool, Message]:
    """Whether a household in ``status`` may claim a subsidy in ``scheme_year``.

    Eligible: ``registered`` and ``returned``; ``exited`` (脱贫) only while the policy
    continues (脱贫不脱钩), i.e. ``exited_eligible_until`` is set and ``scheme_year``
    is not after it. Never: ``removed`` (清退), ``ordinary`` (never registered), any status
    before registration, or an unknown status. Returns ``(ok, reason)`` with a human reason either way.
    ``status`` may also be a ``str`` enum member (its value is used).
    """
    status = getattr(status, "value", status)
    if status in ELIGIBLE_STATUSES:
        return True, message(N_("eligible: {why}"), why=_ELIGIBLE[status])
    if status == "exited":
        exited = message(N_("exited in {year}"), year=exited_year) if exited_year is not None else message(N_("exited"))
        if exited_eligible_until is None:
            return False, message(N_("not eligible: {exited}, with no policy continuation"), exited=exited)
        if scheme_year <= exited_eligible_until:
            return True, message(
                N_("eligible: {exited}, policy continues until {until} and the scheme year is {year}"),
                exited=exited,
                until=exited_eligible_until,
                year=scheme_year,
            )
        return False, message(
            N_("not eligible: {exited}, policy continuation ended in {until} and the scheme year is {year}"),
            exited=exited,
            until=exited_eligible_until,
            year=scheme_year,
        )
    if status == "removed":
        return False, message(N_("not eligible: household removed from the register as ineligible"))
    if status == HouseholdStatus.ordinary.value:
        return False, message(N_("not eligible: an ordinary household, not on the poverty register"))
    if status in PRE_REGISTRATION_STATUSES:
        return False, message(
            N_("not eligible: household not yet registered (identification at '{status}')"),
            status=code("household status", status),
        )
    return False, message(N_("not eligible: unknown household status {status!r}"), status=status)
