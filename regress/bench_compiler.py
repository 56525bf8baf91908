"""`lpu bench` figures of the compiler: cycles of the taxonomy example compiled at each -O
level against the hand-written program, what each pass saves, spills on tiny against
default, and compile time over program size (docs/compiler.md quotes them)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from isa_spec import Spec

from .smoke import EXAMPLES_DIR

CONFIGS = ("tiny", "default", "wide")
TAXONOMY = "taxonomy"


def iss_cycles(target, programs) -> tuple[int, int]:
    """(cycles, retired instructions) of programs run one after the other on the ISS."""
    from golden_model import Iss

    cycles = instret = 0
    for text, data in programs:
        iss = Iss(target.config, target.spec)
        iss.load_program(text, data)
        iss.run(10_000_000)
        cycles += iss.state.csr["cycle"]
        instret += iss.state.csr["instret"]
    return cycles, instret


def _compiled(comp) -> list:
    return [(p.program.text, p.program.data) for p in comp.programs]


def bench_taxonomy(spec: Spec, folder: Path = EXAMPLES_DIR) -> list[dict]:
    from compiler.driver import compile_file
    from compiler.passes.manager import PassOptions
    from compiler.target import make_target
    from isa_spec.assembler import assemble

    hand = assemble((folder / f"{TAXONOMY}.s").read_text(), f"{TAXONOMY}.s", spec=spec)
    rows = []
    for cfg in CONFIGS:
        t = make_target(cfg, spec=spec)
        row = {"config": cfg, "hand": iss_cycles(t, [(hand.text, hand.data)])[0]}
        for level in (0, 1, 2):
            try:
                comp = compile_file(folder / f"{TAXONOMY}.slrm", t, PassOptions(opt=level))
            except Exception as exc:   # a FitError at -O0 on tiny is a figure too
                row[f"O{level}"] = None
                row[f"O{level}_why"] = str(exc)
                continue
            row[f"O{level}"] = iss_cycles(t, _compiled(comp))[0]
            row[f"O{level}_programs"] = len(comp.programs)
            row[f"O{level}_words"] = sum(p.text_words for p in comp.programs)
        row["O2_vs_hand"] = row["O2"] / row["hand"] if row.get("O2") else None
        rows.append(row)
    return rows


def _random_boxes(rng: np.random.Generator, n: int, D: int) -> tuple[np.ndarray, np.ndarray]:
    lo = rng.uniform(-1.0, 1.0, (n, D))
    return lo, lo + rng.uniform(0.2, 1.5, (n, D))


def query_module(n_concepts: int, n_queries: int, D: int, seed: int = 0, live: int = 0):
    """An ast.Module: random concepts, n_queries is_a scores and decisions; `live` > 0 adds
    that many intersections kept live together (they force spills on small box files)."""
    from compiler.errors import Loc
    from compiler.frontend import ast

    rng = np.random.default_rng(seed)
    loc = Loc("<bench>", 1, 1)
    lo, hi = _random_boxes(rng, n_concepts, D)
    names = [f"c{i}" for i in range(n_concepts)]
    body: list = [ast.Temperature(loc, (("beta_i", 0.1, loc), ("beta_v", 0.5, loc)))]
    body += [ast.ConceptDecl(loc, n, ast.BoxLit(loc, tuple(lo[i]), tuple(hi[i]))) for i, n in enumerate(names)]
    pairs = rng.integers(0, n_concepts, (n_queries, 2))
    for q, (a, b) in enumerate(pairs):
        s = ast.Call(loc, "is_a", (ast.Name(loc, names[a]), ast.Name(loc, names[b])))
        body.append(ast.Out(loc, f"score{q}", (), s))
        body.append(ast.Out(loc, f"yes{q}", (), ast.Binary(loc, ">=", s, ast.Num(loc, -1.0, False))))
    for k in range(live):
        body.append(ast.Let(loc, f"m{k}", ast.Binary(loc, "&", ast.Name(loc, names[k % n_concepts]),
                                                     ast.Name(loc, names[(k + 1) % n_concepts]))))
    for k in range(live):
        body.append(ast.Out(loc, f"v{k}", (), ast.Call(loc, "logvol", (ast.Name(loc, f"m{k}"),))))
    return ast.Module("<bench>", tuple(body))


def branchy_module(D: int, n: int = 24, seed: int = 4):
    """n `if`s on probabilities, each side writing a result, marked `likely` or `unlikely` as
    the float reference says they go (a profile that is right: what layout can gain)."""
    from compiler.errors import Loc
    from compiler.frontend import ast
    from golden_model.reference import log_cond_prob

    rng = np.random.default_rng(seed)
    loc = Loc("<bench>", 1, 1)
    lo, hi = _random_boxes(rng, 8, D)
    names = [f"c{i}" for i in range(8)]
    body: list = [ast.ConceptDecl(loc, nm, ast.BoxLit(loc, tuple(lo[i]), tuple(hi[i]))) for i, nm in enumerate(names)]
    for q in range(n):
        a, b = rng.choice(8, 2, replace=False)
        cond = ast.Binary(loc, ">=", ast.Call(loc, "is_a", (ast.Name(loc, names[a]), ast.Name(loc, names[b]))),
                          ast.Num(loc, -2.0, False))
        yes = (ast.Out(loc, f"r{q}", (), ast.Call(loc, "logvol", (ast.Name(loc, names[a]),))),)
        no = (ast.Out(loc, f"r{q}", (), ast.Call(loc, "logvol", (ast.Name(loc, names[b]),))),)
        taken = log_cond_prob(lo[b], hi[b], lo[a], hi[a], 1.0, 1.0) >= -2.0     # is_a(a, b) = log P(b | a)
        body.append(ast.If(loc, cond, yes, no, "then" if taken else "else"))
    return ast.Module("<bench>", tuple(body))


def bench_passes(spec: Spec) -> list[dict]:
    """Cycles and instructions each pass saves: -O2 against -O2 without it, on default."""
    from compiler.driver import compile_file, compile_module
    from compiler.passes.manager import OPTIONAL, PassOptions
    from compiler.target import make_target

    t = make_target("default", spec=spec)
    cases = {TAXONOMY: lambda o: compile_file(EXAMPLES_DIR / f"{TAXONOMY}.slrm", t, o),
             "parents": lambda o: compile_file(EXAMPLES_DIR / "parents.slrm", t, o),
             "branches": lambda o: compile_module(branchy_module(t.D), t, o),
             "queries": lambda o: compile_module(query_module(40, 150, t.D, seed=1, live=12), t, o)}
    rows = []
    for case, make in cases.items():
        full = make(PassOptions(2))
        base_c, base_i = iss_cycles(t, _compiled(full))
        words = sum(p.text_words for p in full.programs)
        for name in OPTIONAL:
            comp = make(PassOptions(2, frozenset({name})))
            c, i = iss_cycles(t, _compiled(comp))
            rows.append({"case": case, "pass": name, "cycles_saved": c - base_c, "instret_saved": i - base_i,
                         "words_saved": sum(p.text_words for p in comp.programs) - words, "cycles_O2": base_c})
    return rows


def bench_spills(spec: Spec) -> list[dict]:
    from compiler.driver import compile_module
    from compiler.passes.manager import PassOptions
    from compiler.target import make_target

    rows = []
    for cfg in ("tiny", "default"):
        t = make_target(cfg, spec=spec)
        comp = compile_module(query_module(6, 0, t.D, seed=2, live=8), t, PassOptions(2))
        ra = [p.stats["regalloc"] for p in comp.programs]
        rows.append({"config": cfg, "BREGS": t.BREGS, "programs": len(comp.programs),
                     "spill_stores": sum(r["spill_stores"] for r in ra), "reloads": sum(r["reloads"] for r in ra),
                     "remats": sum(r["remats"] for r in ra), "cycles": iss_cycles(t, _compiled(comp))[0]})
    return rows


def bench_compile_time(spec: Spec, quick: bool) -> list[dict]:
    from compiler.driver import compile_module
    from compiler.passes.manager import PassOptions
    from compiler.target import make_target

    t = make_target("default", spec=spec)
    sizes = [(100, 1_000), (1_000, 10_000)] if not quick else [(100, 500), (200, 1_000)]
    rows = []
    for n_c, n_q in sizes:
        mod = query_module(n_c, n_q, t.D, seed=3)
        t0 = time.perf_counter()
        comp = compile_module(mod, t)
        dt = time.perf_counter() - t0
        t0 = time.perf_counter()
        compile_module(mod, t, PassOptions(2, verify_each=False))
        dt_end = time.perf_counter() - t0
        rows.append({"concepts": n_c, "queries": n_q, "seconds": dt, "programs": len(comp.programs),
                     "us_per_query": 1e6 * dt / n_q, "seconds_verify_at_end": dt_end})
    if len(rows) == 2:
        rows[1]["linearity"] = (rows[1]["seconds"] / rows[0]["seconds"]) / (rows[1]["queries"] / rows[0]["queries"])
    return rows


def bench_compiler(spec: Spec, quick: bool, echo) -> dict:
    out = {"taxonomy": bench_taxonomy(spec)}
    for r in out["taxonomy"]:
        echo(f"  taxonomy on {r['config']}: hand {r['hand']}, -O0 {r['O0']}, -O1 {r['O1']}, -O2 {r['O2']} cycles")
    out["passes"] = bench_passes(spec)
    out["spills"] = bench_spills(spec)
    out["compile_time"] = bench_compile_time(spec, quick)
    for r in out["compile_time"]:
        echo(f"  compile {r['queries']} queries over {r['concepts']} concepts: {r['seconds']:.2f} s")
    return out


def table(c: dict) -> list[str]:
    lines = ["compiler: taxonomy cycles (hand-written | -O0 | -O1 | -O2; -O2/hand):"]
    for r in c["taxonomy"]:
        ratio = f"{r['O2_vs_hand']:.3f}" if r.get("O2_vs_hand") else "n/a"
        lines.append(f"  {r['config']:<8} {r['hand']:>8} | {r['O0'] or '-':>8} | {r['O1'] or '-':>8} | "
                     f"{r['O2'] or '-':>8}; {ratio}")
    lines.append("compiler: saved by each pass at -O2 on default (cycles, instructions retired, words):")
    for r in c["passes"]:
        lines.append(f"  {r['case']:<9} {r['pass']:<9} {r['cycles_saved']:>7} {r['instret_saved']:>7} "
                     f"{r['words_saved']:>6}")
    for r in c["spills"]:
        lines.append(f"compiler: spills on {r['config']} ({r['BREGS']} box registers): {r['spill_stores']} stores, "
                     f"{r['reloads']} reloads, {r['remats']} concept/constant reloads, {r['cycles']} cycles")
    for r in c["compile_time"]:
        lin = f", linearity {r['linearity']:.2f}" if "linearity" in r else ""
        lines.append(f"compiler: {r['queries']:,} queries over {r['concepts']:,} concepts: {r['seconds']:.2f} s "
                     f"({r['seconds_verify_at_end']:.2f} s verifying only at the end), {r['programs']} programs{lin}")
    return lines
