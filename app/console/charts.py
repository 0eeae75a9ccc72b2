"""Bar charts as SVG, drawn on the server: no JavaScript, prints as it shows."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from html import escape

PALETTE = ["#2f6f9f", "#d98b2b", "#5a9e4b", "#b8483b", "#7b5aa6", "#3a9a96"]


def stacked_bars(
    categories: list[str],
    series: dict[str, list[Decimal]],
    *,
    width: int = 560,
    height: int = 240,
    wan: Callable[[str], str] = lambda amount: f"{amount}万",
) -> str:
    """Stacked vertical bars: one bar per category, one colour per series, with a legend.
    ``wan`` writes an amount in ten-thousands (万) for the scale, in the reader's language."""
    top = max((sum(values[i] for values in series.values()) for i in range(len(categories))), default=Decimal(0))
    top = top or Decimal(1)
    left, bottom, legend_h = 60, 30, 18 * ((len(series) + 2) // 3)
    plot_h = height - bottom - legend_h - 10
    step = (width - left - 10) / max(len(categories), 1)
    bar_w = max(4.0, step * 0.7)
    # width 100% with a viewBox: the chart fits its card on screen and on paper
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" role="img" preserveAspectRatio="xMinYMin meet" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'
    ]
    legend_step = max(170, (width - left) // max(1, min(3, len(series))))
    for k in range(5):  # grid and scale
        y = 10 + plot_h * k / 4
        value = top * (4 - k) / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{escape(_short(value, wan))}</text>')
    for i, category in enumerate(categories):
        x = left + step * i + (step - bar_w) / 2
        y = 10 + plot_h
        for s, (name, values) in enumerate(series.items()):
            h = float(values[i] / top) * plot_h
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(name)} {escape(category)}: '
                f"{values[i]:,.2f}</title></rect>"
            )
        if len(categories) <= 12 or i % max(1, len(categories) // 12) == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{10 + plot_h + 14:.1f}" text-anchor="middle">'
                f"{escape(category)}</text>"
            )
    for s, name in enumerate(series):
        lx, ly = left + (s % 3) * legend_step, height - legend_h + 18 * (s // 3) + 4
        parts.append(f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>')
        parts.append(f'<text x="{lx + 14}" y="{ly + 9}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _short(value: Decimal, wan: Callable[[str], str]) -> str:
    if value >= 10_000:
        return wan(f"{value / 10_000:,.1f}")
    return f"{value:,.0f}"
