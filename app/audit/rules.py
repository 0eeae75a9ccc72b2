"""The audit chains' witness, as pure functions: checkpoints of each chain's head, their HMAC, their line
in the checkpoints file, and what comparing them with the stored chains says.

The hash chains (app/core/audit_chain.py: one per county, one for the province) show an entry edited or
removed in the middle, but not the newest entries cut off (the chain that is left is intact), nor a
chain rewritten with every hash recomputed (the hashes need no secret). A checkpoint records a chain's
head (chain, entry id and hash) at a time, with an HMAC under a key the database never holds, in a file
outside the database. Any later state of that chain must still hold that entry with that hash:

- the entry is gone from the chain (the chain now ends before it, or it was deleted and later writes
  went on, or it was moved to another chain): a cut;
- the entry is there with another hash: the chain was rewritten from there on (or cut and refilled);
- the HMAC does not match: the checkpoint itself was forged or damaged, and is not believed.

Each chain is held to its own checkpoints only. A line written before the chains were split has no
``chain``: it witnessed the one chain there was, which is the province's (``""``) now.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from app.core.audit_chain import PROVINCE_CHAIN, ChainCheck, canonical_json, combine, is_chain_name

CHECKPOINT_VERSION = 1
_HEX64 = re.compile(r"[0-9a-f]{64}")

Kind = Literal["cut", "rewritten", "forged", "unreadable", "no_key", "wrong_key"]

# how a chain is named to people (``--region``, ``?region=``, the reports): a county by its code, the
# province's chain by this word
PROVINCE_REGION = "province"


def region_of(chain: str) -> str:
    return chain or PROVINCE_REGION


def chain_label(chain: str) -> str:
    """The chain in a sentence."""
    return f"county {chain}'s chain" if chain else "the province's chain"


@dataclass(frozen=True, slots=True)
class ChainSelection:
    """Which chains a verify checks: every one (``region`` None), one (``exact``: a county's code, or ``""``
    for the province's chain), or the counties under a province or city code (``prefix``)."""

    region: str | None = None
    exact: str | None = None
    prefix: str | None = None

    def selects(self, chain: str) -> bool:
        if self.exact is not None:
            return chain == self.exact
        if self.prefix is not None:
            return chain != PROVINCE_CHAIN and chain.startswith(self.prefix)
        return True


def select_chains(region: str | None) -> ChainSelection:
    """``None``: every chain; ``province``: the province's chain (what belongs to no county); a county's
    6-digit code: its chain; a province's 2 or a city's 4 digits: the chains of the counties under it (not
    the province's chain: name it apart). ValueError saying what is wrong otherwise."""
    if region is None:
        return ChainSelection()
    text = region.strip()
    if text.lower() == PROVINCE_REGION:
        return ChainSelection(region=PROVINCE_REGION, exact=PROVINCE_CHAIN)
    if not (text.isascii() and text.isdigit()) or len(text) not in (2, 4, 6):
        raise ValueError(
            f"{PROVINCE_REGION!r}, a county's 6-digit code, "
            "or a city's 4 or a province's 2 digits for the counties under it"
        )
    if len(text) == 6:
        return ChainSelection(region=text, exact=text)
    return ChainSelection(region=text, prefix=text)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The head of ``chain`` in ``database`` at ``at``: entry ``entry_id`` with hash ``hash``, and its HMAC."""

    database: str
    entry_id: int
    hash: str
    at: datetime
    mac: str
    chain: str = PROVINCE_CHAIN


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def checkpoint_message(
    database: str, entry_id: int, entry_hash: str, at: datetime, chain: str = PROVINCE_CHAIN
) -> bytes:
    """What the HMAC covers: every field of the checkpoint, one per line, after a fixed label. A county
    chain's checkpoint has a label of its own and its chain on the next line; the province chain's is what
    every checkpoint was before the chains were split, so the lines written then still verify."""
    label = f"chainaid-audit-checkpoint/v{CHECKPOINT_VERSION}"
    if chain != PROVINCE_CHAIN:
        label = f"{label}/chain\n{chain}"
    return f"{label}\n{database}\n{entry_id}\n{entry_hash}\n{_iso(at)}".encode()


def checkpoint_mac(
    key: bytes, database: str, entry_id: int, entry_hash: str, at: datetime, chain: str = PROVINCE_CHAIN
) -> str:
    return hmac.new(key, checkpoint_message(database, entry_id, entry_hash, at, chain), hashlib.sha256).hexdigest()


def make_checkpoint(
    key: bytes, database: str, entry_id: int, entry_hash: str, at: datetime, chain: str = PROVINCE_CHAIN
) -> Checkpoint:
    mac = checkpoint_mac(key, database, entry_id, entry_hash, at, chain)
    return Checkpoint(database, entry_id, entry_hash, at, mac, chain)


def mac_ok(key: bytes, cp: Checkpoint) -> bool:
    """Whether the checkpoint was signed with ``key`` as it stands (a changed field fails)."""
    return hmac.compare_digest(checkpoint_mac(key, cp.database, cp.entry_id, cp.hash, cp.at, cp.chain), cp.mac)


def checkpoint_line(cp: Checkpoint) -> str:
    """The checkpoint as one line of JSON (without the newline)."""
    return canonical_json(
        {
            "v": CHECKPOINT_VERSION,
            "database": cp.database,
            "chain": cp.chain,
            "entry_id": cp.entry_id,
            "hash": cp.hash,
            "at": _iso(cp.at),
            "mac": cp.mac,
        }
    )


def parse_checkpoint_line(text: str) -> Checkpoint:
    """A line of the checkpoints file; ValueError saying what is wrong with it otherwise. A line without
    ``chain`` (written before the chains were split) is the province chain's."""
    try:
        raw: Any = json.loads(text)
    except ValueError:
        raise ValueError("not JSON") from None
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    if raw.get("v") != CHECKPOINT_VERSION:
        raise ValueError(f"version is not {CHECKPOINT_VERSION}")
    database, entry_id, entry_hash, at, mac = (raw.get(k) for k in ("database", "entry_id", "hash", "at", "mac"))
    chain = raw.get("chain", PROVINCE_CHAIN)
    if not isinstance(database, str) or not database:
        raise ValueError("database is missing")
    if not isinstance(chain, str) or not is_chain_name(chain):
        raise ValueError("chain is neither a county's 6 digits nor empty")
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
    return Checkpoint(database, entry_id, entry_hash, when, mac, chain)


Verdict = Literal["witnessed", "cut", "rewritten"]


def compare(cp: Checkpoint, stored_hash: str | None) -> Verdict:
    """A believed checkpoint against the hash stored today at its entry id in its chain (None: no such entry
    in that chain)."""
    if stored_hash is None:
        return "cut"
    return "witnessed" if hmac.compare_digest(stored_hash, cp.hash) else "rewritten"


def stored_in_chain(cp: Checkpoint, stored: Mapping[int, tuple[str, str]]) -> str | None:
    """The hash stored at the checkpoint's entry id if that entry is in the checkpoint's chain (``stored``:
    id -> (chain, hash)); an entry moved to another chain has left this one."""
    found = stored.get(cp.entry_id)
    return found[1] if found is not None and found[0] == cp.chain else None


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    message: str
    entry_id: int | None = None
    witnessed_at: datetime | None = None
    line: int | None = None
    chain: str | None = None  # the chain it is about; None: the checkpoints file as a whole


@dataclass(slots=True)
class ChainTally:
    """One chain's believed checkpoints, compared with the chain."""

    believed: int = 0
    newest: Checkpoint | None = None
    first_cut: Checkpoint | None = None
    last_cut: Checkpoint | None = None
    cuts: int = 0
    first_rewritten: Checkpoint | None = None
    rewritten: int = 0

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


@dataclass(slots=True)
class WitnessTally:
    """What the checkpoints file said, line by line: each chain's comparisons, and the lines that could not be
    believed; turned into findings by ``findings``."""

    chains: dict[str, ChainTally] = field(default_factory=dict)
    forged_lines: list[int] = field(default_factory=list)
    unreadable_lines: list[tuple[int, str]] = field(default_factory=list)
    signed_lines: int = 0  # lines that parse, whatever their database or chain

    def compared(self, cp: Checkpoint, verdict: Verdict) -> None:
        self.chains.setdefault(cp.chain, ChainTally()).compared(cp, verdict)

    @property
    def believed(self) -> int:
        return sum(t.believed for t in self.chains.values())


def _at(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _more(n: int, what: str) -> str:
    return f" (and {n} more {what})" if n else ""


def _of(chain: str) -> str:
    """The prefix naming a county's chain in a finding (the province chain's findings read as before)."""
    return f"county {chain}: " if chain else ""


def chain_findings(tally: ChainTally, chain: str, kept_before_cut: int | None) -> list[Finding]:
    """What one chain's checkpoints say, worst first. ``kept_before_cut``: the newest entry of the chain
    still stored before the first cut checkpoint's entry (None: none is)."""
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
                f"{_of(chain)}entries after id {after}, witnessed at {_at(first.at)}, are missing: "
                f"the checkpoint holds entry {first.entry_id} and the chain does not{tail}",
                first.entry_id,
                first.at,
                chain=chain,
            )
        )
    if tally.first_rewritten is not None:
        cp = tally.first_rewritten
        out.append(
            Finding(
                "rewritten",
                f"{_of(chain)}the chain was rewritten: entry {cp.entry_id}'s hash differs from the one witnessed "
                f"at {_at(cp.at)}" + _more(tally.rewritten - 1, "checkpoints disagree"),
                cp.entry_id,
                cp.at,
                chain=chain,
            )
        )
    return out


