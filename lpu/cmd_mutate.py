"""`lpu mutate`: mutation testing of the testbench against the generated Verilog."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from .errors import UserError, output_dir, status_printer
from .registry import Subparsers, add_command

DEFAULT_DB = "out/regress/results.sqlite"


def _check(args: argparse.Namespace) -> None:
    if args.count < 1 or args.jobs < 1 or args.seeds < 0 or args.timeout <= 0:
        raise UserError("--count and -j need at least 1, --seeds 0 or more, --timeout a positive number")
    if args.history is not None and args.history < 1:
        raise UserError(f"--history: need 1 or more runs to show, got {args.history}")
    bad = [i for i in args.mutant if i < 0]
    if bad:
        raise UserError(f"--mutant: {bad[0]} is not a mutant id (ids are 0 and up, as in the report)")


def _pick(args: argparse.Namespace, verilog: str):
    from verif.mutation import enumerate_mutants, sample
    from verif.mutation_equivalents import mark_reviewed
    from verif.mutation_scope import in_scope

    every = enumerate_mutants(verilog)
    if args.mutant:
        missing = [i for i in args.mutant if i >= len(every)]
        if missing:
            raise UserError(f"--mutant: no mutant {missing[0]} in this design (it has {len(every)}, ids 0 to "
                            f"{len(every) - 1})")
        return [every[i] for i in sorted(set(args.mutant))]
    # the sample is drawn first: reviewing a mutant as equivalent never changes which are drawn
    return mark_reviewed(sample(in_scope(every, verilog, args.scope), args.count, args.seed), verilog)


def _history(args: argparse.Namespace) -> int:
    from regress.mutation_history import format_mutation_history, mutation_history
    from regress.results import ResultsDB

    path = Path(args.db)
    if not path.exists():
        raise UserError(f"{path}: no results database (run `lpu mutate` first, or give --db)")
    db = ResultsDB(path, readonly=True)
    rows = mutation_history(db, args.history)
    db.close()
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        for line in format_mutation_history(rows):
            print(line)
    return 0


def cmd_mutate(args: argparse.Namespace) -> int:
    from isa_spec import load_spec, make_config
    from regress.mutate import format_report, report, run_mutants, write_report
    from regress.mutate_schemata import run_schemata
    from regress.mutation_history import record_mutation_run
    from regress.results import ResultsDB
    from regress.runner import commit_id
    from verif.build import ensure_rtl

    _check(args)
    if args.history is not None:
        return _history(args)
    config = make_config(load_spec(), args.config)
    tag = "ids-" + "-".join(map(str, sorted(set(args.mutant)))) if args.mutant else f"{args.scope}-seed{args.seed}"
    out = Path(args.out) / f"{config.name}-{tag}"   # a run of chosen ids never overwrites a sample's report
    output_dir(out, "--out")
    # a damaged database is refused before the work; a run of chosen ids is no score to keep
    db = ResultsDB(Path(args.db)) if args.record and not args.mutant else None
    commit = commit_id() if db is not None else ""   # the tree this run starts from
    src = ensure_rtl(config) / "lpu_top.v"
    mutants = _pick(args, src.read_text())
    echo = status_printer(args.json)   # with --json, stdout is the JSON alone
    how = "each built alone" if args.separate_builds else "one schemata build"
    echo(f"{len(mutants)} mutants of {src} (scope {args.scope}, seed {args.seed}; {how}), each against the smoke "
         f"budget: the directed programs, then {args.seeds} random programs; -j {args.jobs}")
    t0 = time.monotonic()
    work = out / "work"
    if args.separate_builds:
        results, build = run_mutants(mutants, args.config, src, work, args.seeds, args.timeout, args.jobs, echo), None
    else:
        results, figures = run_schemata(mutants, args.config, src, work, args.seeds, args.timeout, args.jobs, echo)
        build = figures.as_dict()
    scope = "ids" if args.mutant else args.scope
    rep = report(results, config.name, args.seed, time.monotonic() - t0, scope, build)
    path = write_report(rep, out)
    if db is not None:
        rep["history_id"] = record_mutation_run(db, rep, str(path), commit)
        db.close()
    if args.json:
        print(json.dumps(rep, indent=1))
    else:
        for line in format_report(rep, src):
            print(line)
        print(f"report: {path}" + (f"; recorded in {args.db}" if db is not None else ""))
    return 0


def register(sub: Subparsers) -> None:
    from verif.mutation_scope import SCOPES

    p = add_command(sub, "mutate", cmd_mutate, "mutation testing of the testbench",
                    description="Inject mutants into the generated Verilog (operator swaps, off-by-one "
                                "constants, inverted conditions, stuck-at bits, dropped assignments), run "
                                "the smoke budget against each with `lpu sim --rtl`, and report the kill "
                                "rate and the surviving mutants; the score is kept in the results database.")
    p.add_argument("--config", default="tiny", help="named configuration to mutate (default tiny)")
    p.add_argument("--scope", choices=SCOPES, default="pipeline",
                   help="where mutants are sampled: the pipeline control and hazard logic (default) or all "
                        "statements")
    p.add_argument("--count", type=int, default=50, metavar="N", help="mutants to sample (default 50)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="sampling seed (default 1)")
    p.add_argument("--mutant", type=int, action="append", default=[], metavar="ID",
                   help="run this mutant (its id in the report) instead of a sample; repeatable")
    p.add_argument("--seeds", type=int, default=20, metavar="N",
                   help="random programs per mutant after the directed ones (default 20, as the smoke)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help="parallel mutants")
    p.add_argument("--timeout", type=float, default=300.0, metavar="S", help="per test of a mutant (default 300)")
    p.add_argument("--separate-builds", action="store_true",
                   help="build each mutant alone (slow) instead of all in one mutant-schemata build")
    p.add_argument("--out", default="out/mutate", metavar="DIR", help="work and report directory")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE",
                   help=f"results database the score is recorded in (default {DEFAULT_DB})")
    p.add_argument("--no-record", dest="record", action="store_false", help="do not record the score")
    p.add_argument("--history", type=int, nargs="?", const=20, default=None, metavar="N",
                   help="show the last N recorded scores (default 20) with their trend, and exit")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
