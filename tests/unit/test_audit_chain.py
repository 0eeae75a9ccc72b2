"""The audit trail's hash chain: an edited entry and a removed entry are both found, and where."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.audit_chain import (
    GENESIS,
    PROVINCE_CHAIN,
    ChainCheck,
    EntryContent,
    StoredEntry,
    canonical_json,
    check_chain,
    combine,
    entry_hash,
    entry_payload,
    is_chain_name,
)

T0 = datetime(2017, 3, 1, 9, 0, tzinfo=UTC)


def content(i: int) -> EntryContent:
    return EntryContent(
        at=T0 + timedelta(minutes=i),
        actor_id=1,
        actor_label="镇干部 1",
        action="update",
        entity="household",
        entity_id=str(i),
        before={"status": "notice"},
        after={"status": "town_reviewed", "n": i},
    )


def chain(n: int) -> list[StoredEntry]:
    entries, prev = [], GENESIS
    for i in range(1, n + 1):
        h = entry_hash(prev, content(i))
        entries.append(StoredEntry(i, content(i), prev, h))
        prev = h
    return entries


def test_an_intact_chain_checks_every_entry():
    assert check_chain(chain(5)) == check_chain(chain(5))
    result = check_chain(chain(5))
    assert result.ok and result.checked == 5 and result.first_broken_id is None


def test_an_empty_chain_is_intact():
    assert check_chain([]).ok


def test_an_edited_entry_is_named():
    entries = chain(5)
    edited = dataclasses.replace(entries[2].content, after={"status": "registered", "n": 3})
    entries[2] = dataclasses.replace(entries[2], content=edited)
    result = check_chain(entries)
    assert not result.ok and result.first_broken_id == 3 and result.checked == 2
    assert "edited" in result.reason


def test_an_edit_whose_hash_was_recomputed_breaks_the_next_link():
    entries = chain(5)
    edited = dataclasses.replace(entries[2].content, actor_label="someone else")
    entries[2] = dataclasses.replace(entries[2], content=edited, hash=entry_hash(entries[2].prev_hash, edited))
    result = check_chain(entries)
    assert not result.ok and result.first_broken_id == 4
    assert "removed or reordered" in result.reason


def test_a_removed_entry_breaks_the_link_of_the_one_after_it():
    entries = chain(5)
    del entries[1]
    result = check_chain(entries)
    assert not result.ok and result.first_broken_id == 3 and result.checked == 1
    assert "removed or reordered" in result.reason


def test_removing_the_first_entry_is_found():
    result = check_chain(chain(3)[1:])
    assert not result.ok and result.first_broken_id == 2


def test_reordered_entries_are_found():
    entries = chain(4)
    entries[1], entries[2] = entries[2], entries[1]
    assert check_chain(entries).first_broken_id == 3


def test_removing_the_last_entry_is_not_seen_by_the_chain_alone():
    # the chain proves what is there was not altered; the newest entry's hash must be kept elsewhere to see a cut
    assert check_chain(chain(5)[:-1]).ok


def test_the_chain_can_be_checked_in_chunks():
    entries = chain(6)
    first = check_chain(entries[:3])
    rest = check_chain(entries[3:], prev_hash=entries[2].hash, checked=first.checked)
    assert rest.ok and rest.checked == 6


def test_the_hash_does_not_depend_on_the_time_zone_or_key_order():
    c = content(1)
    shanghai = dataclasses.replace(
        c, at=c.at.astimezone(timezone(timedelta(hours=8))), after=dict(reversed(list(c.after.items())))
    )
    assert entry_hash(GENESIS, c) == entry_hash(GENESIS, shanghai)


def test_canonical_json_keeps_chinese_as_is():
    assert canonical_json({"b": 1, "a": "镇"}) == '{"a":"镇","b":1}'


@given(st.integers(1, 12), st.data())
def test_any_single_edit_is_found_at_that_entry(n, data):
    entries = chain(n)
    i = data.draw(st.integers(0, n - 1))
    label = data.draw(st.text(min_size=1).filter(lambda s: s != entries[i].content.actor_label))
    entries[i] = dataclasses.replace(entries[i], content=dataclasses.replace(entries[i].content, actor_label=label))
    assert check_chain(entries).first_broken_id == i + 1


# one chain per county, one for the province


def test_a_province_chain_entry_hashes_as_before_the_chains_were_split():
    # the payload of an entry in '' has no "chain": every hash written before the split stays valid
    c = content(1)
    assert c.chain == PROVINCE_CHAIN
    assert "chain" not in json.loads(entry_payload(c))
    # the hash this content had under the single chain (computed with the code before the split)
    assert entry_hash(GENESIS, c) == "5e3b1b719751035001c068efb102813f8a0006f930c5a58aa1c9ecd9d8cca3b8"


def test_a_county_chain_entry_covers_its_chain_name():
    c = dataclasses.replace(content(1), chain="429005")
    assert json.loads(entry_payload(c))["chain"] == "429005"
    hashes = {entry_hash(GENESIS, dataclasses.replace(c, chain=name)) for name in ("429005", "429006", "")}
    assert len(hashes) == 3  # the same content in another chain hashes otherwise


def test_an_entry_moved_to_another_chain_does_not_fit_there():
    county = [dataclasses.replace(e, content=dataclasses.replace(e.content, chain="429005")) for e in chain(1)]
    h = entry_hash(GENESIS, county[0].content)
    county = [dataclasses.replace(county[0], hash=h)]
    assert check_chain(county).ok
    moved = dataclasses.replace(county[0], content=dataclasses.replace(county[0].content, chain="429006"))
    result = check_chain([moved])
    assert not result.ok and result.first_broken_id == 1 and "edited" in (result.reason or "")


def test_chain_names():
    assert is_chain_name("") and is_chain_name("429005")
    for bad in ("42900", "4290051", "42900a", "４２９００５", " 429005", "province"):
        assert not is_chain_name(bad)


def test_several_chains_combine_into_one_check():
    assert combine([]) == ChainCheck(True, 0)
    ok = ChainCheck(True, 4)
    broken = ChainCheck(False, 2, 17, "content does not match its hash (the entry was edited)")
    later = ChainCheck(False, 0, 30, "link to the previous entry is broken")
    assert combine([ok, ok]) == ChainCheck(True, 8)
    assert combine([ok, broken, later]) == ChainCheck(False, 6, 17, broken.reason)


def test_an_entry_is_taken_down_with_its_chain_or_the_row_whose_county_it_is():
    from app.core.principal import system_principal
    from app.core.uow import chain_lock_key, pending_entry

    actor = system_principal("tests")
    named = pending_entry(actor, "adopt", "region", 7, chain="429005")
    assert (named.chain, named.row_id) == ("429005", None)
    of_row = pending_entry(actor, "create", "household", 12, after={"n": 1})
    assert (of_row.chain, of_row.row_id, of_row.after) == (None, 12, '{"n": 1}')
    # not a county-owned table, or no integer id: the province's chain
    for entity, entity_id in (("account", 3), ("household", "12"), ("household", True), ("demo", "qianjiang")):
        entry = pending_entry(actor, "x", entity, entity_id)
        assert (entry.chain, entry.row_id) == ("", None)
    with pytest.raises(ValueError, match="not an audit chain"):
        pending_entry(actor, "x", "household", 12, chain="province")
    # the locks are taken in the order of their keys: one key per chain, the province's first
    assert sorted(["429006", "", "110101", "429005"], key=chain_lock_key) == ["", "110101", "429005", "429006"]
    assert chain_lock_key("429005") == 429005 and chain_lock_key("") == 0
