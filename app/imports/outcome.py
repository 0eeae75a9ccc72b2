"""What a kind's import found and did: the shapes every kind's check and write share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from app.core.messages import Message
from app.core.principal import Principal
from app.core.uow import Db, UnitOfWork
from app.imports.files import Problem, SheetRows
from app.imports.progress import Progress


@dataclass(frozen=True, slots=True)
class Source:
    """The file an import writes from, as its audit entry and its events name it."""

    import_id: int | None
    filename: str
    sha256: str


@dataclass
class Change:
    """One row on record that the import changed: the sheet, the row's key (a registry number, an ID number,
    a code) and its columns before and after."""

    sheet: str
    key: str
    before: dict[str, Any]
    after: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "key": self.key, "before": self.before, "after": self.after}


@dataclass
class Checked:
    """A kind's check of the rows: every problem, and (when there is none) what the write will do."""

    problems: list[Problem] = field(default_factory=list)
    county: str | None = None
    """The county the rows are in (an import is for one county)."""
    plan: Any = None
    created: dict[str, int] = field(default_factory=dict)
    """New rows per sheet key."""
    changes: list[Change] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=dict)
    notes: list[Message] = field(default_factory=list)
    """What the import leaves as it is and says so (members on record the file does not list)."""

    @property
    def rows_to_write(self) -> int:
        return sum(self.created.values()) + len(self.changes)


class Kind(Protocol):
    """A kind of import: how its rows are checked and written."""

    async def check(self, db: Db, actor: Principal, sheets: dict[str, SheetRows], progress: Progress) -> Checked: ...

    async def write(
        self, uow: UnitOfWork, actor: Principal, checked: Checked, source: Source, progress: Progress
    ) -> None: ...
