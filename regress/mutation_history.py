"""The mutation score over time: each `lpu mutate` run's counts and kill rate in the results
database (table `mutation_runs`, regress/results.py), and its trend per configuration and
scope, shown by `lpu mutate --history` and at the end of `lpu regress history`."""

from __future__ import annotations

import datetime as dt
import platform

from .history import spark
from .results import ResultsDB

COUNTED = ("killed", "survived", "equivalent", "timeout", "stillborn")


def record_mutation_run(db: ResultsDB, rep: dict, report_path: str = "", commit: str | None = None) -> int:
    """Record one run's score (a report of regress.mutate.report); returns its id. `commit`
    is the tree the run started from (taken at its start: the tree may move during a long
    run); by default HEAD now."""
    from .runner import commit_id

    c = rep["counts"]
    b = rep.get("build") or {}
    return db.record_mutation_run(config=rep["config"], scope=rep["scope"], seed=rep["seed"], count=rep["mutants"],
                                  **{k: c.get(k, 0) for k in COUNTED}, kill_rate=rep["kill_rate"],
                                  commit_id=commit or commit_id(), host=platform.node(), seconds=rep["seconds"],
                                  build_mode=b.get("mode"), build_per_mutant=b.get("per_mutant"),
                                  report=report_path)


def mutation_history(db: ResultsDB, limit: int = 20) -> list[dict]:
    """The newest runs first, as plain dicts (JSON-ready)."""
    out = []
    for r in db.mutation_runs(limit):
        d = {k: r[k] for k in r.keys()}
        d["date"] = dt.datetime.fromtimestamp(r["recorded"], dt.UTC).strftime("%Y-%m-%d %H:%M")
        out.append(d)
    return out


def _rate(x: float | None) -> str:
    return "    -  " if x is None else f"{x:6.1f}%"


def format_mutation_history(rows: list[dict]) -> list[str]:
    if not rows:
        return ["no mutation runs recorded yet (run `lpu mutate`)"]
    lines = ["mutation runs, newest first:",
             "    id  date (UTC)        config    scope     seed  count  killed  surv  equiv  tmout  still"
             "   kill%  commit               wall   build/mutant"]
    for r in rows:
        per = "-" if r["build_per_mutant"] is None else f"{r['build_per_mutant']:.1f} s ({r['build_mode']})"
        lines.append(f"  {r['id']:>4}  {r['date']}  {r['config']:<8}  {r['scope']:<8}  {r['seed']:>4}  "
                     f"{r['count']:>5}  {r['killed']:>6}  {r['survived']:>4}  {r['equivalent']:>5}  "
                     f"{r['timeout']:>5}  {r['stillborn']:>5}  {_rate(r['kill_rate'])}  "
                     f"{(r['commit_id'] or '?'):<19}  {(r['seconds'] or 0) / 60:4.0f} min  {per}")
    lines.append("kill-rate trend, oldest to newest:")
    groups: dict[tuple[str, str], list[float | None]] = {}
    for r in reversed(rows):
        groups.setdefault((r["config"], r["scope"]), []).append(r["kill_rate"])
    for (config, scope), vals in groups.items():
        known = [v for v in vals if v is not None]
        rng = f"{min(known):.1f} .. {max(known):.1f} %, last {known[-1]:.1f} %" if known else "no data"
        # kill rates live near the top: the bars span the last 10 points below the lowest
        lo = max(0.0, min(known) - 10.0) if known else 0.0
        runs = f"{len(vals)} run{'s' if len(vals) != 1 else ''}"
        lines.append(f"  {config}/{scope:<10} {spark(vals, lo, 100.0)}  ({runs}: {rng})")
    return lines
