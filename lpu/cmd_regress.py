"""`lpu regress`: the regression suites (smoke, nightly), their history, and reruns.

    lpu regress smoke|nightly [--seeds N] [-j N] [--configs A,B] [--out DIR] ...
          [--launcher local|slurm] [--slurm-args "..."] [--slurm-config FILE] [--max-parallel K]
    lpu regress history [--runs N] [--suite S] [--run RUN] [--json]
    lpu regress --rerun-failed RUN [-j N] [--launcher ...]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from .errors import UserError, output_dir
from .registry import Subparsers


def _configs(text: str | None, default: tuple[str, ...]) -> list[str]:
    from isa_spec import load_spec

    names = [c for c in (text or "").replace(",", " ").split() if c] or list(default)
    known = load_spec().configs
    for n in names:
        if n not in known:
            raise UserError(f"--configs: unknown configuration '{n}' (known: {', '.join(known)})")
    return names


def _options(args: argparse.Namespace, suite: str, configs: list[str], seeds: int):
    from regress.runner import RunOptions

    if args.jobs < 1:
        raise UserError(f"-j: need at least 1 worker, got {args.jobs}")
    if seeds < 0:
        raise UserError(f"--seeds: need 0 or more, got {seeds}")
    if args.timeout <= 0:
        raise UserError(f"--timeout: need a positive number of seconds, got {args.timeout}")
    if args.shrink < 0:
        raise UserError(f"--shrink: need 0 (never) or more candidate runs, got {args.shrink}")
    if args.max_parallel is not None and args.max_parallel < 1:
        raise UserError(f"--max-parallel: need at least 1, got {args.max_parallel}")
    slurm = None
    if args.launcher == "slurm":
        from regress.launchers.slurm_config import slurm_options

        slurm = slurm_options(args.slurm_config, args.slurm_args, args.per_task, args.max_parallel)
    else:
        for flag, value in (("--slurm-args", args.slurm_args), ("--slurm-config", args.slurm_config),
                            ("--per-task", args.per_task)):
            if value is not None:
                raise UserError(f"{flag} applies to --launcher slurm (this run's launcher is {args.launcher})")
    return RunOptions(suite=suite, configs=configs, seeds=seeds, jobs=args.jobs, out=Path(args.out),
                      db=Path(args.db) if args.db else None, timeout=args.timeout,
                      seed_base=getattr(args, "seed_base", None), report=not getattr(args, "no_report", False),
                      launcher=args.launcher, slurm=slurm, max_parallel=args.max_parallel, shrink=args.shrink)


def _examples(directory: Path) -> list[Path]:
    """The smoke suite's example programs: a directory that is missing or holds none is the
    user's mistake (a typo), not a pass over nothing."""
    from regress.smoke import example_programs

    if not directory.is_dir():
        raise UserError(f"--examples: {directory} is not a directory")
    programs = example_programs(directory)
    if not programs:
        raise UserError(f"--examples: no programs (*.s) in {directory}")
    return programs


def _smoke_no_rtl(args: argparse.Namespace) -> int:
    """The golden-model part alone, in this process: seconds, for a quick check."""
    from isa_spec import load_spec, make_config
    from isa_spec.params import parse_param_overrides
    from regress.smoke import run_smoke, summary

    spec = load_spec()
    config = make_config(spec, args.config, parse_param_overrides(args.param))
    programs = _examples(Path(args.examples))
    results = run_smoke(spec, config, programs, args.max_steps)
    for line in summary(results):
        print(line)
    print("note: --no-rtl: this run checked the golden model only")
    return 0 if all(r.ok for r in results) else 1


