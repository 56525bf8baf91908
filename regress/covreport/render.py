"""Write the coverage report of merged runs: an offline HTML page (summary first, holes
impossible to miss, per-instruction and per-bin hit counts, crosses as heat maps, closure
curves and trends as SVG plots, each hole linked to its spec entry), the JSON summary and a
short text summary."""

from __future__ import annotations

import datetime as dt
import json
import math
from html import escape
from pathlib import Path

from verif.coverage import DISTANCES, PROPERTIES, RELATIONS

from ..results import ResultsDB
from .collect import ConfigCoverage, RunCoverage, spec_anchor
from .svg import line_chart

TREND_RUNS = 30
UNCOVERED_LINES_SHOWN = 200
HOLES_SHOWN = 10   # in the text summary; the HTML and JSON list every hole

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{margin-bottom:4px} h2{border-bottom:2px solid #ccc;padding-bottom:4px;margin-top:36px}
.muted{color:#777} .cards{display:flex;gap:16px;flex-wrap:wrap;margin:16px 0}
.card{border:1px solid #ccc;border-radius:8px;padding:12px 18px;min-width:150px}
.card .v{font-size:28px;font-weight:700} .card .k{color:#555}
.bad{color:#b00020} .good{color:#137333}
.holes{border:3px solid #b00020;background:#fff1f1;border-radius:8px;padding:8px 16px}
.noholes{border:3px solid #137333;background:#f0fff4;border-radius:8px;padding:8px 16px}
table{border-collapse:collapse;margin:8px 0} td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px}
th{background:#f4f4f4;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}
td.zero{background:#f8b4b4;font-weight:700} td.na{background:#e8e8e8;color:#999}
.bar{display:inline-block;height:10px;background:#137333;vertical-align:middle}
.barbg{display:inline-block;width:100px;height:10px;background:#f8b4b4;vertical-align:middle}
svg .ct{font-size:13px;font-weight:700} svg .ax{font-size:11px;fill:#444}
details{margin:4px 0} summary{cursor:pointer;font-weight:600}
.spec pre{background:#f7f7f7;padding:6px;white-space:pre-wrap}
"""


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1f} %"


def _heat(hits: int) -> str:
    """Background for a hit count: 0 is red (a hole); more hits are greener (log scale)."""
    if hits == 0:
        return ""
    level = min(1.0, math.log10(hits + 1) / 4)
    g = int(235 - 120 * level)
    return f' style="background:rgb({int(225 - 190 * level)},{g},{int(225 - 170 * level)})"'


def _cell(model, name: str) -> str:
    i = model.index.get(name)
    if i is None:
        return '<td class="na">-</td>'
    if not model.possible[i]:
        return f'<td class="na" title="{escape(model.reasons[name])}">excl</td>'
    h = int(model.hits[i])
    if h == 0:
        return f'<td class="n zero" title="{escape(name)}"><a href="#{spec_anchor(name)}">0</a></td>'
    return f'<td class="n"{_heat(h)} title="{escape(name)}">{h}</td>'


def _cross(model, title: str, rows: list[str], cols: list[str], name) -> str:
    """A heat map: one cell per (row, column) bin; each row header links to its spec entry."""
    body = [f"<h4>{escape(title)}</h4><table><tr><th></th>" + "".join(f"<th>{escape(c)}</th>" for c in cols) + "</tr>"]
    for r in rows:
        body.append(f'<tr><th><a href="#{spec_anchor(name(r, cols[0]))}">{escape(r)}</a></th>'
                    + "".join(_cell(model, name(r, c)) for c in cols) + "</tr>")
    return "\n".join(body) + "</table>"


def _crosses(cc: ConfigCoverage) -> str:
    m = cc.model
    hz = [n for n in m.spec.instructions if f"hazard/{n}/0" in m.index]
    box = [n for n in m.spec.instructions if f"box/{n}/plain" in m.index]
    box_cols = list(PROPERTIES) + (list(RELATIONS) if any(f"box/{n}/nested" in m.index for n in box) else [])
    pred_cols = [f"{o}/{r}" for o in ("taken", "not_taken") for r in ("predicted", "mispredicted")]
    counters = sorted({n.split("/")[1] for n in m.names if n.startswith("pred/")})
    out = [_cross(m, "Hazards: instruction x distance since the last write of a source register", hz,
                  list(DISTANCES), lambda r, c: f"hazard/{r}/{c}"),
           _cross(m, "Box operands: operator x value class", box, box_cols, lambda r, c: f"box/{r}/{c}"),
           _cross(m, "Branch predictor: counter x outcome / result", counters, pred_cols,
                  lambda r, c: f"pred/{r}/{c}")]
    return "\n".join(out)


def _short(bin_name: str) -> str:
    """A bin without its instruction (the row says which): 'field/rd/x0', 'instr'."""
    p = bin_name.split("/")
    return "/".join(p[:1] + p[2:])


def _per_instruction(cc: ConfigCoverage) -> str:
    m = cc.model
    rows = ["<table><tr><th>instruction</th><th>class</th><th>retired</th><th>bins</th><th>covered</th>"
            "<th></th><th>holes</th></tr>"]
    for n, ins in m.spec.instructions.items():
        mine = [b for b in m.names if b.split("/")[1:2] == [n] and b.split("/")[0] in
                ("instr", "field", "box", "hazard", "branch")]
        poss = [b for b in mine if m.possible[m.index[b]]]
        cov = [b for b in poss if m.hits[m.index[b]] > 0]
        holes = [b for b in poss if m.hits[m.index[b]] == 0]
        retired = int(m.hits[m.index[f"instr/{n}"]])
        frac = len(cov) / len(poss) if poss else 1.0
        rows.append(f'<tr><td><a href="#spec-{escape(n)}">{escape(n)}</a></td><td>{escape(ins.iclass)}</td>'
                    f'<td class="n{" zero" if retired == 0 and poss else ""}">{retired}</td>'
                    f'<td class="n">{len(poss)}</td>'
                    f'<td class="n">{len(cov)}</td><td><span class="barbg"><span class="bar" '
                    f'style="width:{100 * frac:.0f}px"></span></span> {100 * frac:.0f} %</td>'
                    f'<td class="bad">{escape(", ".join(_short(h) for h in holes))}</td></tr>')
    return "\n".join(rows) + "</table>"


def _all_bins(cc: ConfigCoverage) -> str:
    m = cc.model
    groups: dict[str, list[str]] = {}
    for n in m.names:
        groups.setdefault(n.split("/")[0], []).append(n)
    out = []
    for g, names in groups.items():
        poss = [n for n in names if m.possible[m.index[n]]]
        hit = sum(m.hits[m.index[n]] > 0 for n in poss)
        rows = "".join(f"<tr><td>{escape(n)}</td>{_cell(m, n)}</tr>" for n in names)
        out.append(f"<details><summary>{escape(g)}: {hit}/{len(poss)} bins hit</summary>"
                   f"<table><tr><th>bin</th><th>hits</th></tr>{rows}</table></details>")
    return "\n".join(out)


def _code(cc: ConfigCoverage) -> str:
    if cc.code is None:
        return '<p class="muted">no code coverage in this run (the suite was built without --coverage)</p>'
    s = cc.code_summary()
    rows = "".join(f'<tr><td>{escape(t)}</td><td class="n">{v["points"]}</td><td class="n">{v["hit"]}</td>'
                   f'<td class="n">{v["percent"]:.1f} %</td></tr>' for t, v in sorted(s.items()))
    missed = sorted((cc.code._field(k, "f").rsplit("/", 1)[-1], int(cc.code._field(k, "l") or 0),
                     cc.code._field(k, "t") or "line", cc.code._field(k, "o"))
                    for k, n in cc.code.points.items() if n == 0)
    items = "".join(f"<tr><td>{escape(f)}:{ln}</td><td>{escape(t)}</td><td>{escape(o)}</td></tr>"
                    for f, ln, t, o in missed[:UNCOVERED_LINES_SHOWN])
    more = f"<p class='muted'>... and {len(missed) - UNCOVERED_LINES_SHOWN} more</p>" \
        if len(missed) > UNCOVERED_LINES_SHOWN else ""
    return (f"<table><tr><th>kind</th><th>points</th><th>hit</th><th>covered</th></tr>{rows}</table>"
            f"<details><summary>{len(missed)} points never hit (generated Verilog)</summary>"
            f"<table><tr><th>where</th><th>kind</th><th>point</th></tr>{items}</table>{more}</details>")


def _spec_section(spec) -> str:
    out = ['<div class="spec">']
    for n, ins in spec.instructions.items():
        out.append(f'<section id="spec-{escape(n)}"><h4>{escape(n)} <span class="muted">({escape(ins.iclass)}, '
                   f'{escape(ins.source)})</span></h4><p><code>{escape(ins.syntax)}</code>: {escape(ins.summary)}</p>'
                   f'<pre>{escape(ins.semantics.strip())}</pre></section>')
    for t in spec.traps.values():
        out.append(f'<section id="trap-{escape(t.name)}"><h4>trap {escape(t.name)} (cause {t.code})</h4>'
                   f'<p>{escape(t.summary)}</p></section>')
    p = spec.predictor
    out.append(f'<section id="spec-predictor"><h4>branch predictor</h4><p>{escape(p.summary)} '
               f'({p.counter_bits}-bit counters, predict taken at {p.taken_threshold} or more)</p></section>')
    out.append('<section id="spec-bins"><h4>coverage bins</h4><p>Derived from the spec by verif/coverage.py: '
               'see its docstring and docs/verification.md.</p></section></div>')
    return "\n".join(out)


def _trends(db: ResultsDB, cov: RunCoverage) -> str:
    last = db.run(cov.runs[-1])
    runs = list(reversed(db.runs(TREND_RUNS, suite=last["suite"] if last else None)))
    passrate, func, line, toggle = [], [], [], []
    for r in runs:
        s = db.run_summary(r["id"])
        n = sum(s.values())
        if n:
            passrate.append((r["id"], 100.0 * s.get("passed", 0) / n))
        for series, key in ((func, "functional"), (line, "line"), (toggle, "toggle")):
            if r[key] is not None:
                series.append((r["id"], r[key]))
    return line_chart({"pass rate": passrate, "functional": func, "line": line, "toggle": toggle},
                      f"Trend over the last {len(runs)} {last['suite'] if last else ''} runs", "run", "%")


def html_report(cov: RunCoverage, db: ResultsDB) -> str:
    s = cov.summary()
    runs = [db.run(r) for r in cov.runs]
    counts: dict[str, int] = {}
    for r in cov.runs:
        for row in db.results(r):
            if row["test"] != "build":
                counts[row["status"]] = counts.get(row["status"], 0) + 1
    failed = sum(v for k, v in counts.items() if k != "passed")
    holes = s["holes"]
    title = "LPU coverage report: run" + ("s " if len(runs) > 1 else " ") + ", ".join(str(r["id"]) for r in runs)
    when = ", ".join(f'{r["suite"]} run {r["id"]} at commit {r["commit_id"] or "?"}, '
                     f'{dt.datetime.fromtimestamp(r["started"]).strftime("%Y-%m-%d %H:%M")} '
                     f'({r["status"] or "running"})' for r in runs)
    h = [f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
         f"<style>{CSS}</style></head><body>", f"<h1>{escape(title)}</h1><p class='muted'>{escape(when)}</p>"]
    cards = [("functional", "functional coverage", _pct(s["functional"])), ("line", "line coverage", _pct(s["line"])),
             ("toggle", "toggle coverage", _pct(s["toggle"])), ("holes", "holes", str(len(holes))),
             ("tests", "tests passed", f"{counts.get('passed', 0)} / {sum(counts.values())}")]
    h.append('<div class="cards" id="summary">' + "".join(
        f'<div class="card" id="card-{k}"><div class="v{" bad" if (k == "holes" and holes) else ""}">{escape(v)}</div>'
        f'<div class="k">{escape(label)}</div></div>' for k, label, v in cards) + "</div>")
    if failed:
        h.append(f'<p class="bad">{failed} tests did not pass: <code>lpu regress history</code> buckets them.</p>')
    if holes:
        grouped: dict[tuple[str, str], list[str]] = {}
        for x in holes:
            grouped.setdefault((x["config"], x["spec"]), []).append(x["bin"])
        rows = "".join(f'<tr><td>{escape(c)}</td><td><a href="#{a}">{escape(a.split("-", 1)[1])}</a></td>'
                       f'<td class="n">{len(bins)}</td><td>{escape(", ".join(bins))}</td></tr>'
                       for (c, a), bins in grouped.items())
        h.append(f'<div class="holes" id="holes"><h2 class="bad">{len(holes)} coverage holes</h2>'
                 "<table><tr><th>config</th><th>spec entry</th><th>holes</th><th>bins never hit</th></tr>"
                 f"{rows}</table></div>")
    else:
        h.append('<div class="noholes" id="holes"><h2 class="good">No coverage holes</h2>'
                 "<p>Every bin that can be hit in these configurations was hit.</p></div>")
    h.append("<h2>Per configuration</h2><table><tr><th>config</th><th>tests</th><th>retired</th><th>bins</th>"
             "<th>covered</th><th>functional</th><th>line</th><th>toggle</th></tr>")
    for n, c in s["configs"].items():
        h.append(f'<tr id="cfg-{escape(n)}"><td>{escape(n)}</td><td class="n">{c["tests"]}</td><td class="n">'
                 f'{c["retired"]:,}</td><td class="n">{c["bins"]}</td><td class="n">{c["covered"]}</td>'
                 f'<td class="n">{_pct(c["functional"])}</td><td class="n">{_pct(c["line"])}</td>'
                 f'<td class="n">{_pct(c["toggle"])}</td></tr>')
    h.append("</table>")
    h.append("<h2>Closure and trends</h2>")
    h.append(line_chart({n: c.curve for n, c in cov.configs.items()}, "Functional coverage closure",
                        "retired instructions", "% of bins"))
    h.append(_trends(db, cov))
    for n, c in cov.configs.items():
        h.append(f'<h2 id="config-{escape(n)}">Configuration {escape(n)}</h2>')
        h.append("<h3>Per instruction</h3>" + _per_instruction(c))
        h.append("<h3>Crosses</h3>" + _crosses(c))
        h.append("<h3>Code coverage (Verilator line and toggle)</h3>" + _code(c))
        h.append("<h3>Every bin</h3>" + _all_bins(c))
        excl = c.model.excluded()
        if excl:
            h.append(f"<details><summary>{len(excl)} bins excluded (cannot be hit here)</summary><table>"
                     + "".join(f"<tr><td>{escape(b)}</td><td>{escape(w)}</td></tr>" for b, w in excl)
                     + "</table></details>")
    h.append("<h2>Spec entries</h2>" + _spec_section(cov.spec))
    h.append("</body></html>")
    return "\n".join(h)


def text_summary(cov: RunCoverage) -> list[str]:
    s = cov.summary()
    lines = [f"coverage of run(s) {', '.join(map(str, cov.runs))}: functional {_pct(s['functional'])}, "
             f"line {_pct(s['line'])}, toggle {_pct(s['toggle'])}, {len(s['holes'])} holes"]
    for n, c in s["configs"].items():
        lines.append(f"  {n:<10} {c['tests']:>4} tests  {c['retired']:>9,} retired  functional "
                     f"{_pct(c['functional']):>8} ({c['covered']}/{c['bins']})  line {_pct(c['line']):>8}  "
                     f"toggle {_pct(c['toggle']):>8}")
    for x in s["holes"][:HOLES_SHOWN]:
        lines.append(f"  hole: {x['config']}: {x['bin']}")
    if len(s["holes"]) > HOLES_SHOWN:
        lines.append(f"  ... and {len(s['holes']) - HOLES_SHOWN} more holes (all of them in the HTML and JSON)")
    return lines


def write_report(cov: RunCoverage, db: ResultsDB, out: Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(html_report(cov, db), encoding="utf-8")
    (out / "coverage.json").write_text(json.dumps(cov.summary(), indent=1))
    (out / "summary.txt").write_text("\n".join(text_summary(cov)) + "\n")
    return out / "index.html"