def file_findings(tally: WitnessTally, source: str) -> list[Finding]:
    """What the lines that could not be believed say about the checkpoints file (``source``, to name it)."""
    out: list[Finding] = []
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


_RANK: dict[str, int] = {"cut": 0, "rewritten": 1}


def findings(tally: WitnessTally, kept_before_cut: Mapping[str, int | None], source: str) -> list[Finding]:
    """Everything to report, worst first: the chains' cuts, then their rewrites (the province's chain first,
    then the counties in order), then the file's lines that could not be believed. ``kept_before_cut``: per
    chain with a cut, the newest entry still stored before its first cut checkpoint's entry."""
    per_chain = [
        f
        for chain in sorted(tally.chains)
        for f in chain_findings(tally.chains[chain], chain, kept_before_cut.get(chain))
    ]
    return sorted(per_chain, key=lambda f: _RANK[f.kind]) + file_findings(tally, source)


def no_key_finding(lines: int, source: str, key_source: str) -> Finding:
    return Finding(
        "no_key",
        f"the audit key is missing ({key_source}): the {lines} checkpoints in {source} cannot be checked",
    )


@dataclass(frozen=True, slots=True)
class ChainReport:
    """One chain: its hash chain recomputed, and what its own checkpoints say."""

    chain: str
    check: ChainCheck
    believed: int = 0
    newest: Checkpoint | None = None
    findings: tuple[Finding, ...] = ()

    @property
    def region(self) -> str:
        return region_of(self.chain)

    @property
    def ok(self) -> bool:
        return self.check.ok and not self.findings

    @property
    def reason(self) -> str | None:
        if not self.check.ok:
            return f"{_of(self.chain)}{self.check.reason}"
        return "; ".join(f.message for f in self.findings) or None

    @property
    def note(self) -> str | None:
        if self.believed or self.findings or not self.check.checked:
            return None
        return "no checkpoint of this chain yet: a cut after its newest entries could not be seen"


