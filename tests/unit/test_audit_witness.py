"""The audit chain's witness, pure parts: checkpoint HMAC, its line, the comparison with the stored chain and
what is reported; and the files (key, checkpoints) in a temporary folder."""

from __future__ import annotations

import dataclasses
import json
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.audit import witness
from app.audit.rules import (
    ChainReport,
    ChainTally,
    Checkpoint,
    TrailCheck,
    WitnessTally,
    chain_report,
    checkpoint_line,
    checkpoint_mac,
    compare,
    findings,
    mac_ok,
    make_checkpoint,
    parse_checkpoint_line,
    read_line,
    select_chains,
    stored_in_chain,
    tally_lines,
)
from app.core.audit_chain import ChainCheck
from app.core.settings import InvalidSettings, load_settings

KEY = b"k" * 64
T0 = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
H = "ab" * 32


def cp(
    entry_id: int = 7, entry_hash: str = H, at: datetime = T0, database: str = "chainaid", chain: str = ""
) -> Checkpoint:
    return make_checkpoint(KEY, database, entry_id, entry_hash, at, chain)


def test_the_hmac_covers_every_field_and_the_key():
    c = cp()
    assert mac_ok(KEY, c)
    assert c.mac == checkpoint_mac(KEY, "chainaid", 7, H, T0)
    for changed in (
        dataclasses.replace(c, entry_id=8),
        dataclasses.replace(c, hash="cd" * 32),
        dataclasses.replace(c, at=T0 + timedelta(microseconds=1)),
        dataclasses.replace(c, database="other"),
        dataclasses.replace(c, chain="429005"),
    ):
        assert not mac_ok(KEY, changed)
    assert not mac_ok(b"x" * 64, c)


def test_the_same_instant_in_another_zone_signs_the_same():
    east = T0.astimezone(timezone(timedelta(hours=8)))
    assert checkpoint_mac(KEY, "d", 1, H, east) == checkpoint_mac(KEY, "d", 1, H, T0)


def test_a_checkpoint_line_reads_back_as_written():
    c = cp()
    line = checkpoint_line(c)
    assert "\n" not in line
    assert json.loads(line) == {
        "v": 1,
        "database": "chainaid",
        "chain": "",
        "entry_id": 7,
        "hash": H,
        "at": T0.isoformat(timespec="microseconds"),
        "mac": c.mac,
    }
    back = parse_checkpoint_line(line)
    assert back == c and mac_ok(KEY, back)


def _line(**changes) -> str:
    raw = json.loads(checkpoint_line(cp()))
    raw.update(changes)
    return json.dumps(raw)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "not JSON"),
        ("{", "not JSON"),
        ("[1]", "not a JSON object"),
        (_line(v=2), "version"),
        (_line(database=""), "database"),
        (_line(chain="42900"), "chain"),
        (_line(chain=429005), "chain"),
        (_line(chain=None), "chain"),
        (_line(entry_id=0), "entry_id"),
        (_line(entry_id=True), "entry_id"),
        (_line(entry_id="7"), "entry_id"),
        (_line(hash="AB" * 32), "hash"),
        (_line(hash="ab"), "hash"),
        (_line(mac=None), "mac"),
        (_line(at="yesterday"), "at is not"),
        (_line(at="2026-11-29T12:00:00"), "time zone"),
        (_line(at=None), "at is missing"),
    ],
)
def test_a_line_that_is_not_a_checkpoint_says_why(text, why):
    with pytest.raises(ValueError, match=why):
        parse_checkpoint_line(text)


def test_compare_with_the_stored_chain():
    c = cp()
    assert compare(c, H) == "witnessed"
    assert compare(c, None) == "cut"
    assert compare(c, "cd" * 32) == "rewritten"


def test_read_line_believes_every_valid_checkpoint_of_this_key_whatever_database_it_names():
    assert read_line(KEY, "chainaid", checkpoint_line(cp())).believed
    other = read_line(KEY, "chainaid", checkpoint_line(cp(database="chainaid_restored")))
    assert other.mac_ok and other.believed and "database chainaid_restored" in (other.problem or "")
    forged = read_line(KEY, "chainaid", _line(entry_id=9))
    assert not forged.mac_ok and not forged.believed and "forged" in (forged.problem or "")
    no_key = read_line(None, "chainaid", checkpoint_line(cp()))
    assert not no_key.believed and "no audit key" in (no_key.problem or "")
    junk = read_line(KEY, "chainaid", "junk")
    assert junk.checkpoint is None and (junk.problem or "").startswith("not a checkpoint")


