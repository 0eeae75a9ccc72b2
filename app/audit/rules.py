"""The audit chain's witness, as pure functions: checkpoints of the chain's head, their HMAC, their line
in the checkpoints file, and what comparing them with the stored chain says.

The hash chain (app/core/audit_chain.py) shows an entry edited or removed in the middle, but not the
newest entries cut off (the chain that is left is intact), nor a chain rewritten with every hash
recomputed (the hashes need no secret). A checkpoint records the chain's head (entry id and hash) at a
time, with an HMAC under a key the database never holds, in a file outside the database. Any later
chain must still hold that entry with that hash:

- the entry is gone (the chain now ends before it, or it was deleted and later writes went on): a cut;
- the entry is there with another hash: the chain was rewritten from there on (or cut and refilled);
- the HMAC does not match: the checkpoint itself was forged or damaged, and is not believed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from app.core.audit_chain import ChainCheck, canonical_json

CHECKPOINT_VERSION = 1
_HEX64 = re.compile(r"[0-9a-f]{64}")

Kind = Literal["cut", "rewritten", "forged", "unreadable", "no_key", "wrong_key"]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head of ``database`` at ``at``: entry ``entry_id`` with hash ``hash``, and its HMAC."""

    database: str
    entry_id: int
    hash: str
    at: datetime
    mac: str


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def checkpoint_message(database: str, entry_id: int, entry_hash: str, at: datetime) -> bytes:
    """What the HMAC covers: every field of the checkpoint, one per line, after a fixed label."""
    return f"chainaid-audit-checkpoint/v{CHECKPOINT_VERSION}\n{database}\n{entry_id}\n{entry_hash}\n{_iso(at)}".encode()


def checkpoint_mac(key: bytes, database: str, entry_id: int, entry_hash: str, at: datetime) -> str:
    return hmac.new(key, checkpoint_message(database, entry_id, entry_hash, at), hashlib.sha256).hexdigest()


def make_checkpoint(key: bytes, database: str, entry_id: int, entry_hash: str, at: datetime) -> Checkpoint:
    return Checkpoint(database, entry_id, entry_hash, at, checkpoint_mac(key, database, entry_id, entry_hash, at))


def mac_ok(key: bytes, cp: Checkpoint) -> bool:
    """Whether the checkpoint was signed with ``key`` as it stands (a changed field fails)."""
    return hmac.compare_digest(checkpoint_mac(key, cp.database, cp.entry_id, cp.hash, cp.at), cp.mac)


def checkpoint_line(cp: Checkpoint) -> str:
    """The checkpoint as one line of JSON (without the newline)."""
    return canonical_json(
        {
            "v": CHECKPOINT_VERSION,
            "database": cp.database,
            "entry_id": cp.entry_id,
            "hash": cp.hash,
            "at": _iso(cp.at),
            "mac": cp.mac,
        }
    )


def parse_checkpoint_line(text: str) -> Checkpoint:
    """A line of the checkpoints file; ValueError saying what is wrong with it otherwise."""
    try:
        raw: Any = json.loads(text)
    except ValueError:
        raise ValueError("not JSON") from None
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    if raw.get("v") != CHECKPOINT_VERSION:
        raise ValueError(f"version is not {CHECKPOINT_VERSION}")
    database, entry_id, entry_hash, at, mac = (raw.get(k) for k in ("database", "entry_id", "hash", "at", "mac"))
    if not isinstance(database, str) or not database:
        raise ValueError("database is missing")
    if not isinstance(entry_id, int) or isinstance(entry_id, bool) or entry_id < 1:
        raise ValueError("entry_id is not a positive whole number")
    if not isinstance(entry_hash, str) or not _HEX64.fullmatch(entry_hash):
        raise ValueError("hash is not 64 hex digits")
    if not isinstance(mac, str) or not _HEX64.fullmatch(mac):
        raise ValueError("mac is not 64 hex digits")
    if not isinstance(at, str):
        raise ValueError("at is missing")
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise ValueError("at is not an ISO 8601 time") from None
    if when.tzinfo is None:
        raise ValueError("at has no time zone")
    return Checkpoint(database, entry_id, entry_hash, when, mac)


Verdict = Literal["witnessed", "cut", "rewritten"]


def compare(cp: Checkpoint, stored_hash: str | None) -> Verdict:
    """A believed checkpoint against the hash stored today at its entry id (None: no such entry)."""
    if stored_hash is None:
        return "cut"
    return "witnessed" if hmac.compare_digest(stored_hash, cp.hash) else "rewritten"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    message: str
    entry_id: int | None = None
    witnessed_at: datetime | None = None
    line: int | None = None


@dataclass(slots=True)
class WitnessTally:
    """What the checkpoints file said, line by line; turned into findings by ``findings``."""

    believed: int = 0  # checkpoints of this database with a valid HMAC, compared with the chain
    newest: Checkpoint | None = None
    first_cut: Checkpoint | None = None
    last_cut: Checkpoint | None = None
    cuts: int = 0
    first_rewritten: Checkpoint | None = None
    rewritten: int = 0
    forged_lines: list[int] = field(default_factory=list)
    unreadable_lines: list[tuple[int, str]] = field(default_factory=list)
    signed_lines: int = 0  # lines that parse, whatever their database

    def compared(self, cp: Checkpoint, verdict: Verdict) -> None:
        self.believed += 1
        if self.newest is None or (cp.entry_id, cp.at) > (self.newest.entry_id, self.newest.at):
            self.newest = cp
        if verdict == "cut":
            self.cuts += 1
            if self.first_cut is None or cp.entry_id < self.first_cut.entry_id:
                self.first_cut = cp
            if self.last_cut is None or cp.entry_id > self.last_cut.entry_id:
                self.last_cut = cp
        elif verdict == "rewritten":
            self.rewritten += 1
            if self.first_rewritten is None or cp.entry_id < self.first_rewritten.entry_id:
                self.first_rewritten = cp


