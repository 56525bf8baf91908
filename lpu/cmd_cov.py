"""`lpu cov report RUN...`: the merged functional and code coverage of regression runs, as a
terminal summary, an offline HTML report (--html DIR) and JSON on stdout (--json)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import UserError, output_dir
from .registry import Subparsers, add_command, add_group


def _run_ids(db, items: list[str]) -> list[int]:
    ids = []
    for item in items:
        if item == "latest":
            runs = db.runs(1)
            if not runs:
                raise UserError(f"{db.path}: no runs recorded yet")
            ids.append(runs[0]["id"])
            continue
        try:
            ids.append(int(item))
        except ValueError:
            raise UserError(f"RUN: '{item}' is not a run number (or 'latest')") from None
        if db.run(ids[-1]) is None:
            raise UserError(f"{db.path}: no run {ids[-1]} (see `lpu regress history`)")
    return ids


def cmd_report(args: argparse.Namespace) -> int:
    from isa_spec import load_spec
    from regress.covreport.collect import CoverageDataError, collect_runs
    from regress.covreport.render import text_summary, write_report
    from regress.results import ResultsDB

    path = Path(args.db) if args.db else Path(args.out) / "results.sqlite"
    if not path.exists():
        raise UserError(f"{path}: no results database (run a regression first, or give --db)")
    if args.html:
        output_dir(Path(args.html), "--html")   # before the work, not after the summary
    db = ResultsDB(path, readonly=True)
    try:
        cov = collect_runs(db, _run_ids(db, args.runs), load_spec())
    except CoverageDataError as exc:
        raise UserError(str(exc)) from None
    if not cov.configs:
        raise UserError(f"run(s) {', '.join(args.runs)}: no coverage files found (were the run's test "
                        f"directories removed?)")
    # with --json, stdout is the JSON object alone; the summary goes to stderr
    text_out = sys.stderr if args.json else sys.stdout
    for line in text_summary(cov):
        print(line, file=text_out)
    if args.html:
        index = write_report(cov, db, Path(args.html))
        print(f"HTML report: {index}", file=text_out)
    if args.json:
        print(json.dumps(cov.summary(), indent=1))
    db.close()
    return 0


def register(sub: Subparsers) -> None:
    cov = add_group(sub, "cov", "coverage reports of regression runs")
    p = add_command(cov, "report", cmd_report, "merge and report the coverage of one or more runs",
                    description="Merge the functional coverage and the Verilator line/toggle coverage of "
                                "regression runs and report it: a text summary, --html DIR (an offline page "
                                "with holes, per-instruction and per-bin hits, heat maps, closure curves and "
                                "trends), --json (functional, line, toggle, holes on stdout).")
    p.add_argument("runs", nargs="+", metavar="RUN", help="run numbers (see `lpu regress history`), or 'latest'")
    p.add_argument("--html", metavar="DIR", help="write the HTML report (index.html) into DIR")
    p.add_argument("--json", action="store_true", help="print the JSON summary on stdout")
    p.add_argument("--out", default="out/regress", metavar="DIR", help="where the database is (default out/regress)")
    p.add_argument("--db", metavar="FILE", help="results database (default OUT/results.sqlite)")
