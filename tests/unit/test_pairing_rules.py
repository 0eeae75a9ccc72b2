"""The pairing mode (一企一村 / 多企一村 / 一企多村) follows from who else is paired."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.pairing.rules import pairing_mode, support_hash


@pytest.mark.parametrize(
    ("enterprises_of_village", "villages_of_enterprise", "mode"),
    [
        (1, 1, "one_enterprise_one_village"),
        (2, 1, "several_enterprises_one_village"),
        (1, 2, "one_enterprise_several_villages"),
        (2, 2, "many_to_many"),
        (5, 3, "many_to_many"),
    ],
)
def test_mode_from_the_counts(enterprises_of_village, villages_of_enterprise, mode):
    assert pairing_mode(enterprises_of_village, villages_of_enterprise) == mode


def test_a_pairing_being_created_counts_itself():
    # before its first pairing is saved, a village has 0 enterprises: still one-to-one
    assert pairing_mode(0, 0) == "one_enterprise_one_village"
    assert pairing_mode(0, 2) == "one_enterprise_several_villages"


@given(st.integers(0, 50), st.integers(0, 50))
def test_mode_is_symmetric_in_its_two_sides(e, v):
    swapped = {
        "several_enterprises_one_village": "one_enterprise_several_villages",
        "one_enterprise_several_villages": "several_enterprises_one_village",
    }
    mode = pairing_mode(e, v)
    assert swapped.get(mode, mode) == pairing_mode(v, e)


def test_support_hash_tells_a_retry_from_a_changed_record():
    args = dict(
        village_id=1,
        kind="funds",
        amount=Decimal("1000.00"),
        in_kind=None,
        households=3,
        people=9,
        given_on=date(2017, 5, 1),
        note=None,
        reference="S-1",
    )
    same = support_hash(**{**args, "amount": Decimal("1000")})  # the same sum, written differently
    assert support_hash(**args) == same
    assert support_hash(**args) != support_hash(**{**args, "people": 10})
    assert support_hash(**args) != support_hash(**{**args, "amount": None, "in_kind": "1000"})
