"""Asset rules: who an asset's income may reach, and how one income is shared out. Pure functions, no I/O.

How one income received from an operator is distributed (see :func:`distribute`):

1. The public-welfare share (a fraction of the income, 0 to 1) is taken off first, rounded half-up to the
   fen; the village keeps it for public-welfare jobs (公益岗位) and village works.
2. The rest is shared among the agreement's listed households that are still on the register (registered,
   returned, or exited within their policy continuation) or monitored (防止返贫监测); a household that left
   (removed, its continuation over and not monitored, never registered) gets nothing, with the reason
   stated, and its part goes to the others.
3. Each household counts 1 (``equal``), its members (``by_members``) or its listed weight (``weighted``);
   its exact part is the amount to share × its count / the sum of the counts.
4. Remainder rule (largest remainder, in fen): each part is rounded down to the fen; the fen left over
   (fewer than the households sharing) go one each to the households whose parts lost the most in that
   rounding, ties to the household listed first. So the parts and the public share add up to the income
   exactly, and no part is negative.

Each household's part explains itself line by line, like a subsidy claim's amount
(``app/subsidies/rules.py``): each step is a message (a template of ``LINE_TEMPLATES`` and its
numbers) the console says in its reader's language; ``lines`` is the English text the API and the
stored distribution keep.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from app.assets.model import DistributionMethod, EvidenceType, Standing
from app.core.messages import N_, Message, code, message
from app.core.money import FEN, round_fen
from app.registry.model import HouseholdStatus
from app.registry.rules import poor_now

_ZERO = Decimal("0.00")

# ---- templates: every line a distribution is explained with ------------------------------------------

INCOME = N_("income received: {amount}")
PUBLIC_SHARE = N_(
    "public-welfare share {share} × {amount} = {public} (half-up to the fen), kept for public-welfare jobs and village works"
)
NO_PUBLIC_SHARE = N_("no public-welfare share: all of {amount} goes to the households")
TO_SHARE = N_("{distributable} shared among {count} household(s) by {method}; the counts add up to {total}")
EXCLUDED_HOUSEHOLDS = N_("{count} listed household(s) excluded, their parts going to the others")
RULE = N_(
    "remainder rule: each part is rounded down to the fen; the {left} fen left over go one each to the"
    " households whose parts lost the most in that rounding, ties to the household listed first"
)
NOTHING_TO_SHARE = N_("nothing is left to share among the households")

PART_EQUAL = N_("1 of {total} equal parts: {distributable} × 1/{total} = {exact}")
PART_MEMBERS = N_("{members} of {total} members: {distributable} × {members}/{total} = {exact}")
PART_WEIGHT = N_("weight {weight} of {total}: {distributable} × {weight}/{total} = {exact}")
ROUNDED_DOWN = N_("rounded down to the fen: {floor}")
NO_REMAINDER = N_("no remainder → {amount}")
REMAINDER_GIVEN = N_(
    "remainder {fraction} fen, {rank} of {count} by remainder: gets one of the {left} fen left → {amount}"
)
REMAINDER_NOT_REACHED = N_(
    "remainder {fraction} fen, {rank} of {count} by remainder: the {left} fen left went to larger remainders → {amount}"
)
EXCLUDED = N_("excluded ({why}) → 0.00")
PAID_OTHERWISE = N_("the rule in force today gives {amount}; {paid} was paid")

# why a household does or does not share (the reason in EXCLUDED, and the standing's own words)
WHY_REGISTERED = N_("on the register as {status}")
WHY_EXITED_IN_CONTINUATION = N_("exited in {year}, policy continuation until {end}")
WHY_MONITORED = N_("a monitored household")
WHY_REMOVED = N_("removed from the register")
WHY_CONTINUATION_ENDED = N_("exited in {year}, policy continuation ended on {end}, not monitored")
WHY_NOT_ON_REGISTER = N_("not on the register ({status}) and not monitored")

LINE_TEMPLATES = (
    INCOME,
    PUBLIC_SHARE,
    NO_PUBLIC_SHARE,
    TO_SHARE,
    EXCLUDED_HOUSEHOLDS,
    RULE,
    NOTHING_TO_SHARE,
    PART_EQUAL,
    PART_MEMBERS,
    PART_WEIGHT,
    ROUNDED_DOWN,
    NO_REMAINDER,
    REMAINDER_GIVEN,
    REMAINDER_NOT_REACHED,
    EXCLUDED,
    PAID_OTHERWISE,
)
WHY_TEMPLATES = (
    WHY_REGISTERED,
    WHY_EXITED_IN_CONTINUATION,
    WHY_MONITORED,
    WHY_REMOVED,
    WHY_CONTINUATION_ENDED,
    WHY_NOT_ON_REGISTER,
)
# the parameters that are stored codes (read in words), by their code kind
LINE_CODES = {"method": "distribution method", "status": "household status"}

REMAINDER_RULE = (
    "largest remainder in fen: each part rounded down to the fen, the fen left over one each to the largest"
    " remainders, ties to the household listed first"
)
"""The remainder rule, as a distribution states it."""


# ---- who shares -------------------------------------------------------------------------------------


def standing_of(
    status: HouseholdStatus | str,
    exited_year: int | None,
    continuation_end: date | None,
    monitored: bool,
    period_end: date,
) -> tuple[Standing, Message]:
    """Where a listed household stands for an income whose period ends on ``period_end``, and why.

    Monitored households (防止返贫监测, whatever their register status) and households on the register and
    poor now (registered, returned) share; an exited one while its policy continuation (脱贫不脱钩) lasts:
    ``continuation_end`` is its last day (None: no end recorded) and the period must end by then, as a
    payout's does (app/payouts/rules.py). A removed household, an exited one past its continuation and one
    never registered do not.
    """
    status = HouseholdStatus(status)
    if monitored:
        return Standing.monitored, message(WHY_MONITORED)
    if poor_now(status):
        return Standing.registered, message(WHY_REGISTERED, status=code("household status", status))
    if status is HouseholdStatus.exited:
        year = "?" if exited_year is None else str(exited_year)
        if continuation_end is None or period_end <= continuation_end:
            until = "?" if continuation_end is None else continuation_end.isoformat()
            return Standing.exited_in_continuation, message(WHY_EXITED_IN_CONTINUATION, year=year, end=until)
        return Standing.continuation_ended, message(WHY_CONTINUATION_ENDED, year=year, end=continuation_end.isoformat())
    if status is HouseholdStatus.removed:
        return Standing.removed, message(WHY_REMOVED)
    return Standing.not_on_register, message(WHY_NOT_ON_REGISTER, status=code("household status", status))


SHARING = frozenset({Standing.registered, Standing.exited_in_continuation, Standing.monitored})
"""The standings whose households share an income."""


def shares_income(standing: Standing) -> bool:
    return standing in SHARING


# ---- the distribution ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    """A household listed in an agreement, as a distribution sees it."""

    household_id: int
    members: int
    """Its members counted on the day of the distribution."""
    weight: Decimal | None
    """Its listed weight (the agreement's ``weighted`` method); None for the other methods."""
    standing: Standing
    why: Message | str | None = None
    """Why it stands there (``standing_of``); a default wording when None."""


@dataclass(frozen=True, slots=True)
class Part:
    """One listed household's part: its amount (0.00 when excluded) and the lines that explain it."""

    household_id: int
    position: int
    """Its place in the agreement's list (0 first): ties in the remainder rule go to the lower."""
    members: int
    weight: Decimal | None
    included: bool
    amount: Decimal
    steps: tuple[Message | str, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(str(step) for step in self.steps)


@dataclass(frozen=True, slots=True)
class Distribution:
    income: Decimal
    method: DistributionMethod
    public_share: Decimal
    public_amount: Decimal
    distributed: Decimal
    """The sum of the households' parts: ``income - public_amount``."""
    parts: tuple[Part, ...]
    steps: tuple[Message | str, ...]
    """The lines of the whole: the income, the public share, what is shared, the remainder rule."""

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(str(step) for step in self.steps)

    @property
    def paid(self) -> tuple[Part, ...]:
        """The parts that pay something (a household's part may round to nothing)."""
        return tuple(p for p in self.parts if p.amount > 0)


class NothingToShareAmong(ValueError):
    """There is an amount to share and no listed household that may take any of it (all left the register,
    or, by members, none has a member left)."""


def _yuan(d: Decimal) -> str:
    return str(d.quantize(FEN) + _ZERO)


def _fen(fen: int) -> str:
    """An amount of fen in yuan, two places: 123456 → 1234.56."""
    yuan, cents = divmod(fen, 100)
    return f"{yuan}.{cents:02d}"


def _ratio_text(numerator: int, denominator: int, places: int, least: int = 0) -> str:
    """numerator / denominator (both at least 0) as a decimal: exact when it has at most ``places`` places
    (trailing zeros dropped down to ``least`` places), else cut after ``places`` and marked ``…``."""
    whole, rest = divmod(numerator, denominator)
    digits, left = divmod(rest * 10**places, denominator)
    fraction = f"{digits:0{places}d}" if places else ""
    if left:
        return f"{whole}.{fraction}…"
    fraction = fraction.rstrip("0").ljust(least, "0")
    return f"{whole}.{fraction}" if fraction else str(whole)


def _quantity(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _counts(method: DistributionMethod, sharing: Sequence[Recipient]) -> tuple[list[int], int]:
    """Each sharing household's count as a whole number, and the power of ten they were scaled by (weights
    with places are scaled to whole numbers, so every part is computed exactly in integers)."""
    if method is DistributionMethod.equal:
        return [1] * len(sharing), 0
    if method is DistributionMethod.by_members:
        for r in sharing:
            if r.members < 0:
                raise ValueError(f"household {r.household_id} has {r.members} members")
        return [r.members for r in sharing], 0
    for r in sharing:
        if r.weight is None or not r.weight.is_finite() or r.weight <= 0:
            raise ValueError(f"household {r.household_id} needs a weight above 0 to share by weight")
    places = max((max(0, -int(r.weight.as_tuple().exponent)) for r in sharing if r.weight is not None), default=0)
    return [int(r.weight.scaleb(places)) for r in sharing if r.weight is not None], places


def _part_line(method: DistributionMethod, r: Recipient, total: str, distributable: str, exact: str) -> Message:
    if method is DistributionMethod.equal:
        return message(PART_EQUAL, total=total, distributable=distributable, exact=exact)
    if method is DistributionMethod.by_members:
        return message(PART_MEMBERS, members=str(r.members), total=total, distributable=distributable, exact=exact)
    assert r.weight is not None  # _counts refused it
    return message(PART_WEIGHT, weight=_quantity(r.weight), total=total, distributable=distributable, exact=exact)


def _default_why(standing: Standing) -> Message:
    return message(
        {
            Standing.monitored: WHY_MONITORED,
            Standing.removed: WHY_REMOVED,
        }.get(standing, N_("no longer on the register nor monitored"))
    )


def _check_money(value: Decimal, what: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value != value.quantize(FEN):
        raise ValueError(f"{what} must be a Decimal amount of at least 0 with at most 2 places, got {value!r}")
    return value


def distribute(
    income: Decimal,
    method: DistributionMethod,
    public_share: Decimal,
    recipients: Sequence[Recipient],
    *,
    explain: bool = True,
) -> Distribution:
    """Share ``income`` among ``recipients`` (in the agreement's order) by ``method``, after keeping
    ``public_share`` of it for public-welfare jobs and village works: every part explained, the parts and the
    public share adding up to the income exactly (module docstring). Raises NothingToShareAmong when
    something is left to share and no listed household may take any of it; ValueError for an amount that is
    not money, a share outside 0..1, a missing weight or a household listed twice.

    The arithmetic is in whole numbers: the amount to share in fen, each household's count (a weight scaled
    by a power of ten to a whole number); household i's exact part is fen × count_i / total, its floor and
    remainder one integer division. ``explain=False`` leaves the lines out (the parts' steps empty): the same
    amounts, for a writer that stores the inputs and explains them when they are read."""
    method = DistributionMethod(method)
    income = _check_money(income, "income")
    if not isinstance(public_share, Decimal) or not public_share.is_finite() or not 0 <= public_share <= 1:
        raise ValueError(f"public_share must be a Decimal from 0 to 1, got {public_share!r}")
    if len({r.household_id for r in recipients}) != len(recipients):
        raise ValueError("a household is listed twice")

    public = round_fen(income * public_share) if public_share else _ZERO
    distributable = income - public
    steps: list[Message | str] = [message(INCOME, amount=_yuan(income))]
    if public_share:
        steps.append(message(PUBLIC_SHARE, share=_quantity(public_share), amount=_yuan(income), public=_yuan(public)))
    else:
        steps.append(message(NO_PUBLIC_SHARE, amount=_yuan(income)))

    positions = [i for i, r in enumerate(recipients) if r.standing in SHARING]
    counts, scale = _counts(method, [recipients[i] for i in positions])
    count_of = dict(zip(positions, counts, strict=True))
    total = sum(counts)
    total_fen = int(distributable * 100)
    if total_fen and total == 0:
        raise NothingToShareAmong(
            "no listed household is still on the register or monitored"
            if not positions
            else "no listed household still on the register or monitored has a member left to share by"
        )

    # household i's exact part is total_fen × count_i / total fen: floor and remainder (in 1/total of a fen)
    floors: dict[int, int] = {}
    remainders: dict[int, int] = {}
    if total_fen:
        for i in positions:
            floors[i], remainders[i] = divmod(total_fen * count_of[i], total)
    left = total_fen - sum(floors.values())
    # the largest remainders first, ties to the household listed first
    ranked = sorted((i for i in positions if remainders.get(i)), key=lambda i: (-remainders[i], i))
    rank = {i: n for n, i in enumerate(ranked, start=1)}
    extra = set(ranked[:left])
    excluded = len(recipients) - len(positions)
    total_text = _ratio_text(total, 10**scale, 4)
    shared_text = _yuan(distributable)

    if total_fen:
        steps.append(
            message(
                TO_SHARE,
                distributable=shared_text,
                count=str(len(positions)),
                method=code("distribution method", method),
                total=total_text,
            )
        )
        if excluded:
            steps.append(message(EXCLUDED_HOUSEHOLDS, count=str(excluded)))
        steps.append(message(RULE, left=str(left)))
    else:
        steps.append(message(NOTHING_TO_SHARE))

    parts: list[Part] = []
    ranked_count = str(len(ranked))
    left_text = str(left)
    for i, r in enumerate(recipients):
        if r.standing not in SHARING:
            why = r.why if r.why is not None else _default_why(r.standing)
            parts.append(Part(r.household_id, i, r.members, r.weight, False, _ZERO, (message(EXCLUDED, why=why),)))
            continue
        if not total_fen:
            parts.append(
                Part(r.household_id, i, r.members, r.weight, True, _ZERO, (message(NO_REMAINDER, amount="0.00"),))
            )
            continue
        fen = floors[i] + (1 if i in extra else 0)
        amount_text = _fen(fen)
        if not explain:
            parts.append(Part(r.household_id, i, r.members, r.weight, True, Decimal(amount_text), ()))
            continue
        # the exact part in yuan: (total_fen × count_i / total) / 100, to at most 6 places
        exact = _ratio_text(total_fen * count_of[i], total * 100, 6, least=2)
        lines: list[Message | str] = [
            _part_line(method, r, total_text, shared_text, exact),
            message(ROUNDED_DOWN, floor=_fen(floors[i])),
        ]
        if i not in rank:
            lines.append(message(NO_REMAINDER, amount=amount_text))
        else:
            lines.append(
                message(
                    REMAINDER_GIVEN if i in extra else REMAINDER_NOT_REACHED,
                    fraction=_ratio_text(remainders[i], total, 4),
                    rank=str(rank[i]),
                    count=ranked_count,
                    left=left_text,
                    amount=amount_text,
                )
            )
        parts.append(Part(r.household_id, i, r.members, r.weight, True, Decimal(amount_text), tuple(lines)))

    distributed = sum((p.amount for p in parts), _ZERO)
    assert distributed + public == income, (distributed, public, income)  # the remainder rule's promise
    return Distribution(
        income=income,
        method=method,
        public_share=public_share,
        public_amount=public + _ZERO,
        distributed=distributed,
        parts=tuple(parts),
        steps=tuple(steps),
    )


# ---- what an agreement promises -------------------------------------------------------------------


def promised_yearly(yearly_rent: Decimal | None, guaranteed_rate: Decimal | None, funding: Decimal) -> Decimal | None:
    """What an agreement promises a year: its rent, or its guaranteed return rate × the asset's funding
    (e.g. 8 % of the funds invested), half-up to the fen; None when it promises neither (a share of the
    profit only)."""
    if yearly_rent is not None:
        return yearly_rent
    if guaranteed_rate is not None:
        return round_fen(funding * guaranteed_rate)
    return None


def income_hash(
    agreement_id: int, received_on: date, period_year: int, amount: Decimal, reference: str, note: str | None
) -> str:
    """A fingerprint of what an income record says, to tell a retry (same) from a clash (different)."""
    canonical = "|".join(
        (str(agreement_id), received_on.isoformat(), str(period_year), f"{amount:.2f}", reference, note or "")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---- evidence files ------------------------------------------------------------------------------

MEDIA_TYPES: dict[EvidenceType, str] = {
    EvidenceType.jpeg: "image/jpeg",
    EvidenceType.png: "image/png",
    EvidenceType.pdf: "application/pdf",
    EvidenceType.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    EvidenceType.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
"""The content type each kind of evidence file is served with."""

EXTENSIONS: dict[EvidenceType, str] = {
    EvidenceType.jpeg: ".jpg",
    EvidenceType.png: ".png",
    EvidenceType.pdf: ".pdf",
    EvidenceType.xlsx: ".xlsx",
    EvidenceType.docx: ".docx",
}

# what a file's name or its declared content type says it is
_DECLARED_EXTENSIONS = {".jpg": EvidenceType.jpeg, ".jpeg": EvidenceType.jpeg, **{v: k for k, v in EXTENSIONS.items()}}
_DECLARED_MEDIA_TYPES = {"image/jpg": EvidenceType.jpeg, "image/pjpeg": EvidenceType.jpeg} | {
    v: k for k, v in MEDIA_TYPES.items()
}

NOT_EVIDENCE = N_("is not a JPEG or PNG picture, a PDF, an .xlsx or a .docx file (by its first bytes)")
MACROS = N_("holds macros (a VBA project): an .xlsx or .docx without macros is taken")
DECLARED_OTHERWISE = N_("is a {found} file by its content, but named or declared as {declared}")


class NotEvidence(ValueError):
    """A file that is not one of the kinds taken as evidence, or not what it says it is."""

    def __init__(self, reason: Message) -> None:
        super().__init__(str(reason))
        self.reason = reason


def _office_type(content: bytes) -> EvidenceType | None:
    """An Office Open XML file's kind, from the names in its zip directory (read without unpacking anything:
    the central directory only); None when it is neither a workbook nor a document."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise NotEvidence(message(MACROS))
    if "word/document.xml" in names:
        return EvidenceType.docx
    if "xl/workbook.xml" in names:
        return EvidenceType.xlsx
    return None


def sniff(content: bytes) -> EvidenceType | None:
    """What a file is by its first bytes (its magic number), and for a zip by the parts it holds; None when it
    is none of the kinds taken. Raises NotEvidence for a workbook or document with macros."""
    if content.startswith(b"\xff\xd8\xff"):
        return EvidenceType.jpeg
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return EvidenceType.png
    if content.startswith(b"%PDF-"):
        return EvidenceType.pdf
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    return None


def declared_type(filename: str | None, content_type: str | None) -> EvidenceType | None:
    """What the upload says it is: its declared content type when that names a kind taken, else its name's
    extension; None when it says nothing known (``application/octet-stream``, no extension)."""
    if content_type:
        found = _DECLARED_MEDIA_TYPES.get(content_type.split(";", 1)[0].strip().lower())
        if found is not None:
            return found
    if filename:
        return _DECLARED_EXTENSIONS.get(PurePosixPath(filename.lower()).suffix)
    return None


def evidence_type(content: bytes, filename: str | None, content_type: str | None) -> EvidenceType:
    """The kind of an uploaded evidence file, by its content: refused (NotEvidence) when it is none of the kinds
    taken, or when its name or declared type says another kind than its content."""
    found = sniff(content)
    if found is None:
        raise NotEvidence(message(NOT_EVIDENCE))
    declared = declared_type(filename, content_type)
    if declared is not None and declared is not found:
        raise NotEvidence(message(DECLARED_OTHERWISE, found=found.value.upper(), declared=declared.value.upper()))
    return found


_UNSAFE = re.compile(r'["\\/\x00-\x1f\x7f<>:|?*]')


def safe_file_name(name: str | None, limit: int = 255) -> str:
    """An uploaded file's name as it may be kept and sent back: its last part only (no folders, whichever
    system's), without control characters, quotes, slashes or characters a file system refuses, spaces
    squeezed, at most ``limit`` characters (the extension kept); ``file`` when nothing is left."""
    if not name:
        return "file"
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    base = " ".join(_UNSAFE.sub("_", base).split()).strip(". ")
    if not base:
        return "file"
    if len(base) > limit:
        suffix = PurePosixPath(base).suffix[:16]
        base = base[: limit - len(suffix)] + suffix
    return base


def content_disposition(evidence_id: int, kind: EvidenceType, original_name: str) -> str:
    """``attachment``, with a plain ASCII name of ours (``evidence-12.pdf``) for every client and the uploaded
    name, made safe and percent-encoded (RFC 6266, RFC 5987), for those that read ``filename*``."""
    plain = f"evidence-{evidence_id}{EXTENSIONS[kind]}"
    name = safe_file_name(original_name)
    if PurePosixPath(name).suffix.lower() not in {e for e, k in _DECLARED_EXTENSIONS.items() if k is kind}:
        name += EXTENSIONS[kind]
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