def _tally(*lines: str) -> tuple[WitnessTally, list[tuple[int, Checkpoint]]]:
    tally = WitnessTally()
    believed = tally_lines(KEY, "chainaid", list(enumerate(lines, start=1)), tally)
    return tally, believed


def test_a_cut_names_the_last_entry_kept_and_when_the_missing_one_was_witnessed():
    tally, believed = _tally(checkpoint_line(cp(5)), checkpoint_line(cp(9, at=T0 + timedelta(minutes=1))))
    stored = {5: H}
    for _, c in believed:
        tally.compared(c, compare(c, stored.get(c.entry_id)))
    (f,) = findings(tally, kept_before_cut={"": 6}, source="cp.jsonl")
    assert f.kind == "cut" and f.entry_id == 9 and f.witnessed_at == T0 + timedelta(minutes=1)
    assert f.message.startswith("entries after id 6, witnessed at 2026-11-29 12:01:00 UTC, are missing")
    newest = tally.chains[""].newest
    assert newest is not None and newest.entry_id == 9


def test_several_cut_checkpoints_name_the_first_and_the_last():
    tally = WitnessTally()
    for i in (5, 9, 12):
        tally.compared(cp(i), "cut")
    (f,) = findings(tally, kept_before_cut={}, source="f")
    assert f.entry_id == 5 and "entries after id 0" in f.message and "entry 12, witnessed at" in f.message


def test_a_rewrite_names_the_earliest_checkpoint_that_disagrees():
    tally = WitnessTally()
    tally.compared(cp(3), "witnessed")
    tally.compared(cp(8), "rewritten")
    tally.compared(cp(5), "rewritten")
    (f,) = findings(tally, {}, "f")
    assert f.kind == "rewritten" and f.entry_id == 5
    assert "entry 5's hash differs" in f.message and "1 more checkpoints disagree" in f.message


def test_forged_and_unreadable_lines_are_reported_by_line_and_not_believed():
    tally, believed = _tally(checkpoint_line(cp(1)), _line(entry_id=2), "oops", _line(mac="0" * 64))
    assert [n for n, _ in believed] == [1]
    found = findings(tally, {}, "cp.jsonl")
    assert [(f.kind, f.line) for f in found] == [("forged", 2), ("unreadable", 3)]
    assert "line 2 of cp.jsonl fails its HMAC" in found[0].message and "1 more lines" in found[0].message
    assert "line 3 of cp.jsonl is not a checkpoint (not JSON)" in found[1].message


def test_when_no_line_has_a_valid_hmac_the_key_is_named_as_the_likely_cause():
    tally, believed = _tally(_line(entry_id=2), _line(entry_id=3))
    assert not believed
    (f,) = findings(tally, {}, "f")
    assert f.kind == "wrong_key"


def test_a_copy_under_another_name_is_still_held_to_the_checkpoints():
    # restoring an edited copy under a new database name must not be a way round the witness
    _, believed = _tally(checkpoint_line(cp(database="chainaid_original")))
    assert len(believed) == 1 and believed[0][1].database == "chainaid_original"


# one chain per county, one for the province: each held to its own checkpoints

# a line as the single chain's witness wrote it (before the chains were split), with no "chain"
LEGACY_LINE = (
    '{"at":"2026-11-29T12:00:00.000000+00:00","database":"chainaid","entry_id":7,'
    '"hash":"abababababababababababababababababababababababababababababababab",'
    '"mac":"62e4227b8e4fce6ab255f5fee547ad32de6523db83a1ac4af0f321c42f6b393d","v":1}'
)


def test_a_line_written_before_the_split_is_the_province_chains_and_still_verifies():
    old = parse_checkpoint_line(LEGACY_LINE)
    assert old.chain == "" and mac_ok(KEY, old) and old == cp()
    assert read_line(KEY, "chainaid", LEGACY_LINE).believed


def test_a_county_checkpoint_signs_its_chain_and_cannot_be_moved_to_another():
    c = cp(chain="429005")
    assert mac_ok(KEY, c) and c.mac != cp().mac
    assert parse_checkpoint_line(checkpoint_line(c)) == c
    for moved in ("429006", ""):
        assert not mac_ok(KEY, dataclasses.replace(c, chain=moved))
    # the province chain's line with a chain added is not the same message either
    assert not read_line(KEY, "chainaid", _line(chain="429005")).mac_ok


def test_the_stored_hash_counts_only_in_the_checkpoints_chain():
    stored = {7: ("429005", H)}
    assert stored_in_chain(cp(chain="429005"), stored) == H
    assert stored_in_chain(cp(chain="429006"), stored) is None  # moved away: gone from this chain
    assert stored_in_chain(cp(), {}) is None


