"""Paying vouchers through the bank (一卡通): a batch, the bank's file, and its answer."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import msgspec

from app.core.cells import safe_row
from app.core.csv_upload import RowError, convert_row, read_rows
from app.core.errors import Conflict, NotFound, Refused
from app.core.messages import N_
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, ensure_county_scope, list_region
from app.core.uow import Db, reading, reading_replica, unit_of_work
from app.subsidies import queries
from app.subsidies.schemas import BankResultRow, PaymentBatchOut


async def _batch(db: Db, principal: Principal, batch_id: int) -> PaymentBatchOut:
    """The batch, after checking it is of a county of the principal's region (403)."""
    placed = await queries.batch_by_id(db, batch_id)
    if placed is None:
        raise NotFound.of(N_("payment batch {batch} does not exist"), batch=batch_id)
    ensure_county_scope(principal, placed.county_code)
    return placed.batch


async def get_batch(principal: Principal, batch_id: int) -> PaymentBatchOut:
    async with reading() as db:
        return await _batch(db, principal, batch_id)


async def list_batches(
    principal: Principal, page: PageParams, scheme_id: int | None, *, newest_first: bool = False
) -> Page[PaymentBatchOut]:
    """Batches under the filter: those of the counties of the principal's region."""
    async with reading_replica() as db:
        return await queries.batch_page(db, page, scheme_id, newest_first=newest_first, region=list_region(principal))


async def create_batch(actor: Principal, scheme_id: int) -> PaymentBatchOut:
    """Every issued voucher of the scheme whose household has a bank card, in one set-based step."""
    async with unit_of_work() as uow:
        # the scheme's lock: approvals and cancellations wait while its vouchers go into the batch
        scheme = await queries.scheme_facts(uow, scheme_id, lock=True)
        if scheme is None:
            raise Refused.of(N_("subsidy scheme {scheme} does not exist"), scheme=scheme_id, field="scheme_id")
        ensure_county_scope(actor, scheme.county_code)
        skipped = await queries.issued_without_card(uow, scheme_id)
        batch_id = await queries.open_payment_batch(uow, scheme_id, actor.account_id)
        filled = await queries.fill_payment_batch(uow, scheme_id, batch_id)
        if filled.vouchers == 0:
            raise Conflict.of(
                N_("no issued voucher with a bank card is waiting for payment in this scheme"),
                extra={"skipped_without_bank_card": skipped},
            )
        await queries.set_batch_totals(uow, batch_id, filled)
        out = msgspec.structs.replace(await _batch(uow, actor, batch_id), skipped_without_bank_card=skipped)
        await uow.audit(actor, "create", "payment_batch", batch_id, after=out)
    return out


async def export_rows(principal: Principal, batch_id: int) -> tuple[list[list[str]], int, Decimal]:
    async with reading() as db:
        await _batch(db, principal, batch_id)
        lines = await queries.bank_file_lines(db, batch_id)
    total = sum((ln.amount for ln in lines), Decimal("0.00"))
    return [[ln.number, ln.registry_no, ln.payee, ln.bank_card, f"{ln.amount:.2f}"] for ln in lines], len(lines), total


def export_csv(rows: list[list[str]], count: int, total: Decimal) -> str:
    """The bank's file: one line per voucher, then the count and total for the bank to check against."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["voucher_no", "registry_no", "payee", "bank_card", "amount"])
    writer.writerows(safe_row(row) for row in rows)  # payee names come from the registry as typed
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
        raise Refused.of(
            N_("{count} bad line(s); nothing was applied"),
            count=len(errors),
            extra={"errors": [e.as_dict() for e in errors]},
        )
    return results


async def reconcile(actor: Principal, batch_id: int, results: list[tuple[int, BankResultRow]]) -> PaymentBatchOut:
    """Apply the bank's answer: paid vouchers become income in the year paid; failed ones wait for a later batch.

    All or nothing: a line naming a voucher outside the batch, or one already settled, rejects the file.
    """
    async with unit_of_work() as uow:
        locked = await queries.lock_batch(uow, batch_id)
        if locked is None:
            raise NotFound.of(N_("payment batch {batch} does not exist"), batch=batch_id)
        ensure_county_scope(actor, locked.county_code)
        exported_on = locked.made_on
        results_by_line = await queries.line_results(uow, batch_id, [r.voucher_no for _, r in results])
        problems, seen = [], set()
        for line_no, r in results:
            result = results_by_line.get(r.voucher_no)
            if result is None:
                problems.append(RowError(line_no, "voucher_no", f"{r.voucher_no} is not in batch {batch_id}"))
            elif result != "pending":
                problems.append(RowError(line_no, "voucher_no", f"{r.voucher_no} was already {result}"))
            elif r.voucher_no in seen:
                problems.append(RowError(line_no, "voucher_no", f"{r.voucher_no} appears twice"))
            if r.paid_on is not None and r.paid_on < exported_on:
                problems.append(
                    RowError(line_no, "paid_on", f"{r.paid_on} is before the batch was exported ({exported_on})")
                )
            seen.add(r.voucher_no)
        if problems:
            raise Refused.of(
                N_("{count} bad line(s); nothing was applied"),
                count=len(problems),
                extra={"errors": [p.as_dict() for p in problems]},
            )
        today = date.today()
        await queries.apply_bank_answers(
            uow,
            batch_id,
            [
                queries.BankAnswer(
                    number=r.voucher_no, result=r.result, bank_reference=r.bank_reference, paid_on=r.paid_on or today
                )
                for _, r in results
            ],
        )
        await queries.close_batch_if_settled(uow, batch_id)
        out = await _batch(uow, actor, batch_id)
        await uow.audit(
            actor,
            "reconcile",
            "payment_batch",
            batch_id,
            after={
                "paid": [r.voucher_no for _, r in results if r.result == "paid"],
                "failed": [r.voucher_no for _, r in results if r.result == "failed"],
            },
        )
    return out