def cmd_suite(args: argparse.Namespace) -> int:
    from regress.jobs import Job
    from regress.runner import execute
    from regress.smoke import EXAMPLES_DIR
    from regress.suites import SUITES

    if args.suite == "smoke":
        if not args.rtl:
            return _smoke_no_rtl(args)
        if args.param:
            raise UserError("--param applies to the golden-model part alone: use it with --no-rtl")
        _examples(Path(args.examples))
    spec = SUITES[args.suite]
    seeds = spec.default_seeds if args.seeds is None else args.seeds
    opts = _options(args, args.suite, _configs(args.configs, spec.configs), seeds)
    output_dir(opts.out, "--out")
    if args.suite == "smoke":
        same = Path(args.examples).resolve() == EXAMPLES_DIR.resolve()
        opts.examples = Job(args.config, "examples", path="" if same else str(Path(args.examples).resolve()))
    return execute(opts).exit_code


def cmd_history(args: argparse.Namespace) -> int:
    from regress.history import format_history, history
    from regress.results import ResultsDB

    path = Path(args.db) if args.db else Path(args.out) / "results.sqlite"
    if args.runs < 1:
        raise UserError(f"--runs: need at least 1, got {args.runs}")
    if not path.exists():
        raise UserError(f"{path}: no results database (run a regression first, or give --db)")
    db = ResultsDB(path, readonly=True)
    if args.run is not None and db.run(args.run) is None:
        raise UserError(f"{path}: no run {args.run}")
    suites = db.suites()
    if args.suite is not None and args.suite not in suites:
        # "no runs recorded yet" would be untrue when other suites have runs
        known = f"suites recorded: {', '.join(suites)}" if suites else "no runs recorded yet"
        raise UserError(f"{path}: no runs of suite '{args.suite}' ({known})")
    h = history(db, args.runs, args.suite, args.run)
    db.close()
    if args.json:
        print(json.dumps(h, indent=1, default=list))
    else:
        for line in format_history(h):
            print(line)
    return 0


def cmd_regress(args: argparse.Namespace) -> int:
    """`lpu regress --rerun-failed RUN` (no suite)."""
    from regress.results import ResultsDB
    from regress.runner import failed_jobs, rerun_failed

    if args.rerun_failed is None:
        raise UserError("give a suite (smoke, nightly), `history`, or --rerun-failed RUN")
    opts = _options(args, "rerun", [], 0)
    if not opts.db_path.exists():
        raise UserError(f"{opts.db_path}: no results database (give --db or --out)")
    db = ResultsDB(opts.db_path, readonly=True)
    if db.run(args.rerun_failed) is None:
        raise UserError(f"{opts.db_path}: no run {args.rerun_failed}")
    failed = [r for r in db.results(args.rerun_failed) if r["status"] != "passed"]
    jobs = failed_jobs(db, args.rerun_failed)
    db.close()
    if not failed:
        # an empty rerun would only add a run with nothing in it to the history
        print(f"run {args.rerun_failed}: nothing to rerun (no test failed); no run recorded")
        return 0
    if not jobs:
        n = f"{len(failed)} failure" + ("s" if len(failed) != 1 else "")
        raise UserError(f"run {args.rerun_failed}: no recorded job to rerun its {n} "
                        f"(recorded by an older lpu); rerun them with the reproduce commands of "
                        f"`lpu regress history --run {args.rerun_failed}`")
    output_dir(opts.out, "--out")
    out = rerun_failed(opts, args.rerun_failed)
    if out is None:
        raise UserError(f"{opts.db_path}: no run {args.rerun_failed}")
    return out.exit_code