def test_each_chain_is_held_to_its_own_checkpoints():
    tally, believed = _tally(
        checkpoint_line(cp(3)),
        checkpoint_line(cp(5, chain="429005")),
        checkpoint_line(cp(6, chain="429006")),
    )
    stored = {3: ("", H), 6: ("429006", "cd" * 32)}  # 5 is gone, 6 was rewritten
    for _, c in believed:
        tally.compared(c, compare(c, stored_in_chain(c, stored)))
    assert sorted(tally.chains) == ["", "429005", "429006"] and tally.believed == 3
    found = findings(tally, {"429005": 2}, "f")
    assert [(f.kind, f.chain, f.entry_id) for f in found] == [("cut", "429005", 5), ("rewritten", "429006", 6)]
    assert found[0].message.startswith("county 429005: entries after id 2, witnessed at ")
    assert found[1].message.startswith("county 429006: the chain was rewritten: entry 6's hash differs")


def test_a_selection_believes_only_its_chains_lines_but_reports_every_forged_one():
    lines = [checkpoint_line(cp(1)), checkpoint_line(cp(2, chain="429005")), _line(entry_id=9, chain="429006")]
    tally = WitnessTally()
    believed = tally_lines(KEY, "chainaid", list(enumerate(lines, start=1)), tally, select_chains("429005"))
    assert [(n, c.chain) for n, c in believed] == [(2, "429005")]
    assert tally.forged_lines == [3]  # its chain is as forged as the rest of it


def test_regions_name_chains():
    assert select_chains(None).selects("") and select_chains(None).selects("429005")
    province = select_chains("province")
    assert (province.region, province.exact) == ("province", "")
    assert province.selects("") and not province.selects("429005")
    assert select_chains("PROVINCE").exact == ""
    one = select_chains("429005")
    assert one.selects("429005") and not one.selects("429006") and not one.selects("")
    city = select_chains("4290")
    assert city.selects("429005") and city.selects("429004") and not city.selects("420100")
    assert not city.selects("")  # the province's chain is named apart
    assert select_chains("42").selects("420100") and not select_chains("42").selects("")
    for bad in ("", "429", "429005001", "42a005", "全省", "４２"):
        with pytest.raises(ValueError, match="province"):
            select_chains(bad)


def test_the_trail_check_totals_its_chains_and_names_the_first_broken_one():
    intact = ChainReport("", ChainCheck(True, 5), 1, cp(5))
    broken = ChainReport("429005", ChainCheck(False, 2, 12, "content does not match its hash (the entry was edited)"))
    late = cp(20, at=T0 + timedelta(hours=1), chain="429006")
    witnessed = ChainReport("429006", ChainCheck(True, 3), 2, late)
    trail = TrailCheck((intact, broken, witnessed))
    assert not trail.ok and trail.chain == ChainCheck(False, 10, 12, broken.check.reason)
    assert trail.reason == "county 429005: content does not match its hash (the entry was edited)"
    assert trail.believed == 3 and trail.newest == late and trail.findings == ()
    assert broken.region == "429005" and intact.region == "province"


def test_notes_say_which_chains_no_checkpoint_witnessed_yet():
    unwitnessed = chain_report("429005", ChainCheck(True, 4), None)
    assert unwitnessed.note is not None and "no checkpoint of this chain yet" in unwitnessed.note
    assert chain_report("429006", ChainCheck(True, 0), None).note is None  # an empty chain has nothing to cut
    assert "no checkpoint of this database yet" in (TrailCheck((unwitnessed,)).note or "")
    tally = ChainTally()
    tally.compared(cp(3), "witnessed")
    witnessed = chain_report("", ChainCheck(True, 3), tally)
    assert witnessed.note is None and witnessed.ok
    assert TrailCheck((witnessed, unwitnessed)).note == (
        "no checkpoint yet of county 429005's chain: a cut after its newest entries could not be seen"
    )


# the files, in a temporary folder


def _settings(tmp_path, **env):
    return load_settings(
        {
            "CHAINAID_PGDATA": str(tmp_path / "pgdata"),
            "CHAINAID_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
            "CHAINAID_AUDIT_CHECKPOINTS": str(tmp_path / "cp.jsonl"),
            **env,
        }
    )


def test_the_key_is_made_once_with_mode_0600(tmp_path):
    s = _settings(tmp_path)
    assert witness.read_key(s) is None
    key, made = witness.ensure_key(s)
    assert made and len(key) == 64 and stat.S_IMODE(s.audit_key_file.stat().st_mode) == 0o600
    assert witness.ensure_key(s) == (key, False)
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]  # no scratch file left behind
    assert str(s.audit_key_file) in witness.key_warning(s)


