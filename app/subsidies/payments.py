"""Paying vouchers through the bank (一卡通): a batch, the bank's file, and its answer."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any


from app import audit
from app.core.errors import Conflict, NotFound, Refused
from app.core.principal import Principal
from app.core.csv_upload import RowError, convert_row, read_rows
from app.core.database import fetch, fetchrow, to_struct, transaction
from app.core.pagination import Page, PageParams, fetch_page
from app.subsidies.schemas import BankResultRow, PaymentBatchOut

_BATCH = """
SELECT b.*, b.scheme AS scheme_id,
       count(l.id) FILTER (WHERE l.result = 'paid') AS paid,
       count(l.id) FILTER (WHERE l.result = 'failed') AS failed,
       count(l.id) FILTER (WHERE l.result = 'pending') AS pending
FROM payment_batch b LEFT JOIN payment_line l ON l.batch = b.id
"""


def _batch(row: Any, skipped: int = 0) -> PaymentBatchOut:
    return to_struct(PaymentBatchOut, {**dict(row), "skipped_without_bank_card": skipped})


async def get_batch(batch_id: int) -> PaymentBatchOut:
    row = await fetchrow(_BATCH + " WHERE b.id = $1 GROUP BY b.id", batch_id)
    if row is None:
        raise NotFound(f"payment batch {batch_id} does not exist")
    return _batch(row)


async def list_batches(page: PageParams, scheme_id: int | None, *, newest_first: bool = False) -> Page[PaymentBatchOut]:
    return await fetch_page(
        _BATCH + " WHERE ($1::int IS NULL OR b.scheme = $1) GROUP BY b.id", [scheme_id], page,
        "id DESC" if newest_first else "id", _batch,
    )


async def create_batch(actor: Principal, scheme_id: int) -> PaymentBatchOut:
    """Every issued voucher of the scheme whose household has a bank card, in one set-based step."""
    async with transaction():
        scheme = await fetchrow("SELECT id FROM subsidy_scheme WHERE id = $1 FOR UPDATE", scheme_id)
        if scheme is None:
            raise Refused(f"subsidy scheme {scheme_id} does not exist", extra={"field": "scheme_id"})
        skipped = (await fetchrow(
            "SELECT count(*) AS n FROM voucher v JOIN household h ON h.id = v.household"
            " WHERE v.scheme = $1 AND v.status = 'issued' AND h.bank_card IS NULL", scheme_id,
        ))["n"]
        batch_id = (await fetchrow(
            "INSERT INTO payment_batch (scheme, status, vouchers, total, created_by, created_at)"
            " VALUES ($1, 'sent', 0, 0, $2, now()) RETURNING id", scheme_id, actor.account_id,
        ))["id"]
        lines = await fetchrow(
            "WITH picked AS ("
            "  UPDATE voucher v SET status = 'in_payment', payment_batch = $2 FROM household h"
            "  WHERE h.id = v.household AND v.scheme = $1 AND v.status = 'issued' AND h.bank_card IS NOT NULL"
            "  RETURNING v.id, v.household, v.amount, h.bank_card"
            "), inserted AS ("
            "  INSERT INTO payment_line (batch, voucher, payee, bank_card, amount, result)"
            "  SELECT $2, p.id, coalesce(hd.name, ''), p.bank_card, p.amount, 'pending' FROM picked p"
            "  LEFT JOIN member hd ON hd.household = p.household AND hd.relation = 'head' AND hd.left_on IS NULL"
            "  RETURNING amount"
            ") SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM inserted",
            scheme_id, batch_id,
        )
        if lines["n"] == 0:
            raise Conflict("no issued voucher with a bank card is waiting for payment in this scheme",
                           extra={"skipped_without_bank_card": skipped})
        await fetch("UPDATE payment_batch SET vouchers = $2, total = $3 WHERE id = $1",
                    batch_id, lines["n"], lines["total"])
        out = _batch(await fetchrow(_BATCH + " WHERE b.id = $1 GROUP BY b.id", batch_id), skipped)
        await audit.record(actor, "create", "payment_batch", batch_id, after=out)
    return out


async def export_rows(batch_id: int) -> tuple[list[list[str]], int, Decimal]:
    await get_batch(batch_id)
    rows = await fetch(
        "SELECT v.number, h.registry_no, l.payee, l.bank_card, l.amount FROM payment_line l"
        " JOIN voucher v ON v.id = l.voucher JOIN household h ON h.id = v.household"
        " WHERE l.batch = $1 ORDER BY v.number", batch_id,
    )
    total = sum((r["amount"] for r in rows), Decimal("0.00"))
    return [[r["number"], r["registry_no"], r["payee"], r["bank_card"], f"{r['amount']:.2f}"] for r in rows], \
        len(rows), total


def export_csv(rows: list[list[str]], count: int, total: Decimal) -> str:
    """The bank's file: one line per voucher, then the count and total for the bank to check against."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["voucher_no", "registry_no", "payee", "bank_card", "amount"])
    writer.writerows(rows)
    writer.writerow(["TOTAL", "", "", str(count), f"{total:.2f}"])
    return out.getvalue()


