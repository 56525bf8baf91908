"""The demo's offline HTML page: figures, a precision-recall curve, LPU vs float scores
with the error bound, and a few concepts' boxes in two dimensions. Inline SVG only (no
network, no JavaScript)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .metrics import pr_curve
from .report import DemoReport, summary

W, H, M = 520, 360, 48          # plot size and margin (px)
FEATURED = ("mammal.n.01", "carnivore.n.01", "canine.n.02", "dog.n.01", "beagle.n.01", "feline.n.01",
            "cat.n.01", "primate.n.02", "whale.n.02")
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")


class _Axes:
    def __init__(self, xlim: tuple[float, float], ylim: tuple[float, float]):
        pad = lambda lo, hi: (lo, hi) if hi > lo else (lo - 1, hi + 1)  # noqa: E731
        self.x0, self.x1 = pad(*xlim)
        self.y0, self.y1 = pad(*ylim)

    def x(self, v: float) -> float:
        return M + (v - self.x0) / (self.x1 - self.x0) * (W - 2 * M)

    def y(self, v: float) -> float:
        return H - M - (v - self.y0) / (self.y1 - self.y0) * (H - 2 * M)

    def frame(self, title: str, xlabel: str, ylabel: str) -> list[str]:
        out = [f'<rect x="{M}" y="{M}" width="{W - 2 * M}" height="{H - 2 * M}" fill="none" stroke="#444"/>',
               f'<text x="{W / 2}" y="20" text-anchor="middle" font-weight="bold">{html.escape(title)}</text>',
               f'<text x="{W / 2}" y="{H - 8}" text-anchor="middle">{html.escape(xlabel)}</text>',
               f'<text x="14" y="{H / 2}" text-anchor="middle" transform="rotate(-90 14 {H / 2})">'
               f'{html.escape(ylabel)}</text>']
        for k in range(5):
            vx = self.x0 + (self.x1 - self.x0) * k / 4
            vy = self.y0 + (self.y1 - self.y0) * k / 4
            out.append(f'<text x="{self.x(vx):.1f}" y="{H - M + 14}" text-anchor="middle" '
                       f'font-size="10">{vx:.3g}</text>')
            out.append(f'<text x="{M - 4}" y="{self.y(vy) + 3:.1f}" text-anchor="end" font-size="10">{vy:.3g}</text>')
        return out

    def line(self, xs: Sequence[float], ys: Sequence[float], colour: str, extra: str = "") -> str:
        pts = " ".join(f"{self.x(a):.1f},{self.y(b):.1f}" for a, b in zip(xs, ys, strict=True))
        return f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.5" {extra}/>'


def _svg(plot_id: str, body: list[str]) -> str:
    return (f'<svg id="{plot_id}" xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
            f'font-family="sans-serif" font-size="12">' + "".join(body) + "</svg>")


def _legend(items: Sequence[tuple[str, str]], x: float = M + 10, y: float = M + 16) -> list[str]:
    out = []
    for k, (label, colour) in enumerate(items):
        out.append(f'<rect x="{x}" y="{y + 16 * k - 9}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="{y + 16 * k}">{html.escape(label)}</text>')
    return out


def pr_plot(rep: DemoReport) -> str:
    ax = _Axes((0, 1), (0, 1.02))
    body = ax.frame("Precision-recall (test queries)", "recall", "precision")
    r, p = pr_curve(rep.torch_scores, rep.labels)
    body.append(ax.line(r, p, COLOURS[0], 'class="pr-float"'))
    items = [("float64 (box-embeddings)", COLOURS[0])]
    for k, c in enumerate(rep.configs):
        r, p = pr_curve(c.run.scores, rep.labels)
        body.append(ax.line(r, p, COLOURS[k + 1], f'class="pr-lpu" stroke-dasharray="{4 + 2 * k},3"'))
        items.append((f"LPU ISS {c.config}", COLOURS[k + 1]))
    return _svg("plot-pr", body + _legend(items, y=H - M - 16 * len(items)))


def scatter_plot(rep: DemoReport) -> str:
    """LPU score against the float64 score of the same program, with +-bound drawn."""
    c = rep.configs[0]
    x, y, b = c.run.float_scores, c.run.scores, c.run.bounds
    lo, hi = float(min(x.min(), y.min())), float(max(x.max(), y.max(), 0.0))
    ax = _Axes((lo, hi), (lo, hi))
    body = ax.frame(f"LPU ({c.config}) vs float64 log P(parent|child)", "float64 (compiler.interp)", "LPU (ISS)")
    order = np.argsort(x)
    body.append(ax.line([lo, hi], [lo, hi], "#999", 'stroke-dasharray="3,3"'))
    body.append(ax.line(x[order], (x + b)[order], COLOURS[1], 'class="bound"'))
    body.append(ax.line(x[order], (x - b)[order], COLOURS[1], 'class="bound"'))
    t = rep.threshold.value
    if lo <= t <= hi:
        body.append(ax.line([t, t], [lo, hi], "#2ca02c", 'stroke-dasharray="6,3"'))
    for a, v in zip(x, y, strict=True):
        body.append(f'<circle class="pt" cx="{ax.x(a):.1f}" cy="{ax.y(v):.1f}" r="1.8" fill="{COLOURS[0]}"/>')
    return _svg("plot-scatter", body + _legend([("query", COLOURS[0]), ("float +- stated bound", COLOURS[1]),
                                                 ("threshold", "#2ca02c")]))


def residual_plot(rep: DemoReport) -> str:
    c = rep.configs[0]
    x, d, b = c.run.float_scores, c.run.scores - c.run.float_scores, c.run.bounds
    lim = float(max(np.max(b), np.max(np.abs(d)), 1e-9))
    ax = _Axes((float(x.min()), float(max(x.max(), 0.0))), (-lim, lim))
    body = ax.frame(f"LPU - float64 ({c.config}) and the stated bound", "float64 log P(parent|child)",
                    "LPU - float")
    order = np.argsort(x)
    body.append(ax.line(x[order], b[order], COLOURS[1], 'class="bound"'))
    body.append(ax.line(x[order], -b[order], COLOURS[1], 'class="bound"'))
    for a, v in zip(x, d, strict=True):
        body.append(f'<circle class="pt" cx="{ax.x(a):.1f}" cy="{ax.y(v):.1f}" r="1.8" fill="{COLOURS[0]}"/>')
    return _svg("plot-residual", body + _legend([("LPU - float", COLOURS[0]), ("+- stated bound", COLOURS[1])]))


def featured(rep: DemoReport, k: int = 6) -> list[str]:
    emb = rep.data.emb
    names = [n for n in FEATURED if n in emb]
    for q in rep.data.test:                       # then a test positive's pair, to reach k
        for n in (q.parent, q.child):
            if len(names) < k and q.label and n not in names:
                names.append(n)
    return names[:k]


def boxes_plot(rep: DemoReport, dims: tuple[int, int] = (0, 1)) -> str:
    emb = rep.data.emb
    names = featured(rep)
    rows = [emb.index(n) for n in names]
    a, b = dims
    lo, hi = emb.lo[rows][:, [a, b]], emb.hi[rows][:, [a, b]]
    x0, x1 = float(min(lo[:, 0].min(), hi[:, 0].min())), float(max(lo[:, 0].max(), hi[:, 0].max()))
    y0, y1 = float(min(lo[:, 1].min(), hi[:, 1].min())), float(max(lo[:, 1].max(), hi[:, 1].max()))
    ax = _Axes((x0, x1), (y0, y1))
    body = ax.frame(f"Boxes of {len(names)} concepts, dimensions {a} and {b}", f"dimension {a}", f"dimension {b}")
    items = []
    for k, name in enumerate(names):
        (l0, l1), (h0, h1) = lo[k], hi[k]
        colour = COLOURS[k % len(COLOURS)]
        xa, xb = sorted((ax.x(l0), ax.x(h0)))
        ya, yb = sorted((ax.y(h1), ax.y(l1)))
        body.append(f'<rect class="box" x="{xa:.1f}" y="{ya:.1f}" width="{max(xb - xa, 0.5):.1f}" '
                    f'height="{max(yb - ya, 0.5):.1f}" fill="{colour}" fill-opacity="0.12" stroke="{colour}">'
                    f'<title>{html.escape(name)}</title></rect>')
        items.append((name, colour))
    return _svg("plot-boxes", body + _legend(items, x=W - M - 150))


def _card(card_id: str, label: str, value: str) -> str:
    return f'<div class="card" id="card-{card_id}"><div class="v">{html.escape(value)}</div>{html.escape(label)}</div>'


def page(rep: DemoReport) -> str:
    main = rep.configs[0] if rep.configs else None
    cards = [_card("f1-float", "F1, float64 model", f"{rep.torch_prf.f1:.4f}")]
    for c in rep.configs:
        cards += [_card(f"f1-{c.config}", f"F1, LPU {c.config}", f"{c.prf.f1:.4f}"),
                  _card(f"agree-{c.config}", f"decisions equal to float, {c.config}", f"{c.agreement:.3%}"),
                  _card(f"cycles-{c.config}", f"cycles per query, {c.config}", f"{c.cycles_per_query:.1f}")]
    plots = [pr_plot(rep)] + ([scatter_plot(rep), residual_plot(rep)] if main else []) + [boxes_plot(rep)]
    dis = "".join(f"<tr><td>{c.config}</td><td>{x.index}</td><td>{html.escape(x.child)}</td>"
                  f"<td>{html.escape(x.parent)}</td><td>{x.float_score:.6f}</td><td>{x.lpu_score:.6f}</td>"
                  f"<td>{x.distance:.2e}</td><td>{x.bound:.2e}</td></tr>"
                  for c in rep.configs for x in c.disagreements)
    dis_table = ("<table id='disagreements'><tr><th>config</th><th>#</th><th>child</th><th>parent</th>"
                 "<th>float</th><th>LPU</th><th>|float - thr|</th><th>bound</th></tr>" + dis + "</table>"
                 if dis else "<p id='disagreements'>No decision differs from the float model.</p>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LPU demo: is-a queries on the LPU</title>
<style>body{{font-family:sans-serif;margin:2em;color:#222}} .card{{display:inline-block;border:1px solid #ccc;
border-radius:6px;padding:.6em 1em;margin:.3em;min-width:10em}} .v{{font-size:1.6em;font-weight:bold}}
svg{{margin:.5em;border:1px solid #eee}} pre{{background:#f6f6f6;padding:1em;overflow-x:auto}}
table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:2px 6px;font-size:.9em}}</style></head>
<body><h1>The taxonomy on the LPU, beside the float model</h1>
<div id="cards">{''.join(cards)}</div>
<h2>Plots</h2><div id="plots">{''.join(plots)}</div>
<h2>Decisions that differ from the float model</h2>{dis_table}
<h2>Summary</h2><pre id="summary">{html.escape(summary(rep))}</pre>
</body></html>
"""


def write_page(rep: DemoReport, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(page(rep), encoding="utf-8")
    return path
