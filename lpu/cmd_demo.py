"""`lpu demo`: the taxonomy's test queries on the LPU beside the float model (docs/demo.md);
`lpu demo train [...]` reproduces the committed boxes (demo.train)."""

from __future__ import annotations

import argparse
import importlib
import os
import tempfile
from pathlib import Path

from .argtypes import positive_int
from .errors import UserError
from .registry import Subparsers, add_command

DEFAULT_QUERIES = 3000


def _queries(text: str) -> int | None:
    if text == "all":
        return None
    try:
        return positive_int(text)
    except argparse.ArgumentTypeError as e:
        raise argparse.ArgumentTypeError(f"{e} (a number of queries, or 'all')") from None


def _train(argv: list[str]) -> int:
    try:
        train = importlib.import_module("demo.train")
    except ModuleNotFoundError as e:
        if e.name in ("demo.train", "demo"):
            raise UserError("lpu demo train: demo/train.py is not installed in this checkout") from None
        raise UserError(f"lpu demo train needs the demo extra (pip install -e '.[demo]'): no module {e.name!r}") \
            from None
    return int(train.main(argv) or 0)


def cmd_demo(args: argparse.Namespace) -> int:
    rest = list(args.rest or [])
    if rest:
        if rest[0] != "train":
            raise UserError(f"lpu demo: unknown argument {rest[0]!r} (the only subcommand is 'train')")
        return _train(rest[1:])
    from compiler.target import make_target
    from demo import dataset, report
    from demo.floatmodel import MissingExtra

    configs = args.config or list(report.CONFIGS)
    targets = [make_target(name) for name in configs]   # an unknown name: one line, before any work
    try:
        data = dataset.load(args.data)
    except dataset.DemoDataError as e:
        raise UserError(str(e)) from None
    for t in targets:
        if t.D < data.emb.D:
            raise UserError(f"lpu demo: configuration '{t.name}' has D = {t.D}, fewer than the boxes' D = "
                            f"{data.emb.D} ({data.source}); it cannot hold them")
    with tempfile.TemporaryDirectory(prefix="lpu-demo-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        try:
            rep = report.run_demo(data, work, configs, rtl=args.rtl, queries=args.queries, jobs=args.jobs,
                                  sample_seed=args.seed)
        except MissingExtra as e:
            raise UserError(str(e)) from None
        except ValueError as e:                      # a configuration with a smaller D than the boxes
            raise UserError(f"lpu demo: {e}") from None
    print(report.summary(rep))
    if args.html:
        from demo.html import write_page

        print(f"page: {write_page(rep, Path(args.html))}")
    bad = report.failures(rep)
    for line in bad:
        print(f"lpu demo: FAILED: {line}")
    return 1 if bad else 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "demo", cmd_demo, "the taxonomy's is-a test queries compiled and run on the LPU (ISS, "
                    "optionally a sample on the RTL) beside the float model; 'lpu demo train' retrains the boxes")
    p.add_argument("--config", action="append", metavar="NAME",
                   help="a named configuration to run on (repeatable; default: default and wide)")
    p.add_argument("--rtl", action="store_true", help="also run a fixed sample of 64 queries on the RTL "
                   "under the testbench (needs Verilator)")
    p.add_argument("--html", type=Path, metavar="DIR", help="write the offline HTML page to DIR/index.html")
    p.add_argument("--data", type=Path, metavar="DIR",
                   help="the directory of mammal_boxes.json and mammal_split.json (default: demo/data)")
    p.add_argument("--work", type=Path, metavar="DIR", help="keep the compiled programs and RTL runs in DIR")
    p.add_argument("--queries", type=_queries, default=DEFAULT_QUERIES, metavar="N|all",
                   help=f"run a fixed, evenly spaced subset of N test queries on the LPU and the float models "
                        f"(default {DEFAULT_QUERIES}, a few minutes; 'all': every test query)")
    p.add_argument("--seed", type=int, metavar="S", help="draw the --queries subset at random with seed S "
                   "instead of evenly spaced (the nightly's demo jobs take a fresh seed each night)")
    p.add_argument("--jobs", type=positive_int, default=os.cpu_count() or 1, metavar="N",
                   help="processes compiling and running the query chunks (default: the CPU count)")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="'train [OPTIONS]': run demo.train with OPTIONS")