def chain_report(
    chain: str, check: ChainCheck, tally: ChainTally | None, kept_before_cut: int | None = None
) -> ChainReport:
    if tally is None:
        return ChainReport(chain, check)
    found = tuple(chain_findings(tally, chain, kept_before_cut))
    return ChainReport(chain, check, tally.believed, tally.newest, found)


@dataclass(frozen=True, slots=True)
class TrailCheck:
    """The chains checked (each with its own checkpoints), and what the checkpoints file itself says."""

    chains: tuple[ChainReport, ...]
    witness: tuple[Finding, ...] = ()  # about the file: forged or unreadable lines, a wrong or missing key
    region: str | None = None  # the chains asked for (None: every one)

    @property
    def chain(self) -> ChainCheck:
        """The hash chains' checks as one: the first broken chain's entry and reason."""
        return combine(r.check for r in self.chains)

    @property
    def broken(self) -> ChainReport | None:
        return next((r for r in self.chains if not r.check.ok), None)

    @property
    def findings(self) -> tuple[Finding, ...]:
        per_chain = sorted((f for r in self.chains for f in r.findings), key=lambda f: _RANK[f.kind])
        return (*per_chain, *self.witness)

    @property
    def believed(self) -> int:
        return sum(r.believed for r in self.chains)

    @property
    def newest(self) -> Checkpoint | None:
        heads = [r.newest for r in self.chains if r.newest is not None]
        return max(heads, key=lambda cp: (cp.at, cp.entry_id)) if heads else None

    @property
    def ok(self) -> bool:
        return all(r.check.ok for r in self.chains) and not self.findings

    @property
    def reason(self) -> str | None:
        broken = self.broken
        if broken is not None:
            return broken.reason
        return "; ".join(f.message for f in self.findings) or None

    @property
    def note(self) -> str | None:
        if self.findings:
            return None
        unwitnessed = [r for r in self.chains if r.note]
        if not unwitnessed:
            return None
        if not self.believed:
            return "no checkpoint of this database yet: a cut after its newest entries could not be seen"
        first = chain_label(unwitnessed[0].chain)
        return (
            f"no checkpoint yet of {first}{_more(len(unwitnessed) - 1, 'chains')}: "
            "a cut after its newest entries could not be seen"
        )


def tally_lines(
    key: bytes,
    database: str,
    lines: Iterable[tuple[int, str]],
    tally: WitnessTally,
    selection: ChainSelection | None = None,
) -> list[tuple[int, Checkpoint]]:
    """Read lines of the checkpoints file into ``tally``; returns the believed checkpoints (valid HMAC) of the
    chains ``selection`` names (every chain: None), for the caller to compare with the stored chains. A line
    that cannot be believed is counted whatever chain it names: that name is not to be trusted either."""
    believed: list[tuple[int, Checkpoint]] = []
    for number, text in lines:
        reading = read_line(key, database, text)
        if reading.checkpoint is None:
            tally.unreadable_lines.append((number, (reading.problem or "").removeprefix("not a checkpoint: ")))
            continue
        tally.signed_lines += 1
        if not reading.mac_ok:
            tally.forged_lines.append(number)
        elif selection is None or selection.selects(reading.checkpoint.chain):
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
