"""The ``chainaid`` command: serve, migrate, accounts, audit, backup, restore and the import templates."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from app.accounts.schemas import AccountCreate
from app.accounts.service import create_account, list_accounts, revoke_account
from app.audit.rules import Checkpoint, chain_label
from app.audit.service import ensure_audit_key, verify_trail, write_checkpoints
from app.backup import BackupError, Done, backup, restore
from app.core.database import database_url, stop_embedded
from app.core.errors import DomainError
from app.core.pagination import PageParams
from app.core.principal import Role, system_principal
from app.core.settings import InvalidSettings, get_settings
from app.demo import MAX_COUNTIES, DemoRefused, load_demo
from app.domains import wire_events
from app.imports.commands import cmd_export, cmd_import
from app.imports.county_files import SOURCES as EXPORTABLE
from app.imports.service import IMPORTERS
from app.migrations import migrate
from app.regions.service import get_region
from app.registry.adoption import adopt
from app.serve import LOG_LEVELS, serve
from app.sheets.templates import KINDS as IMPORT_KINDS
from app.sheets.workbook import write_template

T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def cmd_migrate(_: argparse.Namespace) -> int:
    print(_run(migrate()))
    return 0


def _said(done: Done, verb: str) -> str:
    return (
        f"{verb} {done.file} ({done.size / 1_000_000:.1f} MB) with {done.program.path.name} {done.program.version}"
        f" ({done.program.path}), server PostgreSQL {done.server.version}"
    )


def cmd_backup(args: argparse.Namespace) -> int:
    try:
        done = backup(Path(args.file))
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(_said(done, "backup written to"))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    try:
        done = restore(Path(args.file), force=args.force)
    except BackupError as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return 1
    print(_said(done, "restored from"))
    print("next: `chainaid migrate` (or `chainaid serve`) brings it up to this version's migrations")
    return 0


def _load_demo(*, quiet_if_present: bool, counties: int = 1) -> int:
    try:
        loaded = _run(load_demo(counties))
    except DemoRefused as exc:
        print(f"demo not loaded: {exc}", file=sys.stderr)
        return 0 if quiet_if_present else 2
    what = "demo Qianjiang" if counties == 1 else f"demo province of {counties} counties (429005 潜江市 first)"
    print(f"{what} loaded in {loaded.seconds:.1f} s. Accounts (tokens shown only now):")
    for role, token in loaded.tokens.items():
        scope = loaded.scopes.get(role)
        print(f"  {role:<13} {token}" + (f"  ({scope})" if scope else ""))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _run(migrate())
    return _load_demo(quiet_if_present=False, counties=args.counties)


def _counties(value: str) -> int:
    """``--counties``: a whole number from 1 to MAX_COUNTIES (argparse exits 2 with the reason otherwise)."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_COUNTIES:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_COUNTIES}, not {value!r}")
    return n


def cmd_serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    try:
        url = database_url()  # starts the embedded database first, when DATABASE_URL is unset
        # every worker must sign the console's CSRF tokens with the same key
        os.environ.setdefault("CHAINAID_CSRF_SECRET", secrets.token_hex(32))
        _audit_key()  # made here, once, before the workers start, and said where
        _run(migrate())
        if args.demo:
            _load_demo(quiet_if_present=True)
        where = "embedded PostgreSQL" if "host=/" in url else "DATABASE_URL"
        base = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}"
        print(f"ChainAid on {base} ({where}); API docs at {base}/schema, health at {base}/health", flush=True)
        graceful = serve(settings, host=args.host, port=args.port, workers=args.workers, log_level=args.log_level)
    finally:
        # the embedded database stops with the service, however the service ended
        stop_embedded()
    print("stopped", flush=True)
    return 0 if graceful else 1


def cmd_accounts_create(args: argparse.Namespace) -> int:
    try:
        region_id = None if args.region is None else _run(get_region(args.region)).id
        data = AccountCreate(
            name=args.name or args.role,
            role=Role(args.role),
            enterprise_id=args.enterprise,
            town_id=args.town,
            region_id=region_id,
        )
        created = _run(create_account(system_principal("cli"), data))
    except DomainError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    a = created.account
    print(f"account {a.id} ({a.role.value}, {a.name}) created. Its token, shown only this once:")
    print(created.token)
    return 0


def cmd_regions_adopt(args: argparse.Namespace) -> int:
    try:
        done = _run(
            adopt(
                system_principal("cli"),
                county=args.county,
                name=args.name,
                province=args.province,
                province_name=args.province_name,
            )
        )
    except DomainError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    print(done.summary())
    return 0


