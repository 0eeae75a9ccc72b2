"""Many payouts at once (JSON batch or CSV): validated in Python, written with one COPY.

The rows are checked against their links with one query, copied into a temporary
staging table, and moved into the ledger with a single INSERT ... SELECT ... ON
CONFLICT, so a 10,000-row batch costs a handful of statements, not 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import msgspec

from app.core.errors import Conflict, Forbidden, Refused
from app.core.messages import N_, message
from app.core.metrics import PAYOUTS_RECORDED
from app.core.money import round_fen
from app.core.principal import Principal, Role, covers
from app.core.uow import reading, unit_of_work
from app.payouts import queries
from app.payouts.rules import LinkFacts, PayoutFacts, payout_problems
from app.payouts.schemas import BatchResult, PayoutIn, RowProblem
from app.payouts.service import hash_of
from app.regions import service as regions

MAX_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class Candidate:
    index: int
    payout: PayoutIn
    link: LinkFacts
    fingerprint: str


def check_rows(
    actor: Principal, rows: list[tuple[int, PayoutIn]], links: dict[int, LinkFacts]
) -> tuple[list[Candidate], list[RowProblem], list[RowProblem]]:
    """(good rows, bad rows, rows for another enterprise's links)."""
    today = date.today()
    good: list[Candidate] = []
    bad: list[RowProblem] = []
    forbidden: list[RowProblem] = []
    seen: dict[tuple[int, str], int] = {}
    for index, p in rows:
        link = links.get(p.link_id)
        if link is None:
            bad.append(RowProblem.of(index, "link_id", message(N_("link {link} does not exist"), link=p.link_id)))
            continue
        if not covers(actor, link.county_code, enterprise_id=link.enterprise_id):
            # an operator records for its enterprise's links (in any county), an admin in its region's
            refusal = N_("link of another enterprise") if actor.role is Role.operator else N_("link in another county")
            forbidden.append(RowProblem.of(index, "link_id", message(refusal)))
            continue
        problems = payout_problems(PayoutFacts(p.income_type.value, p.period_from, p.period_to, p.paid_on), link, today)
        if problems:
            bad.extend(RowProblem.of(index, f, m) for f, m in problems)
            continue
        key = (link.enterprise_id, p.reference.lower())  # a reference matches whatever the case of its letters
        if key in seen:
            bad.append(
                RowProblem.of(index, "reference", message(N_("repeats the reference of row {row}"), row=seen[key]))
            )
            continue
        seen[key] = index
        good.append(Candidate(index, p, link, hash_of(p)))
    return good, bad, forbidden


def _same_when_spelled_as_recorded(
    earlier: list[queries.EarlierPayout], good: list[Candidate]
) -> list[queries.EarlierPayout]:
    """A row whose reference the ledger holds in another case (REF-1 for ref-1) is compared with the
    ledger's spelling: the same content is a retry, not a clash."""
    by_index = {c.index: c for c in good}
    return [
        msgspec.structs.replace(r, same=hash_of(by_index[r.idx].payout, r.reference) == r.body_hash)
        if not r.same and r.reference != by_index[r.idx].payout.reference
        else r
        for r in earlier
    ]


async def ingest(
    actor: Principal,
    rows: list[tuple[int, PayoutIn]],
    decode_problems: list[RowProblem],
    *,
    partial: bool,
    source: str,
) -> BatchResult:
    if len(rows) + len(decode_problems) > MAX_BATCH:
        raise Refused.of(N_("at most {limit} payouts per batch"), limit=MAX_BATCH, extra={"field": "body"})
    received = len(rows) + len(decode_problems)
    async with unit_of_work() as uow:
        links = await queries.link_facts(
            uow,
            sorted({p.link_id for _, p in rows}),
            default_years=regions.default_policy().continuation_years,
            lock=True,
        )
        good, bad, forbidden = check_rows(actor, rows, links)
        if forbidden:
            raise Forbidden.of(
                N_("{count} row(s) report for another enterprise's links; nothing was written")
                if actor.role is Role.operator
                else N_("{count} row(s) report for links outside your region; nothing was written"),
                count=len(forbidden),
                extra={"errors": [_problem_dict(p) for p in forbidden]},
            )
        rejected = sorted([*decode_problems, *bad], key=lambda p: p.index)
        if rejected and not partial:
            raise Refused.of(
                N_("{count} bad row(s); nothing was written (send ?partial=true to keep the good ones)"),
                count=len({p.index for p in rejected}),
                extra={"errors": [_problem_dict(p) for p in rejected]},
            )
        if not good:
            return BatchResult(
                batch_id=None,
                received=received,
                written=0,
                already_recorded=0,
                total_written=Decimal("0.00"),
                rejected=rejected,
            )
        batch_id = await queries.open_batch(uow, actor.enterprise_id, source, received, actor.account_id)
        written = await queries.copy_batch(
            uow,
            batch_id,
            actor.account_id,
            [
                queries.StagedPayout(
                    idx=c.index,
                    enterprise_id=c.link.enterprise_id,
                    link_id=c.link.id,
                    household_id=c.link.household_id,
                    income_type=c.payout.income_type.value,
                    amount=c.payout.amount,
                    period_from=c.payout.period_from,
                    period_to=c.payout.period_to,
                    paid_on=c.payout.paid_on,
                    method=c.payout.method.value,
                    reference=c.payout.reference,
                    body_hash=c.fingerprint,
                )
                for c in good
            ],
        )
        # rows not written: retries of what is recorded already, or a reference reused for other content
        earlier = await queries.staged_already_recorded(uow, batch_id) if written.count < len(good) else []
        earlier = _same_when_spelled_as_recorded(earlier, good)
        clashes = [
            RowProblem.of(
                r.idx,
                "reference",
                message(N_("already used for payout {payout} with different content"), payout=r.payout_id),
            )
            for r in earlier
            if not r.same
        ]
        if clashes and not partial:
            raise Conflict.of(
                N_("{count} row(s) reuse a reference with different content; nothing was written"),
                count=len(clashes),
                extra={"errors": [_problem_dict(p) for p in clashes]},
            )
        total = round_fen(written.total)
        enterprises = {c.link.enterprise_id for c in good}
        await queries.close_batch(uow, batch_id, written.count)
        result = BatchResult(
            batch_id=batch_id,
            received=received,
            written=written.count,
            already_recorded=sum(1 for r in earlier if r.same),
            total_written=total,
            rejected=sorted([*rejected, *clashes], key=lambda p: p.index),
        )
        # a batch is no county's row: its payouts are entered in the chains of their households' counties, one
        # entry per county naming what the batch wrote there (each county's auditor sees its own part)
        per_county = await queries.batch_by_county(uow, batch_id, written.first_id, written.last_id)
        if not per_county:  # nothing written: one enterprise's batch to its county's chain, else the province's
            chain = await uow.chain_of("enterprise", enterprises.pop()) if len(enterprises) == 1 else ""
            per_county = [
                queries.BatchPart(county_code=chain, written=0, total=Decimal("0.00"), first_id=None, last_id=None)
            ]
        for part in per_county:
            await uow.audit(
                actor,
                "create_batch",
                "payout_batch",
                batch_id,
                after={
                    "source": source,
                    "received": received,
                    "written": part.written,
                    "total_written": round_fen(part.total),
                    "first_payout_id": part.first_id,
                    "last_payout_id": part.last_id,
                    "batch_written": written.count,
                    "batch_total_written": total,
                },
                chain=part.county_code,
            )
    PAYOUTS_RECORDED.labels(source).inc(result.written)  # committed
    return result


def _problem_dict(p: RowProblem) -> dict[str, object]:
    return {"index": p.index, "field": p.field, "message": p.message}


async def check_only(
    actor: Principal, rows: list[tuple[int, PayoutIn]], decode_problems: list[RowProblem]
) -> tuple[int, list[RowProblem]]:
    """What ``ingest`` would say of the rows, writing nothing: (rows that would be written, problems)."""
    async with reading() as db:
        links = await queries.link_facts(
            db, sorted({p.link_id for _, p in rows}), default_years=regions.default_policy().continuation_years
        )
    good, bad, forbidden = check_rows(actor, rows, links)
    return len(good), sorted([*decode_problems, *bad, *forbidden], key=lambda p: p.index)
