"""联农带农: the evaluation's score and ranking (app/evaluation/rules.py), from cases worked by hand."""

from __future__ import annotations

from decimal import Decimal as D

from app.evaluation.rules import FORMULA, WEIGHTS, Measures, Points, evaluate, points, ranks, term

CRAYFISH = ("429005", "crayfish_rice")
SOYBEAN = ("429005", "soybean")


def m(households: int, median: str, continuing: int, monitored: int, *, group=CRAYFISH, minimum: int = 10):
    return Measures(
        group=group,
        households=households,
        median_income=D(median),
        continuing=continuing,
        monitored=monitored,
        minimum=minimum,
    )


def test_three_operators_of_a_county_and_industry():
    # the most households: 50 (A); the highest median: 1,500.00 (B)
    a = m(50, "1200.00", 40, 5)  # 40·50/50 = 40 | 30·1200/1500 = 24 | 20·40/50 = 16 | 10·5/50 = 1   → 81.00
    b = m(20, "1500.00", 20, 0)  # 40·20/50 = 16 | 30·1500/1500 = 30 | 20·20/20 = 20 | 0            → 66.00
    c = m(8, "0.00", 0, 2)  # 40·8/50 = 6.40 | 0 | 0 | 10·2/8 = 2.50                                → 8.90, below 10
    scored = evaluate([c, a, b])
    assert [s.points for s in scored] == [
        Points(reach=D("6.40"), income=D("0.00"), continuity=D("0.00"), monitored=D("2.50")),
        Points(reach=D("40.00"), income=D("24.00"), continuity=D("16.00"), monitored=D("1.00")),
        Points(reach=D("16.00"), income=D("30.00"), continuity=D("20.00"), monitored=D("0.00")),
    ]
    assert [s.score for s in scored] == [D("8.90"), D("81.00"), D("66.00")]
    assert [s.rank for s in scored] == [3, 1, 2]
    assert {s.ranked for s in scored} == {3}
    assert [s.below_minimum for s in scored] == [True, False, False]


def test_each_term_is_rounded_half_up_to_a_hundredth_and_the_score_is_their_sum():
    # most households 16, highest median 1,234.56
    top = m(16, "1234.56", 16, 0)
    x = m(3, "999.99", 2, 1)
    # reach 40·3/16 = 7.5; income 30·999.99/1234.56 = 24.2999… → 24.30;
    # continuity 20·2/3 = 13.333… → 13.33; monitored 10·1/3 = 3.333… → 3.33; score 48.46
    y = m(16, "617.28", 1, 1)
    # reach 40; income 30·617.28/1234.56 = 15; continuity 20·1/16 = 1.25; monitored 10·1/16 = 0.625 → 0.63
    # (half-up: half-even would give 0.62); score 56.88
    _, sx, sy = evaluate([top, x, y])
    assert sx.points == Points(reach=D("7.50"), income=D("24.30"), continuity=D("13.33"), monitored=D("3.33"))
    assert sx.score == D("48.46")
    assert sy.points == Points(reach=D("40.00"), income=D("15.00"), continuity=D("1.25"), monitored=D("0.63"))
    assert sy.score == D("56.88")
    assert sx.score == sx.points.reach + sx.points.income + sx.points.continuity + sx.points.monitored


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    a, b, c, d = m(10, "100.00", 10, 0), m(10, "100.00", 10, 0), m(5, "100.00", 5, 0), m(10, "100.00", 0, 0)
    # a, b: 40 + 30 + 20 = 90; c: 20 + 30 + 20 = 70; d: 40 + 30 + 0 = 70
    assert [s.score for s in evaluate([a, b, c, d])] == [D("90.00"), D("90.00"), D("70.00"), D("70.00")]
    assert [s.rank for s in evaluate([a, b, c, d])] == [1, 1, 3, 3]
    assert ranks([D("1"), D("3"), D("2"), D("3")]) == [4, 1, 3, 1]


def test_each_county_and_industry_is_ranked_on_its_own():
    big = m(100, "5000.00", 100, 0, group=SOYBEAN)
    small = m(10, "500.00", 10, 0)  # alone in crayfish-rice: the most households and the highest median there
    s_big, s_small = evaluate([big, small])
    assert s_small.score == s_big.score == D("90.00")
    assert (s_small.rank, s_small.ranked) == (1, 1) and (s_big.rank, s_big.ranked) == (1, 1)


def test_nothing_to_divide_by_gives_no_points():
    # no household linked (paid under a link that ended the year before), every median 0
    nobody = m(0, "0.00", 0, 0)
    unpaid = m(4, "0.00", 0, 0)
    s_nobody, s_unpaid = evaluate([nobody, unpaid])
    assert s_nobody.points == Points(reach=D("0.00"), income=D("0.00"), continuity=D("0.00"), monitored=D("0.00"))
    assert s_unpaid.points.reach == D("40.00") and s_unpaid.points.income == D("0.00")
    assert s_nobody.below_minimum and s_unpaid.below_minimum
    # a median below nothing (a reversal booked in the year) scores as nothing
    assert points(m(5, "-20.00", 0, 0), 5, D("100.00")).income == D("0.00")
    assert term(30, D("-5"), D("-10")) == D("0.00")


def test_the_county_s_minimum_decides_the_flag():
    assert [s.below_minimum for s in evaluate([m(9, "1.00", 0, 0), m(10, "1.00", 0, 0)])] == [True, False]
    assert not evaluate([m(0, "0.00", 0, 0, minimum=0)])[0].below_minimum
    assert evaluate([m(30, "1.00", 0, 0, minimum=31)])[0].below_minimum


def test_the_formula_the_answer_states_is_the_one_scored():
    assert WEIGHTS.reach + WEIGHTS.income + WEIGHTS.continuity + WEIGHTS.monitored == 100
    for weight, words in (
        (WEIGHTS.reach, "households linked ÷ the most households"),
        (WEIGHTS.income, "median income per linked household"),
        (WEIGHTS.continuity, "households also linked the year before"),
        (WEIGHTS.monitored, "monitored households"),
    ):
        assert f"{weight} × {words}" in FORMULA
    assert "half-up to 0.01" in FORMULA
