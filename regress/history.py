"""`lpu regress history`: what failed last night, since when, how often; pass-rate and
coverage trends over runs; the failure buckets of the run in question."""

from __future__ import annotations

import datetime as dt
import os
import platform

from .progress import hms
from .results import ResultsDB, Status
from .triage import buckets

SPARK = "▁▂▃▄▅▆▇█"


def spark(values: list[float | None], lo: float = 0.0, hi: float = 100.0) -> str:
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            f = 0.0 if hi <= lo else (min(hi, max(lo, v)) - lo) / (hi - lo)
            out.append(SPARK[min(len(SPARK) - 1, int(f * (len(SPARK) - 1) + 0.5))])
    return "".join(out)


def _alive(run) -> bool:
    """A run without a status is still running if its process is alive on this host;
    otherwise it was killed."""
    if run["finished"] is not None or not run["pid"] or run["host"] != platform.node():
        return False
    try:
        os.kill(run["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run_row(db: ResultsDB, r) -> dict:
    s = db.run_summary(r["id"])
    tests = {k: v for k, v in s.items()}
    rows = db.results(r["id"])
    build = [x for x in rows if x["test"] == "build"]
    n = len(rows) - len(build)
    passed = sum(1 for x in rows if x["test"] != "build" and x["status"] == Status.PASSED.value)
    return {"run": r["id"], "suite": r["suite"], "commit": r["commit_id"],
            "started": dt.datetime.fromtimestamp(r["started"]).strftime("%Y-%m-%d %H:%M"),
            "status": r["status"] or ("running" if _alive(r) else "interrupted"),
            "wall": (r["finished"] - r["started"]) if r["finished"] else None,
            "tests": n, "planned": r["planned"], "passed": passed, "not_passed": n - passed,
            "pass_rate": 100.0 * passed / n if n else None, "statuses": tests,
            "functional": r["functional"], "line": r["line"], "toggle": r["toggle"],
            "launcher": r["launcher"] or "local"}


def failures_of(db: ResultsDB, run_id: int) -> list[dict]:
    """Each test (config, test) that did not pass in the run: how, seeds, since when, how often."""
    tests: dict[tuple[str, str], dict] = {}
    for x in db.results(run_id):
        if x["status"] == Status.PASSED.value:
            continue
        t = tests.setdefault((x["config"], x["test"]), {"config": x["config"], "test": x["test"], "seeds": [],
                                                        "statuses": set(), "signature": x["signature"],
                                                        "repro": x["repro"]})
        if x["seed"] is not None:
            t["seeds"].append(x["seed"])
        t["statuses"].add(x["status"])
    out = []
    for (config, test), t in tests.items():
        rec = db.test_record(config, test, before_run=run_id)
        out.append({**t, "statuses": sorted(t["statuses"]), "failing_since_run": rec["failing_since_run"],
                    "first_failed_run": rec["first_failed_run"], "failed_runs": rec["failed_runs"],
                    "runs": rec["runs"]})
    return out


def history(db: ResultsDB, limit: int = 10, suite: str | None = None, run_id: int | None = None) -> dict:
    from .mutation_history import mutation_history

    runs = [_run_row(db, r) for r in db.runs(limit, suite)]
    if run_id is None:
        done = [r for r in runs if r["status"] in ("passed", "failed")]
        run_id = done[0]["run"] if done else (runs[0]["run"] if runs else None)
    focus = failures_of(db, run_id) if run_id is not None else []
    bk = [b.__dict__ for b in buckets(db.results(run_id), db.first_seen)] if run_id is not None else []
    return {"runs": runs, "run": run_id, "failures": focus, "buckets": bk, "mutation": mutation_history(db, limit)}


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.1f}"


def format_history(h: dict) -> list[str]:
    """The runs and their trends, the failures of the run in question, then the mutation
    scores (`lpu mutate`) with their trend when there are any."""
    from .mutation_history import format_mutation_history

    mutation = [""] + format_mutation_history(h["mutation"]) if h.get("mutation") else []
    return _format_runs(h) + mutation


def _format_runs(h: dict) -> list[str]:
    runs = h["runs"]
    if not runs:
        return ["no runs recorded yet (run `lpu regress smoke` or `lpu regress nightly`)"]
    lines = ["runs, newest first:",
             "   run  suite          started           commit               status       tests  failed   pass%   "
             "func%   line%  toggle%   wall     where"]
    for r in runs:
        lines.append(f"  {r['run']:>4}  {r['suite']:<13}  {r['started']}  {(r['commit'] or '?'):<19}  "
                     f"{r['status']:<11}  {r['tests']:>5}  {r['not_passed']:>6}  {_pct(r['pass_rate'])}  "
                     f"{_pct(r['functional'])}  {_pct(r['line'])}  {_pct(r['toggle'])}   "
                     f"{hms(r['wall']) if r['wall'] is not None else '-':>7}  {r['launcher'].split(':')[0]}")
    old = list(reversed(runs))
    lines.append("trends, oldest to newest:")
    for key, label in (("pass_rate", "pass rate"), ("functional", "functional"), ("line", "line"),
                       ("toggle", "toggle")):
        vals = [r[key] for r in old]
        known = [v for v in vals if v is not None]
        rng = f"{min(known):.1f} .. {max(known):.1f} %" if known else "no data"
        lines.append(f"  {label:<11} {spark(vals)}  ({rng})")
    run = h["run"]
    if run is None:
        return lines
    if not h["failures"]:
        lines.append(f"run {run}: nothing failed")
        return lines
    lines.append(f"what failed in run {run}: test, seeds, how, since when, how often")
    for f in h["failures"]:
        seeds = ",".join(map(str, f["seeds"][:8])) + (" ..." if len(f["seeds"]) > 8 else "")
        since = f"failing since run {f['failing_since_run']}" if f["failing_since_run"] else ""
        lines.append(f"  {f['config']}/{f['test']}  seeds {seeds or '-'}  {'/'.join(f['statuses'])}  {since}, "
                     f"failed in {f['failed_runs']} of {f['runs']} runs (first in run {f['first_failed_run']})")
        lines.append(f"      {f['signature']}   reproduce: {f['repro']}")
    lines.append("failure buckets:")
    for b in h["buckets"]:
        lines.append(f"  x{b['count']:<4} {b['signature']}  (first seen in run {b['first_run']})  "
                     f"reproduce: {b['repro']}" + (f"  waveform: {b['waves']}" if b["waves"] else ""))
        if b.get("reproducer"):
            lines.append(f"        minimal reproducer: lpu sim {b['reproducer']} --config {b['reproducer_config']}")
    return lines
