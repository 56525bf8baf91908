"""Small inline SVG charts for the coverage report (no JavaScript, no CDN: the page works
offline and renders the same in any browser)."""

from __future__ import annotations

from html import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def line_chart(series: dict[str, list[tuple[float, float]]], title: str, xlabel: str, ylabel: str,
               ymax: float | None = 100.0, width: int = 560, height: int = 260) -> str:
    """Lines (one per series) of (x, y) points on linear axes, with a legend."""
    pts = [p for s in series.values() for p in s]
    if not pts:
        return f'<p class="muted">{escape(title)}: no data</p>'
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    y1 = ymax if ymax is not None else max(p[1] for p in pts) or 1.0
    y0 = 0.0
    left, right, top, bottom = 50, 110, 24, 36
    w, h = width - left - right, height - top - bottom

    def sx(x):
        return left + (w * (x - x0) / (x1 - x0) if x1 > x0 else w / 2)

    def sy(y):
        return top + h - h * (y - y0) / (y1 - y0 if y1 > y0 else 1)

    out = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
           f'<text x="{left}" y="14" class="ct">{escape(title)}</text>',
           f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#444"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="#444"/>']
    for frac in (0, 0.25, 0.5, 0.75, 1.0):
        y = y0 + frac * (y1 - y0)
        out.append(f'<line x1="{left}" y1="{sy(y):.1f}" x2="{left + w}" y2="{sy(y):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{sy(y) + 4:.1f}" text-anchor="end" class="ax">{y:g}</text>')
    for x in (x0, (x0 + x1) / 2, x1):
        out.append(f'<text x="{sx(x):.1f}" y="{top + h + 14}" text-anchor="middle" class="ax">{x:,.0f}</text>')
    out.append(f'<text x="{left + w / 2}" y="{height - 4}" text-anchor="middle" class="ax">{escape(xlabel)}</text>')
    out.append(f'<text x="12" y="{top + h / 2}" transform="rotate(-90 12 {top + h / 2})" text-anchor="middle" '
               f'class="ax">{escape(ylabel)}</text>')
    for i, (name, s) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in s)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        if len(s) == 1:
            out.append(f'<circle cx="{sx(s[0][0]):.1f}" cy="{sy(s[0][1]):.1f}" r="3" fill="{colour}"/>')
        ly = top + 14 * i + 6
        out.append(f'<rect x="{left + w + 10}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{left + w + 24}" y="{ly + 1}" class="ax">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)