def bank_results(content: bytes) -> list[tuple[int, BankResultRow]]:
    """The bank's result file as rows; a bad line rejects the file, naming every bad line."""
    results, errors = [], []
    for line, values in read_rows(content, {"voucher_no", "result"}):
        row = convert_row(line, values, BankResultRow)
        if isinstance(row, RowError):
            errors.append(row)
        else:
            results.append((line, row))
    if errors:
        raise Refused(f"{len(errors)} bad line(s); nothing was applied",
                            extra={"errors": [e.as_dict() for e in errors]})
    return results


async def reconcile(actor: Principal, batch_id: int, results: list[tuple[int, BankResultRow]]) -> PaymentBatchOut:
    """Apply the bank's answer: paid vouchers become income in the year paid; failed ones wait for a later batch.

    All or nothing: a line naming a voucher outside the batch, or one already settled, rejects the file.
    """
    async with transaction():
        batch = await fetchrow("SELECT * FROM payment_batch WHERE id = $1 FOR UPDATE", batch_id)
        if batch is None:
            raise NotFound(f"payment batch {batch_id} does not exist")
        numbers = [r.voucher_no for _, r in results]
        lines = {
            r["number"]: r for r in await fetch(
                "SELECT v.number, l.id, l.result FROM payment_line l JOIN voucher v ON v.id = l.voucher"
                " WHERE l.batch = $1 AND v.number = ANY ($2::text[])", batch_id, numbers,
            )
        }
        problems, seen = [], set()
        for line_no, r in results:
            line = lines.get(r.voucher_no)
            if line is None:
                problems.append(RowError(line_no, "voucher_no", f"{r.voucher_no} is not in batch {batch_id}"))
            elif line["result"] != "pending":
                problems.append(RowError(line_no, "voucher_no", f"{r.voucher_no} was already {line['result']}"))
            elif r.voucher_no in seen:
                problems.append(RowError(line_no, "voucher_no", f"{r.voucher_no} appears twice"))
            seen.add(r.voucher_no)
        if problems:
            raise Refused(f"{len(problems)} bad line(s); nothing was applied",
                                extra={"errors": [p.as_dict() for p in problems]})
        today = date.today()
        await fetch(
            "WITH answer AS ("
            "  SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::date[]) AS a(number, result, ref, paid_on)"
            "), lines AS ("
            "  UPDATE payment_line l SET result = a.result, bank_reference = a.ref, resolved_at = now()"
            "  FROM answer a, voucher v WHERE v.id = l.voucher AND v.number = a.number AND l.batch = $1"
            "  RETURNING l.voucher, a.result, a.ref, a.paid_on"
            ")"
            " UPDATE voucher v SET"
            "  status = CASE WHEN lines.result = 'paid' THEN 'paid' ELSE 'issued' END,"
            "  paid_on = CASE WHEN lines.result = 'paid' THEN lines.paid_on END,"
            "  bank_reference = CASE WHEN lines.result = 'paid' THEN lines.ref END,"
            "  payment_batch = CASE WHEN lines.result = 'paid' THEN v.payment_batch END"
            " FROM lines WHERE v.id = lines.voucher",
            batch_id, numbers, [r.result for _, r in results], [r.bank_reference for _, r in results],
            [r.paid_on or today for _, r in results],
        )
        pending = (await fetchrow(
            "SELECT count(*) AS n FROM payment_line WHERE batch = $1 AND result = 'pending'", batch_id))["n"]
        if pending == 0:
            await fetch("UPDATE payment_batch SET status = 'reconciled', reconciled_at = now() WHERE id = $1", batch_id)
        out = await get_batch(batch_id)
        await audit.record(actor, "reconcile", "payment_batch", batch_id, after={
            "paid": [r.voucher_no for _, r in results if r.result == "paid"],
            "failed": [r.voucher_no for _, r in results if r.result == "failed"],
        })
    return out