def _at(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _more(n: int, what: str) -> str:
    return f" (and {n} more {what})" if n else ""


def findings(tally: WitnessTally, kept_before_cut: int | None, source: str) -> list[Finding]:
    """What to report, worst first. ``kept_before_cut``: the newest entry still stored before the first
    cut checkpoint's entry (None: none is); ``source``: the checkpoints file, to name it."""
    out: list[Finding] = []
    if tally.first_cut is not None:
        first, last = tally.first_cut, tally.last_cut or tally.first_cut
        after = kept_before_cut if kept_before_cut is not None else 0
        tail = (
            f"; entry {last.entry_id}, witnessed at {_at(last.at)}, is missing too"
            if last.entry_id != first.entry_id
            else ""
        )
        out.append(
            Finding(
                "cut",
                f"entries after id {after}, witnessed at {_at(first.at)}, are missing: "
                f"the checkpoint holds entry {first.entry_id} and the chain does not{tail}",
                first.entry_id,
                first.at,
            )
        )
    if tally.first_rewritten is not None:
        cp = tally.first_rewritten
        out.append(
            Finding(
                "rewritten",
                f"the chain was rewritten: entry {cp.entry_id}'s hash differs from the one witnessed at {_at(cp.at)}"
                + _more(tally.rewritten - 1, "checkpoints disagree"),
                cp.entry_id,
                cp.at,
            )
        )
    if len(tally.forged_lines) > 1 and len(tally.forged_lines) == tally.signed_lines:
        out.append(
            Finding(
                "wrong_key",
                f"no checkpoint in {source} has a valid HMAC under this key: "
                "the key is not the one that signed them, or every line was forged",
                line=tally.forged_lines[0],
            )
        )
    elif tally.forged_lines:
        line = tally.forged_lines[0]
        out.append(
            Finding(
                "forged",
                f"the checkpoint on line {line} of {source} fails its HMAC: forged or damaged"
                + _more(len(tally.forged_lines) - 1, "lines"),
                line=line,
            )
        )
    if tally.unreadable_lines:
        line, why = tally.unreadable_lines[0]
        out.append(
            Finding(
                "unreadable",
                f"line {line} of {source} is not a checkpoint ({why})"
                + _more(len(tally.unreadable_lines) - 1, "lines"),
                line=line,
            )
        )
    return out


def no_key_finding(lines: int, source: str, key_source: str) -> Finding:
    return Finding(
        "no_key",
        f"the audit key is missing ({key_source}): the {lines} checkpoints in {source} cannot be checked",
    )


@dataclass(frozen=True, slots=True)
class TrailCheck:
    """The hash chain's check and the witness's findings together."""

    chain: ChainCheck
    believed: int
    newest: Checkpoint | None
    findings: tuple[Finding, ...]
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.findings

    @property
    def reason(self) -> str | None:
        if not self.chain.ok:
            return self.chain.reason
        return "; ".join(f.message for f in self.findings) or None


def no_witness_note(entries: int) -> str | None:
    if not entries:
        return None
    return "no checkpoint of this database yet: a cut after its newest entries could not be seen"


def tally_lines(
    key: bytes, database: str, lines: Iterable[tuple[int, str]], tally: WitnessTally
) -> list[tuple[int, Checkpoint]]:
    """Read lines of the checkpoints file into ``tally``; returns the believed checkpoints of
    ``database`` (valid HMAC), for the caller to compare with the stored chain."""
    believed: list[tuple[int, Checkpoint]] = []
    for number, text in lines:
        reading = read_line(key, database, text)
        if reading.checkpoint is None:
            tally.unreadable_lines.append((number, (reading.problem or "").removeprefix("not a checkpoint: ")))
            continue
        tally.signed_lines += 1
        if not reading.mac_ok:
            tally.forged_lines.append(number)
        else:
            believed.append((number, reading.checkpoint))
    return believed


@dataclass(frozen=True, slots=True)
class LineReading:
    """One line of the checkpoints file as read with this deployment's key."""

    checkpoint: Checkpoint | None
    mac_ok: bool
    believed: bool  # a valid checkpoint of this deployment's key: it is held against the chain
    problem: str | None


def read_line(key: bytes | None, database: str, text: str) -> LineReading:
    try:
        cp = parse_checkpoint_line(text)
    except ValueError as exc:
        return LineReading(None, False, False, f"not a checkpoint: {exc}")
    if key is None:
        return LineReading(cp, False, False, "no audit key to check its HMAC with")
    if not mac_ok(key, cp):
        return LineReading(cp, False, False, "fails its HMAC: forged or damaged")
    # Held against this chain whatever database it names: the key binds a checkpoint to this deployment,
    # and a copy restored or renamed under another name must not escape the witness by that alone.
    if cp.database != database:
        return LineReading(cp, True, True, f"a checkpoint of database {cp.database}, held against {database}")
    return LineReading(cp, True, True, None)