def test_the_key_from_the_environment_wins_and_no_file_is_made(tmp_path):
    s = _settings(tmp_path, CHAINAID_AUDIT_KEY="e" * 32)
    assert witness.ensure_key(s) == (b"e" * 32, False) and not s.audit_key_file.exists()
    assert witness.key_source(s) == "CHAINAID_AUDIT_KEY"


def test_a_short_key_file_is_refused(tmp_path):
    s = _settings(tmp_path)
    s.audit_key_file.write_text("short\n")
    with pytest.raises(InvalidSettings, match="fewer than 32"):
        witness.read_key(s)


def test_appending_only_when_the_head_moved(tmp_path):
    path = tmp_path / "cp.jsonl"
    assert witness.append_checkpoint(path, cp(1), KEY, only_if_moved=True)
    assert not witness.append_checkpoint(path, cp(1, at=T0 + timedelta(minutes=1)), KEY, only_if_moved=True)
    assert witness.append_checkpoint(path, cp(1, at=T0 + timedelta(minutes=2)), KEY, only_if_moved=False)
    assert witness.append_checkpoint(path, cp(2), KEY, only_if_moved=True)
    # a forged last line holding the head does not stop the genuine checkpoint
    with path.open("a") as f:
        f.write(_line(entry_id=3) + "\n")
    assert witness.append_checkpoint(path, cp(3), KEY, only_if_moved=True)
    assert [json.loads(line)["entry_id"] for line in path.read_text().splitlines()] == [1, 1, 2, 3, 3]


def test_pages_of_the_file_newest_first(tmp_path):
    path = tmp_path / "cp.jsonl"
    assert witness.newest_lines(path, 0, 10) == (0, [])
    for i in range(1, 8):
        witness.append_checkpoint(path, cp(i), KEY, only_if_moved=False)
    total, page = witness.newest_lines(path, 0, 3)
    assert total == 7 and [n for n, _ in page] == [7, 6, 5]
    assert [n for n, _ in witness.newest_lines(path, 5, 3)[1]] == [2, 1]
    assert witness.newest_lines(path, 7, 3) == (7, [])
    assert [len(b) for b in witness.line_batches(path, 3)] == [3, 3, 1]


def test_appending_each_chains_head_when_it_moved(tmp_path):
    path = tmp_path / "cp.jsonl"
    seen = witness.SignedHeads()
    heads = [cp(1), cp(2, chain="429005"), cp(3, chain="429006")]
    assert witness.append_checkpoints(path, heads, KEY, only_if_moved=True, seen=seen) == heads
    # 429005 moved; the others did not (what the file says, as this writer read it)
    moved = [cp(1), cp(4, chain="429005"), cp(3, chain="429006")]
    assert witness.append_checkpoints(path, moved, KEY, only_if_moved=True, seen=seen) == [moved[1]]
    # another writer (no state of its own: reads the whole file) sees the same
    assert witness.append_checkpoints(path, moved, KEY, only_if_moved=True) == []
    # lines appended by someone else since are read: a head another worker signed is not signed again
    witness.append_checkpoint(path, cp(5, chain="429006"), KEY, only_if_moved=False)
    again = [cp(1), cp(4, chain="429005"), cp(5, chain="429006")]
    assert witness.append_checkpoints(path, again, KEY, only_if_moved=True, seen=seen) == []
    # without only_if_moved, every head is written
    assert len(witness.append_checkpoints(path, again, KEY, only_if_moved=False, seen=seen)) == 3
    assert [(json.loads(line)["chain"], json.loads(line)["entry_id"]) for line in path.read_text().splitlines()] == [
        ("", 1),
        ("429005", 2),
        ("429006", 3),
        ("429005", 4),
        ("429006", 5),
        ("", 1),
        ("429005", 4),
        ("429006", 5),
    ]


def test_a_replaced_checkpoints_file_is_read_again_from_its_start(tmp_path):
    path = tmp_path / "cp.jsonl"
    seen = witness.SignedHeads()
    assert witness.append_checkpoints(path, [cp(1)], KEY, only_if_moved=True, seen=seen)
    path.unlink()
    assert witness.append_checkpoints(path, [cp(1)], KEY, only_if_moved=True, seen=seen) == [cp(1)]
    path.write_text("")  # emptied in place
    assert witness.append_checkpoints(path, [cp(1)], KEY, only_if_moved=True, seen=seen) == [cp(1)]
    assert len(path.read_text().splitlines()) == 1
