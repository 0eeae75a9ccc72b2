"""Valid identifiers for test data (the validators themselves are tested in tests/unit)."""

from __future__ import annotations

from app.core.identifiers import _credit_code_check_char, _resident_id_check_char


def credit_code(n: int) -> str:
    """The n-th valid unified social credit code of an imaginary registration area."""
    body = f"93429005MA{n:07d}"  # 93: farmers' cooperative; 429005: Qianjiang
    return body + _credit_code_check_char(body)


def resident_id(n: int, *, birth: str = "19700101", male: bool = True) -> str:
    """A valid Qianjiang (429005) resident ID number; ``n`` in 0..498 keeps them distinct."""
    seq = 2 * n + (1 if male else 0)
    body = f"429005{birth}{seq:03d}"
    return body + _resident_id_check_char(body)
