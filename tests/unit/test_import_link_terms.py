"""A link row's terms, held to its kind by the links domain's own terms Structs; the small checks the kinds of
import share."""

from __future__ import annotations

from decimal import Decimal

from app.core.errors import Invalid
from app.core.messages import N_, message
from app.imports.checks import codes_in, plain, reason_of
from app.imports.links import terms_problems


def _columns(problems) -> list[str]:
    return [c for c, _ in problems]


def test_a_kind_s_terms_are_made_and_the_other_kinds_are_null():
    terms, problems = terms_problems(
        "share", {"share_capital": Decimal("5000.00"), "dividend_rate": Decimal("0.08"), "dividend_period": None}
    )
    assert problems == []
    assert terms["share_capital"] == Decimal("5000.00") and terms["dividend_rate"] == Decimal("0.08")
    assert terms["dividend_period"] == "yearly"  # the Struct's default, as the API gives it
    assert terms["wage_rate"] is None and terms["franchise_terms"] is None


def test_a_term_the_kind_needs_is_named_when_missing():
    _, problems = terms_problems("wage", {"wage_basis": "day"})
    assert _columns(problems) == ["wage_rate"]
    assert str(problems[0][1]) == "is required for a wage link"


def test_another_kind_s_term_is_named():
    _, problems = terms_problems(
        "franchise", {"franchise_terms": "统一品牌", "share_capital": Decimal("100.00"), "wage_rate": Decimal("1")}
    )
    assert _columns(problems) == ["share_capital", "wage_rate"]
    assert str(problems[0][1]) == "is not a term of a franchise link; leave it empty"


def test_a_value_the_domain_refuses_is_named_by_its_column():
    _, problems = terms_problems(
        "cooperation", {"contract_price": Decimal("2.00"), "contract_unit": "斤", "contracted_quantity": Decimal("0")}
    )
    assert _columns(problems) == ["contracted_quantity"] and str(problems[0][1]) == "must be greater than 0"
    _, problems = terms_problems("franchise", {"franchise_terms": "x", "franchise_split": Decimal("1.2")})
    assert _columns(problems) == ["franchise_split"]


def test_a_term_above_its_ceiling_is_named_by_its_column():
    _, problems = terms_problems("wage", {"wage_basis": "day", "wage_rate": Decimal("999999999.00")})
    assert _columns(problems) == ["wage_rate"] and "ceiling" in str(problems[0][1])


def test_codes_in_a_cell_are_read_once_each_in_order():
    assert codes_in("Crayfish_rice;soybean;crayfish_rice") == ["crayfish_rice", "soybean"]
    assert codes_in("soybean;vegetables、pinellia") == ["soybean", "vegetables", "pinellia"]
    assert codes_in(" ; ") == []


def test_a_domain_refusal_reads_without_its_field():
    assert str(reason_of(Invalid("area", "must be greater than 0"))) == "must be greater than 0"
    templated = message(N_("is longer than {limit} characters"), limit=5)
    assert reason_of(Invalid("name", templated)) == templated
    assert str(reason_of(ValueError("unified social credit code must be 18 characters"))).startswith("unified")


def test_values_are_plain_for_an_audit_entry():
    assert plain(Decimal("1.50")) == "1.50"
    assert plain(None) is None and plain("x") == "x"