def cmd_accounts_list(args: argparse.Namespace) -> int:
    page = _run(list_accounts(system_principal("cli"), PageParams(limit=100_000, offset=0)))
    print(f"{'id':>5}  {'role':<13} {'scope':<14} {'token':<11} {'status':<8} name")
    for a in page.items:
        scope = (
            f"enterprise {a.enterprise_id}"
            if a.enterprise_id
            else f"town {a.town_id}"
            if a.town_id
            else f"region {a.region_code}"
            if a.region_code
            else "-"
        )
        status = "revoked" if a.revoked_at else "active"
        print(f"{a.id:>5}  {a.role.value:<13} {scope:<14} {a.token_prefix + '…':<11} {status:<8} {a.name}")
    return 0


def cmd_accounts_revoke(args: argparse.Namespace) -> int:
    try:
        a = _run(revoke_account(system_principal("cli"), args.account_id))
    except DomainError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    print(f"account {a.id} revoked at {a.revoked_at.isoformat() if a.revoked_at else '-'}")
    return 0


def _audit_key() -> bytes:
    """The audit key, made on first start with a warning line saying where it lives."""
    key, warning = _run(ensure_audit_key())
    if warning:
        print(f"WARNING: {warning}", file=sys.stderr, flush=True)
    return key


def _witnessed(believed: int, newest: Checkpoint | None, note: str | None) -> str:
    if newest is not None:
        return (
            f"; held to {believed} signed checkpoint{'s' if believed != 1 else ''}, "
            f"the newest of entry {newest.entry_id} at {newest.at.isoformat(timespec='seconds')}"
        )
    return f"; {note}" if note else ""


def cmd_audit_verify(args: argparse.Namespace) -> int:
    try:
        result = _run(verify_trail(region=args.region))
    except DomainError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    if not result.ok:
        # one line per chain that does not hold, then one for the checkpoints file itself
        for r in result.chains:
            where = f" in {chain_label(r.chain)}" if r.chain else ""
            if not r.check.ok:
                print(
                    f"audit trail BROKEN at entry {r.check.first_broken_id}{where}: {r.check.reason} "
                    f"({r.check.checked} entries before it are intact)"
                )
            elif r.findings:
                label = {"cut": "CUT", "rewritten": "REWRITTEN"}[r.findings[0].kind]
                print(f"audit trail {label}: {r.reason}")
        if result.witness:
            print(f"audit trail NOT WITNESSED: {'; '.join(f.message for f in result.witness)}")
        return 1
    chains = result.chains
    where = f" (region {result.region})" if result.region else ""
    spread = f" in {len(chains)} chains" if len(chains) > 1 else ""
    print(
        f"audit trail ok{where}: {result.chain.checked} entries checked{spread}"
        + _witnessed(result.believed, result.newest, result.note)
    )
    if len(chains) > 1:
        for r in chains:
            print(f"  {r.region}: {r.check.checked} entries" + _witnessed(r.believed, r.newest, r.note))
    return 0


def cmd_audit_checkpoint(_: argparse.Namespace) -> int:
    key = _audit_key()
    cps, _written = _run(write_checkpoints(key, only_if_moved=False))
    if not cps:
        print("no checkpoint written: the audit trail is empty")
        return 0
    for cp in cps:
        print(
            f"checkpoint of entry {cp.entry_id} ({cp.hash[:16]}…) of {chain_label(cp.chain)} "
            f"at {cp.at.isoformat(timespec='seconds')}"
        )
    print(f"appended {len(cps)} line{'s' if len(cps) != 1 else ''} to {get_settings().audit_checkpoints_file}")
    return 0


