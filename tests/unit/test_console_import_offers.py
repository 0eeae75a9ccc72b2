"""What the console's import page offers each role, and that every kind and sheet it names has its words."""

from __future__ import annotations

from app.console.i18n import Texts
from app.console.offers import import_kinds, template_kinds
from app.console.vocabulary import TERMS
from app.core.principal import Role
from app.imports.service import IMPORTERS
from app.sheets.templates import KINDS


def test_each_role_is_offered_the_kinds_it_imports():
    assert template_kinds(Role.admin) == tuple(KINDS)
    assert import_kinds(Role.admin) == tuple(k for k in KINDS if k in IMPORTERS)
    assert {"regions", "households"} <= set(import_kinds(Role.admin))
    assert template_kinds(Role.town_officer) == import_kinds(Role.town_officer) == ("households",)
    assert template_kinds(Role.operator) == import_kinds(Role.operator) == ("bases", "links", "payouts")
    assert template_kinds(Role.finance) == template_kinds(Role.auditor) == ()


def test_every_kind_and_sheet_has_its_words():
    marked = set(TERMS)
    zh = Texts("zh")
    for kind, sheets in KINDS.items():
        assert ("import kind", kind) in marked
        assert zh.term("import kind", kind) != kind
        for sheet in sheets:
            assert ("import sheet", sheet.key) in marked
            assert zh.term("import sheet", sheet.key) == sheet.name  # the page names a sheet as the file does
