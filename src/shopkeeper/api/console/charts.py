"""Charts as SVG drawn on the server: no JavaScript library, nothing to vendor, readable without scripts.

`columns(data, label)` draws vertical bars (a value per day), `bars(data, label)` horizontal bars (a
value per category), `share(data, label)` one stacked bar with a legend (parts of a whole). Each chart
is `role="img"` with an accessible name listing its values; the page puts the same numbers in a table
beside it. Every text is escaped; the result is safe to insert into a page as markup.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

__all__ = ["bars", "columns", "share"]

PALETTE = ("#1f5fbf", "#d9822b", "#9b1c1c", "#6b7785", "#11652f", "#b05cc4")
_FONT = "font-family='system-ui, sans-serif' font-size='11'"


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    head = (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' role='img' "
        f"aria-label='{escape(label)}'><title>{escape(label)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")


def _describe(label: str, data: list[tuple[str, float]]) -> str:
    return f"{label}: " + ", ".join(f"{k} {v:g}" for k, v in data) if data else f"{label}: no data"


def columns(data: list[tuple[str, float]], label: str, width: int = 380, height: int = 180) -> Markup:
    """Vertical bars, one per (x label, value); x labels are thinned to stay readable."""
    top = max((v for _, v in data), default=0) or 1
    plot_h, left, bottom = height - 40, 32, height - 24
    step = (width - left - 8) / max(len(data), 1)
    body = [
        f"<line x1='{left}' y1='{bottom}' x2='{width - 8}' y2='{bottom}' stroke='#999'/>",
        f"<text x='{left - 4}' y='{bottom - plot_h + 4}' text-anchor='end' {_FONT}>{top:g}</text>",
        f"<text x='{left - 4}' y='{bottom}' text-anchor='end' {_FONT}>0</text>",
    ]
    every = max(1, len(data) // 6)
    for i, (key, value) in enumerate(data):
        h = plot_h * value / top
        x = left + i * step + step * 0.15
        body.append(
            f"<rect x='{x:.1f}' y='{bottom - h:.1f}' width='{step * 0.7:.1f}' height='{h:.1f}' "
            f"fill='{PALETTE[0]}'><title>{escape(key)}: {value:g}</title></rect>"
        )
        if i % every == 0:
            body.append(
                f"<text x='{x + step * 0.35:.1f}' y='{height - 8}' text-anchor='middle' {_FONT}>"
                f"{escape(key[5:] if len(key) == 10 else key)}</text>"
            )
    return _svg(width, height, _describe(label, data), body)


def bars(data: list[tuple[str, float]], label: str, width: int = 380) -> Markup:
    """Horizontal bars, one row per (category, value), largest first as given."""
    if not data:
        return _svg(width, 30, _describe(label, data), [f"<text x='4' y='18' {_FONT}>No data yet.</text>"])
    row, label_w = 22, 150
    height = row * len(data) + 8
    top = max(v for _, v in data) or 1
    body = []
    for i, (key, value) in enumerate(data):
        y = 4 + i * row
        w = (width - label_w - 50) * value / top
        name = key if len(key) <= 24 else key[:23] + "…"
        body += [
            f"<text x='{label_w - 6}' y='{y + 14}' text-anchor='end' {_FONT}>{escape(name)}</text>",
            f"<rect x='{label_w}' y='{y + 3}' width='{w:.1f}' height='{row - 8}' fill='{PALETTE[i % 2]}'>"
            f"<title>{escape(key)}: {value:g}</title></rect>",
            f"<text x='{label_w + w + 4:.1f}' y='{y + 14}' {_FONT}>{value:g}</text>",
        ]
    return _svg(width, height, _describe(label, data), body)


def share(data: list[tuple[str, float]], label: str, width: int = 380) -> Markup:
    """One stacked bar of parts of a whole, with a legend giving counts and percentages."""
    total = sum(v for _, v in data)
    body, x = [], 0.0
    for i, (key, value) in enumerate(data):
        w = (width - 8) * value / total if total else 0
        body.append(
            f"<rect x='{4 + x:.1f}' y='4' width='{w:.1f}' height='28' fill='{PALETTE[i % len(PALETTE)]}'>"
            f"<title>{escape(key)}: {value:g}</title></rect>"
        )
        x += w
        pct = f"{100 * value / total:.0f}%" if total else "0%"
        ly = 52 + i * 18
        body += [
            f"<rect x='4' y='{ly - 10}' width='12' height='12' fill='{PALETTE[i % len(PALETTE)]}'/>",
            f"<text x='22' y='{ly}' {_FONT}>{escape(key)}: {value:g} ({pct})</text>",
        ]
    if not total:
        body.append(f"<rect x='4' y='4' width='{width - 8}' height='28' fill='#eee'/>")
    return _svg(width, 52 + 18 * len(data), _describe(label, data), body)
