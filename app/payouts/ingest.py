"""Many payouts at once (JSON batch or CSV): validated in Python, written with one COPY.

The rows are checked against their links with one query, copied into a temporary
staging table, and moved into the ledger with a single INSERT ... SELECT ... ON
CONFLICT, so a 10,000-row batch costs a handful of statements, not 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from litestar.exceptions import PermissionDeniedException

from app import audit
from app.auth import Principal, Role
from app.database import fetchrow, transaction
from app.errors import Conflict, Unprocessable
from app.payouts.rules import LinkFacts, PayoutFacts, payout_problems
from app.payouts.schemas import BatchResult, PayoutIn, RowProblem
from app.payouts.service import hash_of, load_links

MAX_BATCH = 10_000

_STAGING_COLUMNS = (
    "idx", "enterprise", "link", "household", "income_type", "amount", "period_from", "period_to", "paid_on",
    "method", "reference", "body_hash",
)


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
            bad.append(RowProblem(index=index, field="link_id", message=f"link {p.link_id} does not exist"))
            continue
        if actor.role is Role.operator and link.enterprise_id != actor.enterprise_id:
            forbidden.append(RowProblem(index=index, field="link_id", message="link of another enterprise"))
            continue
        problems = payout_problems(PayoutFacts(p.income_type.value, p.period_from, p.period_to, p.paid_on), link, today)
        if problems:
            bad.extend(RowProblem(index=index, field=f, message=m) for f, m in problems)
            continue
        key = (link.enterprise_id, p.reference)
        if key in seen:
            bad.append(RowProblem(index=index, field="reference", message=f"repeats the reference of row {seen[key]}"))
            continue
        seen[key] = index
        good.append(Candidate(index, p, link, hash_of(p)))
    return good, bad, forbidden


async def ingest(
    actor: Principal, rows: list[tuple[int, PayoutIn]], decode_problems: list[RowProblem], *,
    partial: bool, source: str,
) -> BatchResult:
    if len(rows) + len(decode_problems) > MAX_BATCH:
        raise Unprocessable(f"at most {MAX_BATCH} payouts per batch", extra={"field": "body"})
    received = len(rows) + len(decode_problems)
    async with transaction() as tx:
        conn = tx.connection
        links = await load_links(sorted({p.link_id for _, p in rows}), lock=True)
        good, bad, forbidden = check_rows(actor, rows, links)
        if forbidden:
            raise PermissionDeniedException(
                f"{len(forbidden)} row(s) report for another enterprise's links; nothing was written",
                extra={"errors": [_problem_dict(p) for p in forbidden]},
            )
        rejected = sorted([*decode_problems, *bad], key=lambda p: p.index)
        if rejected and not partial:
            raise Unprocessable(
                f"{len({p.index for p in rejected})} bad row(s); nothing was written"
                " (send ?partial=true to keep the good ones)",
                extra={"errors": [_problem_dict(p) for p in rejected]},
            )
        if not good:
            return BatchResult(batch_id=None, received=received, written=0, already_recorded=0,
                               total_written=Decimal("0.00"), rejected=rejected)
        batch_id = (await fetchrow(
            "INSERT INTO payout_batch (enterprise, source, rows_received, created_by, created_at)"
            " VALUES ($1, $2, $3, $4, now()) RETURNING id",
            actor.enterprise_id, source, received, actor.account_id,
        ))["id"]
        await conn.execute(
            "CREATE TEMP TABLE payout_staging (idx int, enterprise int, link int, household int, income_type text,"
            " amount numeric(14,2), period_from date, period_to date, paid_on date, method text, reference text,"
            " body_hash text) ON COMMIT DROP"
        )
        await conn.copy_records_to_table("payout_staging", columns=_STAGING_COLUMNS, records=[
            (c.index, c.link.enterprise_id, c.link.id, c.link.household_id, c.payout.income_type.value,
             c.payout.amount, c.payout.period_from, c.payout.period_to, c.payout.paid_on, c.payout.method.value,
             c.payout.reference, c.fingerprint)
            for c in good
        ])
        written = await conn.fetchrow(
            "WITH written AS ("
            " INSERT INTO payout (enterprise, link, household, income_type, amount, period_from, period_to, paid_on,"
            " method, reference, body_hash, batch, created_by, created_at)"
            " SELECT enterprise, link, household, income_type, amount, period_from, period_to, paid_on, method,"
            " reference, body_hash, $1, $2, $3 FROM payout_staging ORDER BY idx"
            " ON CONFLICT (enterprise, reference) DO NOTHING RETURNING id, amount)"
            " SELECT count(*) AS n, coalesce(sum(amount), 0) AS total, min(id) AS first, max(id) AS last FROM written",
            batch_id, actor.account_id, datetime.now(UTC),
        )
        earlier = []
        if written["n"] < len(good):
            # rows not written: retries of what is recorded already, or a reference reused for other content
            earlier = await conn.fetch(
                "SELECT s.idx, p.id, p.body_hash = s.body_hash AS same FROM payout_staging s"
                " JOIN payout p ON p.enterprise = s.enterprise AND p.reference = s.reference"
                " WHERE p.batch IS DISTINCT FROM $1 ORDER BY s.idx",
                batch_id,
            )
        clashes = [
            RowProblem(index=r["idx"], field="reference",
                       message=f"already used for payout {r['id']} with different content")
            for r in earlier if not r["same"]
        ]
        if clashes and not partial:
            raise Conflict(
                f"{len(clashes)} row(s) reuse a reference with different content; nothing was written",
                extra={"errors": [_problem_dict(p) for p in clashes]},
            )
        total = Decimal(written["total"]).quantize(Decimal("0.01"))
        await conn.execute("UPDATE payout_batch SET rows_written = $2 WHERE id = $1", batch_id, written["n"])
        result = BatchResult(
            batch_id=batch_id, received=received, written=written["n"],
            already_recorded=sum(1 for r in earlier if r["same"]), total_written=total,
            rejected=sorted([*rejected, *clashes], key=lambda p: p.index),
        )
        await audit.record(actor, "create_batch", "payout_batch", batch_id, after={
            "source": source, "received": received, "written": written["n"], "total_written": total,
            "first_payout_id": written["first"], "last_payout_id": written["last"],
        })
    return result


def _problem_dict(p: RowProblem) -> dict[str, object]:
    return {"index": p.index, "field": p.field, "message": p.message}


async def check_only(actor: Principal, rows: list[tuple[int, PayoutIn]],
                     decode_problems: list[RowProblem]) -> tuple[int, list[RowProblem]]:
    """What ``ingest`` would say of the rows, writing nothing: (rows that would be written, problems)."""
    links = await load_links(sorted({p.link_id for _, p in rows}))
    good, bad, forbidden = check_rows(actor, rows, links)
    return len(good), sorted([*decode_problems, *bad, *forbidden], key=lambda p: p.index)
