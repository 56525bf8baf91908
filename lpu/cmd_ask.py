"""`lpu ask "QUESTION"`: a plain-English question about the demo's mammal taxonomy,
answered on the LPU (docs/demo.md, section "lpu ask")."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from .errors import UserError
from .registry import Subparsers, add_command


def _open(args: argparse.Namespace, work: Path):
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
        return open_asker(args.config, args.rtl, args.data, args.cache, work,
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
                 f"(est. {t['lpu_est_s'] * 1e6:.1f} us at 500 MHz); host: model {t['model_s']:.2f} s, "
                 f"compile {t.get('compile_s', 0):.2f} s, ISS {t.get('iss_s', 0):.2f} s"
                 + (f", RTL {t['rtl_s']:.1f} s" if "rtl_s" in t else ""))
    if explain:
        for k, src in enumerate(a.programs):
            lines += ["", f"program {k + 1} of {len(a.programs)} (SLRM):", src.rstrip()]
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    from demo.ask.answer import Unanswerable

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
    if args.json:
        print(json.dumps({"answered": True, **a.to_dict()}, indent=2))
    else:
        print(_show(a, args.explain))
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "ask", cmd_ask, "a plain-English question about the demo's mammal taxonomy, answered on "
                    "the LPU ('Is a beagle a kind of carnivore?', 'Which of A, B or C is a kind of Y?', "
                    "'What is a X?')")
    p.add_argument("question", help="the question, in quotes")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.add_argument("--explain", action="store_true", help="also print the SLRM program(s) it ran")
    p.add_argument("--rtl", action="store_true", help="run on the generated RTL under the testbench (needs Verilator)")
    p.add_argument("--config", default="default", metavar="NAME", help="the LPU configuration (default: default)")
    p.add_argument("--data", type=Path, metavar="DIR", help="the boxes and split (default: demo/data)")
    p.add_argument("--cache", type=Path, metavar="FILE",
                   help="the concept-vector cache (default: ~/.cache/lpu/ask_concepts.npz, or $LPU_CACHE_DIR)")
    p.add_argument("--work", type=Path, metavar="DIR", help="keep the compiled programs and RTL runs in DIR")
