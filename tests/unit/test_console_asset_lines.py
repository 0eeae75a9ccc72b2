"""An asset income's distribution read in the console's languages: every line the rule writes (of the whole and
of each household's part, an excluded household's reason inside its line) reads back into the message it was
written from, and says itself in Chinese with no English left in it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

import pytest

from app.assets.model import DistributionMethod, Standing
from app.assets.rules import PAID_OTHERWISE, Recipient, distribute, standing_of
from app.console.explanation import DISTRIBUTION, distribution_lines
from app.console.i18n import Texts
from app.core.messages import message

PERIOD_END = date(2024, 12, 31)


def _recipients() -> list[Recipient]:
    """One household of each standing: three that share (registered, exited in its continuation, monitored)
    and three that do not (removed, continuation over, never registered)."""
    cases = [
        (1, 3, D("2"), ("registered", None, None, False)),
        (2, 2, D("1.5"), ("exited", 2019, date(2025, 12, 31), False)),
        (3, 4, D("1"), ("exited", 2016, date(2019, 12, 31), True)),
        (4, 2, D("1"), ("removed", None, None, False)),
        (5, 3, D("1"), ("exited", 2016, date(2020, 12, 31), False)),
        (6, 1, D("1"), ("ordinary", None, None, False)),
    ]
    out = []
    for household, members, weight, (status, year, end, monitored) in cases:
        standing, why = standing_of(status, year, end, monitored, PERIOD_END)
        out.append(Recipient(household, members, weight, standing, why))
    return out


def _weights(recipients: list[Recipient], method: DistributionMethod) -> list[Recipient]:
    if method is DistributionMethod.weighted:
        return recipients
    return [Recipient(r.household_id, r.members, None, r.standing, r.why) for r in recipients]


DISTRIBUTIONS = [
    distribute(D("1000.00"), m, share, _weights(_recipients(), m))
    for m in DistributionMethod
    for share in (D("0"), D("0.15"))
] + [
    distribute(D("100.01"), DistributionMethod.equal, D("0"), _weights(_recipients(), DistributionMethod.equal)),
    distribute(D("5.00"), DistributionMethod.equal, D("1"), _weights(_recipients(), DistributionMethod.equal)),
]


def _steps(d):
    yield from zip(d.steps, d.lines, strict=True)
    for part in d.parts:
        yield from zip(part.steps, part.lines, strict=True)


@pytest.mark.parametrize("d", DISTRIBUTIONS)
def test_every_line_reads_back_into_the_message_it_was_written_from(d):
    for step, line in _steps(d):
        assert DISTRIBUTION.read(line) == step, line


@pytest.mark.parametrize("d", DISTRIBUTIONS)
def test_every_line_says_itself_in_chinese(d):
    zh, en = Texts("zh"), Texts("en")
    lines = [line for _, line in _steps(d)]
    for chinese, line in zip(distribution_lines(zh, lines), lines, strict=True):
        assert chinese != line and re.search(r"[\u4e00-\u9fff]", chinese), line
        assert not re.search(r"\b(?:household|income|remainder|excluded|share|rounded|register)\b", chinese), chinese
    assert distribution_lines(en, lines)


def test_the_templates_are_all_met():
    """Between them the cases write every line the rule has (so the tests above read each), and every reason
    a household is left out for."""
    from app.assets.rules import LINE_TEMPLATES, WHY_CONTINUATION_ENDED, WHY_NOT_ON_REGISTER, WHY_REMOVED

    written = {step.msgid for d in DISTRIBUTIONS for step, _ in _steps(d)}
    reasons = {step.params["why"].msgid for d in DISTRIBUTIONS for step, _ in _steps(d) if "why" in step.params}
    assert set(LINE_TEMPLATES) - written == {PAID_OTHERWISE}  # the service's own line: the next test
    assert reasons == {WHY_REMOVED, WHY_CONTINUATION_ENDED, WHY_NOT_ON_REGISTER}


def test_why_a_household_shares_reads_in_chinese_too():
    zh = Texts("zh")
    for r in _recipients():
        said = zh.say(r.why)
        assert said != str(r.why) and re.search(r"[\u4e00-\u9fff]", said), r.why


def test_a_part_paid_otherwise_and_an_unknown_line():
    zh = Texts("zh")
    line = str(message(PAID_OTHERWISE, amount="12.00", paid="12.01"))
    assert DISTRIBUTION.read(line) == message(PAID_OTHERWISE, amount="12.00", paid="12.01")
    assert "12.01" in distribution_lines(zh, [line])[0] and distribution_lines(zh, [line])[0] != line
    assert distribution_lines(zh, ["a line written later"]) == ["a line written later"]


def test_the_standings_of_those_that_share_are_the_rules():
    assert [r.standing for r in _recipients()] == [
        Standing.registered,
        Standing.exited_in_continuation,
        Standing.monitored,
        Standing.removed,
        Standing.continuation_ended,
        Standing.not_on_register,
    ]
