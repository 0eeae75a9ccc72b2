"""``chainaid import KIND FILE... [--dry-run]`` and ``chainaid import export KIND FILE --county CODE``: the
import from a terminal, with a progress bar (rich: phase, rows, rows per second, time left), and every
problem printed as sheet, row, column and reason."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import (
    Progress as Bar,
)
from rich.table import Table
from rich.text import Text

from app.core.principal import system_principal
from app.imports.county_files import SOURCES, write_county
from app.imports.files import Upload
from app.imports.progress import Phase, Progress
from app.imports.service import ImportReport, run_import
from app.sheets.columns import chinese_text

PHASE_WORDS = {
    Phase.queued: "等待",
    Phase.reading: "读取",
    Phase.checking: "检查",
    Phase.writing: "写入",
    Phase.done: "完成",
}


class BarProgress(Progress):
    """The import's progress as a rich bar: rows checked, then rows written, against the rows read."""

    def __init__(self, bar: Bar) -> None:
        super().__init__()
        self.bar = bar
        self.task: TaskID = bar.add_task(PHASE_WORDS[Phase.queued], total=None)

    def changed(self) -> None:
        done = self.rows_written if self.phase is Phase.writing else self.rows_checked
        total = self.rows_total or None
        self.bar.update(self.task, description=PHASE_WORDS[self.phase], completed=min(done, total or done), total=total)


class RowsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.0f} 行/秒" if task.speed else "", style="cyan")


def _bar(console: Console) -> Bar:
    return Bar(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RowsPerSecond(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def print_report(report: ImportReport, console: Console) -> None:
    if report.problems:
        table = Table(title=f"{len(report.problems)} 个问题,未写入任何数据")
        for title in ("表", "行", "列", "问题"):
            table.add_column(title)
        for p in report.problems:
            table.add_row(p.sheet, str(p.row or ""), p.column, chinese_text(p.reason))
        console.print(table)
        return
    created = ", ".join(f"{k} {n}" for k, n in report.created.items()) or "0"
    unchanged = ", ".join(f"{k} {n}" for k, n in report.unchanged.items()) or "0"
    verb = {"checked": "检查通过(试导入,未写入)", "unchanged": "与现有记录相同,未作改动", "imported": "已导入"}
    console.print(f"[bold]{verb[report.outcome]}[/]: {report.filename} (SHA-256 {report.sha256[:16]}…)")
    console.print(f"  新增 {created};更新 {report.updated} 行;未变 {unchanged}")
    for change in report.changes:
        console.print(f"  更新 {change.key}: {change.before} → {change.after}")
    for note in report.notes:
        console.print(f"  注意 {chinese_text(note)}")


def cmd_import(kind: str, files: list[str], dry_run: bool) -> int:
    console = Console(stderr=True)
    uploads = []
    for name in files:
        path = Path(name)
        if not path.is_file():
            console.print(f"{path}: no such file")
            return 2
        uploads.append(Upload(path.name, path.read_bytes()))
    with _bar(console) as bar:
        report = asyncio.run(
            run_import(system_principal("cli import"), kind, uploads, dry_run=dry_run, progress=BarProgress(bar))
        )
    print_report(report, Console())
    return 1 if report.problems else 0


def cmd_export(kind: str, file: str, county: str) -> int:
    if kind not in SOURCES:
        Console(stderr=True).print(f"{kind}: no export; the kinds are {', '.join(SOURCES)}")
        return 2
    asyncio.run(write_county(kind, county, file))
    Console().print(f"{file}: county {county}'s {kind}, in the import template's form")
    return 0
