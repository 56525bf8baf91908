"""`lpu ask "QUESTION"`: a plain-English question about the demo's mammal taxonomy,
answered on the LPU (docs/demo.md, section "lpu ask")."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from .argtypes import positive_int
from .errors import UserError
from .registry import Subparsers, add_command


def _open(args: argparse.Namespace, work: Path, exclude: frozenset[str] = frozenset(), cache: Path | None = None):
    try:
        from demo import dataset
        from demo.ask.lm import MissingModel
        from demo.ask.setup import open_asker
        from demo.floatmodel import MissingExtra
        from demo.wordnet import WordNetError
    except ImportError as e:
        raise UserError(f"lpu ask needs the demo and lm extras (pip install -e '.[demo,lm]'): no module {e.name!r}") \
            from None
    try:
        return open_asker(args.config, args.rtl, args.data, cache or args.cache, work, exclude,
                          warn=lambda m: print(m, file=sys.stderr))
    except (dataset.DemoDataError, MissingModel, MissingExtra, WordNetError, ValueError) as e:
        raise UserError(f"lpu ask: {e}") from None


def _show(a, explain: bool) -> str:
    lines = [a.text]
    lines += [f"  matched: {m.note()}" + (f" (via {m.via})" if not m.exact else "") for m in a.matches]
    lines += [f"  {d}" for d in a.details]
    if a.float_probability is not None:
        lines.append(f"  float64 model on the same boxes: P = {a.float_probability:.4f} "
                     f"(log P bound {a.bound:.1e})")
    t = a.timings
    where = "RTL under the testbench (passed)" if a.backend == "rtl" else "ISS"
    lines.append(f"  on the {where}: {a.lpu_programs} LPU program(s), {a.cycles} cycles "
                 f"(est. {t['lpu_est_s'] * 1e6:.1f} us at 500 MHz); host: model {t['model_s']:.2f} s"
                 + (f" (+ {t['model_load_s']:.1f} s loading it)" if "model_load_s" in t else "") + ", "
                 f"compile {t.get('compile_s', 0):.2f} s, ISS {t.get('iss_s', 0):.2f} s"
                 + (f", RTL {t['rtl_s']:.1f} s" if "rtl_s" in t else ""))
    if explain:
        for k, src in enumerate(a.programs):
            lines += ["", f"program {k + 1} of {len(a.programs)} (SLRM):", src.rstrip()]
    return "\n".join(lines)


def _evaluate(args: argparse.Namespace, work: Path) -> int:
    from demo import dataset
    from demo.ask.evaluate import evaluate
    from demo.ask.matcher import default_cache

    base = args.cache or default_cache()
    held = base.with_name(base.stem + "_heldout.npz")      # another index: some lemmas left out

    def opener(exclude: frozenset[str]):
        return _open(args, work, exclude, held if exclude else None)

    test = dataset.load(args.data).test
    sets = evaluate(opener, test, args.count, args.seed, log=lambda m: print(m, file=sys.stderr))
    rows = [r.row() for r in sets]
    if args.json:
        print(json.dumps({"sets": rows, "misses": {r.name: r.wrong for r in sets}}, indent=2))
        return 0
    head = ["set", "questions", "answered", "term match", "end-to-end", "e2e | terms ok", "model s", "compile s",
            "ISS s", "LPU cycles"]
    print("  ".join(f"{h:>14}" for h in head))
    for r in rows:
        cells = [r["set"], r["questions"], r["answered"], f"{r['term_matching_accuracy']:.3f}",
                 f"{r['end_to_end_accuracy']:.3f}", f"{r['accuracy_when_terms_matched']:.3f}", f"{r['model_s']:.3f}",
                 f"{r['compile_s']:.3f}", f"{r['iss_s']:.4f}", f"{r['lpu_cycles']:.0f}"]
        print("  ".join(f"{c:>14}" for c in cells))
    for r in sets:
        for w in r.wrong:
            print(f"  {r.name} miss: {w}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from demo.ask.answer import Unanswerable

    if args.evaluate:
        if args.question is not None:
            raise UserError("lpu ask: --evaluate generates its own questions; give no QUESTION with it")
        with tempfile.TemporaryDirectory(prefix="lpu-ask-") as tmp:
            try:
                return _evaluate(args, Path(args.work) if args.work else Path(tmp))
            except ImportError as e:              # lm.MissingModel: the model is needed, not installed
                raise UserError(f"lpu ask: {e}") from None
    if args.question is None:
        raise UserError("lpu ask: give a QUESTION in quotes, for example: lpu ask \"Is a beagle a kind of carnivore?\"")
    with tempfile.TemporaryDirectory(prefix="lpu-ask-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        asker = _open(args, work)
        try:
            a = asker.ask(args.question)
        except Unanswerable as e:
            if args.json:
                print(json.dumps({"question": args.question, "answered": False, "reason": str(e)}))
            else:
                print(f"cannot answer: {e}")
            return 1
        except RuntimeError as e:                 # an RTL run that failed its testbench
            raise UserError(f"lpu ask: {e}") from None
        except ImportError as e:                  # lm.MissingModel: a term needs the model, not installed
            raise UserError(f"lpu ask: {e}") from None
    if args.json:
        print(json.dumps({"answered": True, **a.to_dict()}, indent=2))
    else:
        print(_show(a, args.explain))
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "ask", cmd_ask, "a plain-English question about the demo's mammal taxonomy, answered on "
                    "the LPU ('Is a beagle a kind of carnivore?', 'Which of A, B or C is a kind of Y?', "
                    "'What is a X?')")
    p.add_argument("question", nargs="?", help="the question, in quotes")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.add_argument("--explain", action="store_true", help="also print the SLRM program(s) it ran")
    p.add_argument("--rtl", action="store_true", help="run on the generated RTL under the testbench (needs Verilator)")
    p.add_argument("--config", default="default", metavar="NAME", help="the LPU configuration (default: default)")
    p.add_argument("--data", type=Path, metavar="DIR", help="the boxes and split (default: demo/data)")
    p.add_argument("--cache", type=Path, metavar="FILE",
                   help="the concept-vector cache (default: ~/.cache/lpu/ask_concepts.npz, or $LPU_CACHE_DIR)")
    p.add_argument("--evaluate", action="store_true", help="answer questions generated from the test split and "
                   "score them against the float oracle (docs/demo.md)")
    p.add_argument("--count", type=positive_int, default=200, metavar="N", help="--evaluate: questions per set (200)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="--evaluate: the sample's seed (0)")
    p.add_argument("--work", type=Path, metavar="DIR", help="keep the compiled programs and RTL runs in DIR")