def _run_options(p: argparse.ArgumentParser) -> None:
    from regress.launchers import LAUNCHERS
    from regress.shrink import DEFAULT_RUNS as SHRINK_RUNS

    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="parallel workers (pytest-xdist; default: the number of CPUs)")
    p.add_argument("--out", default="out/regress", metavar="DIR",
                   help="run directories and the results database (default out/regress)")
    p.add_argument("--db", metavar="FILE", help="results database (default OUT/results.sqlite)")
    p.add_argument("--timeout", type=float, default=900.0, metavar="S",
                   help="per-test limit in seconds; a test still running is killed and recorded as a "
                        "timeout (default 900)")
    p.add_argument("--shrink", type=int, default=SHRINK_RUNS, metavar="N",
                   help="shrink each failing random program to a minimal reproducer (minimal.s in its test "
                        f"directory) within N candidate runs; 0: never (default {SHRINK_RUNS})")
    p.add_argument("--launcher", choices=LAUNCHERS, default="local",
                   help="where the tests run: local (pytest-xdist workers on this machine, the default) or "
                        "slurm (job arrays on a Slurm cluster; docs/regressions.md, Running on a Slurm cluster)")
    p.add_argument("--max-parallel", type=int, metavar="K",
                   help="at most K tests at once: caps -j locally; Slurm array tasks running at once")
    p.add_argument("--slurm-args", metavar='"ARGS"',
                   help='site options for sbatch, e.g. "--partition=sim --account=dv --time=1:00:00 --qos=normal"')
    p.add_argument("--slurm-config", type=Path, metavar="FILE",
                   help="site options from a TOML file ([slurm] partition, account, time, qos, args, python, "
                        "per_task, max_parallel; default $LPU_SLURM_CONFIG)")
    p.add_argument("--per-task", type=int, metavar="N",
                   help="Slurm: tests per array task (default: packed to about 20 s of work per task)")


def register(sub: Subparsers) -> None:
    from regress.smoke import EXAMPLES_DIR, MAX_STEPS
    from regress.suites import SUITES

    regress = sub.add_parser("regress", help="regression suites, their history and reruns",
                             description="Regression suites (smoke, nightly) run in parallel with results "
                                         "history, failure triage and a coverage report; `history`; "
                                         "`--rerun-failed RUN` reruns a run's failures with waveforms.")
    regress.set_defaults(handler=cmd_regress)
    regress.add_argument("--rerun-failed", type=int, metavar="RUN",
                         help="rerun the tests that did not pass in run RUN, with waveforms")
    _run_options(regress)
    suites = regress.add_subparsers(dest="regress_command", metavar="COMMAND")
    for name, s in SUITES.items():
        p = suites.add_parser(name, help=s.description, description=s.description)
        p.set_defaults(handler=cmd_suite, suite=name)
        p.add_argument("--seeds", type=int, default=None, metavar="N",
                       help=f"random seeds per configuration (default {s.default_seeds})")
        p.add_argument("--configs", metavar="A,B", help=f"named configurations (default {','.join(s.configs)})")
        p.add_argument("--seed-base", type=int, default=None, metavar="N",
                       help="first random seed (default: " + ("1" if name == "smoke" else "new seeds every run, "
                                                              "from the run number") + ")")
        p.add_argument("--no-report", action="store_true", help="skip the coverage report at the end")
        _run_options(p)
        if name == "smoke":
            p.add_argument("--no-rtl", dest="rtl", action="store_false",
                           help="golden-model part only, in this process (seconds; no history)")
            p.add_argument("--examples", type=Path, default=EXAMPLES_DIR, metavar="DIR",
                           help=f"directory of example programs (default: {EXAMPLES_DIR})")
            p.add_argument("--config", default="default", metavar="NAME",
                           help="configuration for the golden-model part (default: default)")
            p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                           help="with --no-rtl: override one parameter (repeatable)")
            p.add_argument("--max-steps", type=int, default=MAX_STEPS, metavar="N",
                           help=f"with --no-rtl: a program not halted after N instructions fails "
                                f"(default: {MAX_STEPS})")
    h = suites.add_parser("history", help="what failed, since when, how often; pass-rate and coverage trends",
                          description="Runs newest first with pass rate and coverage, trends, and the "
                                      "failures of one run (the last finished by default) with their "
                                      "first failing run, how often they failed, and the failure buckets.")
    h.set_defaults(handler=cmd_history)
    h.add_argument("--out", default="out/regress", metavar="DIR", help="where the database is (default out/regress)")
    h.add_argument("--db", metavar="FILE", help="results database (default OUT/results.sqlite)")
    h.add_argument("--runs", type=int, default=10, metavar="N", help="how many runs to show (default 10)")
    h.add_argument("--suite", help="only runs of this suite")
    h.add_argument("--run", type=int, metavar="RUN", help="whose failures to show (default: the last finished)")
    h.add_argument("--json", action="store_true", help="the same as JSON")