def cmd_import_template(args: argparse.Namespace) -> int:
    target = Path(args.file)
    if target.suffix.lower() != ".xlsx":
        print(f"{target}: the template is a workbook; name the file .xlsx", file=sys.stderr)
        return 2
    write_template(args.kind, str(target))
    sheets = ", ".join(s.name for s in IMPORT_KINDS[args.kind])
    print(f"{target}: the {args.kind} template (sheets to fill in: {sheets}; 说明 explains every column)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chainaid", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serving = sub.add_parser("serve", help="apply migrations, then run the API (Granian) until SIGINT or SIGTERM")
    serving.add_argument("--host", default="127.0.0.1")
    serving.add_argument("--port", type=int, default=8000)
    serving.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serving.add_argument("--log-level", default="info", choices=LOG_LEVELS)
    serving.add_argument("--demo", action="store_true", help="load the demo Qianjiang first, if the database is empty")
    serving.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="load a synthetic Qianjiang (or a province of them) into an empty database")
    demo.add_argument(
        "--counties",
        type=_counties,
        default=1,
        help=f"counties like Qianjiang to build under Hubei (42), 1 to {MAX_COUNTIES} (default 1: Qianjiang alone)",
    )
    demo.set_defaults(func=cmd_demo)

    sub.add_parser("migrate", help="apply pending database migrations").set_defaults(func=cmd_migrate)

    accounts = sub.add_parser("accounts", help="manage accounts and their tokens")
    acc = accounts.add_subparsers(dest="accounts_command", required=True)
    create = acc.add_parser("create", help="create an account and print its token once")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--name", help="who the account is for (default: the role)")
    scope = create.add_mutually_exclusive_group()
    scope.add_argument("--enterprise", type=int, help="enterprise id (operators)")
    scope.add_argument("--town", type=int, help="town id (town officers)")
    scope.add_argument(
        "--region", help="region code, 2, 4 or 6 digits (admin, finance, auditor); left out: the whole deployment"
    )
    create.set_defaults(func=cmd_accounts_create)
    acc.add_parser("list", help="list accounts").set_defaults(func=cmd_accounts_list)
    revoke = acc.add_parser("revoke", help="revoke an account's token")
    revoke.add_argument("account_id", type=int)
    revoke.set_defaults(func=cmd_accounts_revoke)

    regions = sub.add_parser("regions", help="the region directory (national division codes)")
    reg = regions.add_subparsers(dest="regions_command", required=True)
    adopting = reg.add_parser(
        "adopt",
        help="put every town and village not yet in a county into this county (made, with its province, if"
        " missing), giving national codes to those without; idempotent",
    )
    adopting.add_argument("--county", required=True, help="the county's 6-digit code, e.g. 429005")
    adopting.add_argument("--name", required=True, help="the county's name, e.g. 潜江市")
    adopting.add_argument("--province", required=True, help="the province's 2-digit code, e.g. 42")
    adopting.add_argument("--province-name", required=True, help="the province's name, e.g. 湖北省")
    adopting.set_defaults(func=cmd_regions_adopt)

    backup_cmd = sub.add_parser("backup", help="write the whole database to FILE (pg_dump, custom format)")
    backup_cmd.add_argument("file", metavar="FILE")
    backup_cmd.set_defaults(func=cmd_backup)
    restore_cmd = sub.add_parser("restore", help="restore a backup FILE into an empty database (pg_restore)")
    restore_cmd.add_argument("file", metavar="FILE")
    restore_cmd.add_argument(
        "--force", action="store_true", help="replace what a database that is not empty holds with the backup"
    )
    restore_cmd.set_defaults(func=cmd_restore)

    importing = sub.add_parser("import", help="taking a county's spreadsheets in")
    imp = importing.add_subparsers(dest="import_command", required=True)
    template = imp.add_parser("template", help="write the import template of KIND (an .xlsx workbook) to FILE")
    template.add_argument("kind", metavar="KIND", choices=list(IMPORT_KINDS), help=", ".join(IMPORT_KINDS))
    template.add_argument("file", metavar="FILE")
    template.set_defaults(func=cmd_import_template)
    exporting = imp.add_parser(
        "export", help="write a county's records of KIND as the import template filled in (to move them elsewhere)"
    )
    exporting.add_argument("kind", metavar="KIND", choices=list(EXPORTABLE), help=", ".join(EXPORTABLE))
    exporting.add_argument("file", metavar="FILE", help="an .xlsx workbook")
    exporting.add_argument("--county", required=True, help="the county's 6-digit code")
    exporting.set_defaults(func=lambda a: cmd_export(a.kind, a.file, a.county))
    for kind in IMPORTERS:
        run = imp.add_parser(kind, help=f"import {kind} from FILE (.xlsx, or one .csv per sheet); all or nothing")
        run.add_argument("files", metavar="FILE", nargs="+")
        run.add_argument("--dry-run", action="store_true", help="check every row and report; write nothing")
        run.set_defaults(func=lambda a, kind=kind: cmd_import(kind, a.files, a.dry_run))

    audit = sub.add_parser("audit", help="the audit trail")
    aud = audit.add_subparsers(dest="audit_command", required=True)
    verifying = aud.add_parser(
        "verify",
        help="recompute every hash chain (one per county, one for the province) and hold each to its signed"
        " checkpoints (exit 1 on any finding)",
    )
    verifying.add_argument(
        "--region",
        help="check one chain: a county's 6-digit code (429005), or 'province' for the chain of what belongs to"
        " no county; a city's 4 or a province's 2 digits check the chains of the counties under it",
    )
    verifying.set_defaults(func=cmd_audit_verify)
    aud.add_parser(
        "checkpoint",
        help="sign each chain's head now and append them to the checkpoints file (for cron, for tests)",
    ).set_defaults(func=cmd_audit_checkpoint)
    return parser


def _terminated(signum: int, _frame: object) -> None:
    # SIGTERM outside the server's own handling (during migrations, the demo, any other command) unwinds like
    # Ctrl-C, so that the embedded database this process started is stopped on the way out
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminated)
    wire_events()  # commands that write run the same event subscriptions as the app
    try:
        return args.func(args)
    except InvalidSettings as exc:  # one line naming the variable, not a traceback
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
