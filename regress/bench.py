"""`lpu bench`: how fast the suite is, each figure next to its baseline measured in the same
run, so that the ratio holds on a noisy machine.

- sim: retired instructions per second through the full pyuvm testbench, and through the
  bare Verilator C++ harness (verif/bare/bare_harness.cpp) on the same programs;
  ratio_vs_bare = testbench / bare.
- golden: ISS instructions per second on the same programs, and a plain Python dispatch
  loop over the same number of instruction words (a table lookup and a call per word: the
  floor of any Python interpreter of this ISA); ratio_vs_loop = ISS / loop.
- closure: retired instructions to 100 % functional coverage, coverage-driven and uniform
  random on the same seeds (verif/closure.py, on the ISS); ratio = random / driven.
- scaling: wall time of the same smoke run at -j 1 and -j 2; speedup = j1 / j2.
- hardware: EX cycles per box operation and per whole-box load/store as D and LANES vary (the
  spec's pipeline timing rules, isa.toml [timing]: back to back, independent ones take that
  many cycles each; the RTL's cycle counter is checked against them at every retirement),
  and, without --quick, Yosys cells, flop bits and longest path of tiny and default next to
  the multi-cycle core's (regress/baseline_multicycle.json).
- pipeline: cycles against the multi-cycle core, prediction accuracy, measured penalties and
  box throughput (regress/bench_pipeline.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from isa_spec import Config, Spec, make_config
from isa_spec.errors import ConfigError
from isa_spec.timing import timing_table

from .bench_pipeline import bench_pipeline
from .bench_pipeline import table as pipeline_table

BARE_SOURCE = Path(__file__).resolve().parent.parent / "verif" / "bare" / "bare_harness.cpp"
MAX_CYCLES = 500_000
_CHECKED = re.compile(r"(\d+) programs, (\d+) retirements checked, \d+ failures, ([\d.]+) s")


@dataclass
class BenchOptions:
    quick: bool
    config: str = "default"
    out: Path = Path("out/bench")
    echo: object = print
    only: tuple[str, ...] = ()      # sections to run (SECTIONS); empty: all

    @property
    def programs(self) -> int:
        return 100 if self.quick else 200


def _programs(spec: Spec, config: Config, n: int):
    from verif.generator import Knobs, generate

    knobs = Knobs.uniform(spec)
    return [generate(spec, config, s, knobs) for s in range(1, n + 1)]


def build_bare(config: Config) -> Path:
    """The bare harness linked with this configuration's Verilog (rebuilt when either changes)."""
    from verif.build import BUILD_ROOT, _locked, config_key, ensure_rtl, setup_verilator

    verilator = setup_verilator()
    rtl = ensure_rtl(config) / "lpu_top.v"
    d = BUILD_ROOT / config_key(config) / "bare"
    exe = d / "bare_harness"
    with _locked(d.parent / ".bare.lock"):
        if exe.exists() and exe.stat().st_mtime > max(rtl.stat().st_mtime, BARE_SOURCE.stat().st_mtime):
            return exe
        cmd = [str(verilator), "--cc", "--exe", "--build", "-O3", "--default-language", "1364-2005", "-Wno-fatal",
               "--top-module", "lpu_top", "-Mdir", str(d), "-o", "bare_harness", "-j", str(os.cpu_count() or 1),
               str(rtl), str(BARE_SOURCE)]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0 or not exe.exists():
            raise RuntimeError(f"building the bare harness failed:\n{p.stderr[-3000:]}")
    return exe


def bench_sim(spec: Spec, config: Config, name: str, progs, work: Path) -> dict:
    from verif.simulate import SimRequest, simulate

    words = config["DMEM_WORDS"]
    listing = work / "programs.txt"
    with open(listing, "w") as fh:
        for g in progs:
            data = [v & 0xFFFFFFFF for v in g.data] + [0] * (words - len(g.data))
            fh.write(f"P {len(g.text)} {len(data)} {MAX_CYCLES}\n")
            fh.write("\n".join(f"{w & 0xFFFFFFFF:08x}" for w in g.text + data) + "\n")
    exe = build_bare(config)
    runs = []
    for _ in range(3):   # the ceiling: the fastest of three (the loop takes a few tens of ms)
        t0 = time.monotonic()
        out = subprocess.run([str(exe), str(listing)], capture_output=True, text=True, check=True).stdout
        f = dict(zip(out.split()[::2], out.split()[1::2], strict=True))
        runs.append((float(f["seconds"]), time.monotonic() - t0, f))
    bare_s, bare_wall, f = min(runs, key=lambda r: r[0])
    bare_retired = int(f["retired"])
    simulate(SimRequest(config=config, config_name=name, overrides={}, test="random", test_dir=work / "warm",
                        seed=1, count=1))   # the build, outside the timing
    r = simulate(SimRequest(config=config, config_name=name, overrides={}, test="random", test_dir=work / "tb",
                            seed=progs[0].seed, count=len(progs)))
    if not r.passed:
        raise RuntimeError(f"the testbench run failed: {r.failure}")
    m = _CHECKED.search((work / "tb" / "sim.log").read_text())
    tb_retired, tb_s = int(m.group(2)), float(m.group(3))
    # Throughput is steady state on both sides: from the first program to the last verdict
    # (the test's own clock), and the bare harness's loop (its own clock); start-up apart.
    return {"programs": len(progs), "retired_tb": tb_retired, "retired_bare": bare_retired,
            "cycles_bare": int(f["cycles"]), "tb_seconds": round(tb_s, 3), "bare_seconds": round(bare_s, 4),
            "tb_startup_seconds": round(r.seconds - tb_s, 2), "bare_startup_seconds": round(bare_wall - bare_s, 3),
            "tb_instr_per_s": round(tb_retired / tb_s, 1), "bare_instr_per_s": round(bare_retired / bare_s, 1),
            "ratio_vs_bare": (tb_retired / tb_s) / (bare_retired / bare_s)}


def bench_golden(spec: Spec, config: Config, progs) -> dict:
    from golden_model import Iss

    t0 = time.perf_counter()
    steps = 0
    for g in progs:
        iss = Iss(config, spec)
        iss.load_program(g.text, g.data)
        iss.run(MAX_CYCLES)
        steps += iss.order
    iss_s = time.perf_counter() - t0
    # the baseline: one table lookup (on the spec's opcode field) and one call per word
    (msb, lsb), = spec.fields["opcode"].slices
    mask = (1 << (msb - lsb + 1)) - 1
    table = [lambda acc, w, k=k: (acc + w + k) & 0xFFFFFFFF for k in range(mask + 1)]
    words = [w for g in progs for w in g.text]
    t0 = time.perf_counter()
    acc, done = 0, 0
    while done < steps:
        for w in words[: steps - done]:
            acc = table[(w >> lsb) & mask](acc, w)
        done += min(len(words), steps - done)
    loop_s = time.perf_counter() - t0
    return {"instructions": steps, "iss_instr_per_s": round(steps / iss_s, 1),
            "loop_instr_per_s": round(steps / loop_s, 1), "ratio_vs_loop": (steps / iss_s) / (steps / loop_s)}


def bench_closure(spec: Spec, config: Config, quick: bool) -> dict:
    from verif.closure import compare

    seeds = (1,) if quick else (1, 2, 3)
    budget = 150_000 if quick else 400_000
    rows = []
    for s in seeds:
        driven, rand, ratio = compare(spec, config, s, budget)
        rows.append({"seed": s, "driven": driven.retired_to_full, "random": rand.retired_to_full,
                     "random_reached_full": rand.retired_to_full is not None, "ratio": ratio})
    valid = [r["ratio"] for r in rows if r["ratio"]]
    return {"seeds": rows, "budget": budget, "ratio": sum(valid) / len(valid) if valid else None}


def bench_scaling(quick: bool, echo) -> dict:
    from .runner import RunOptions, execute

    seeds = 6 if quick else 20
    out = {}
    with tempfile.TemporaryDirectory(prefix="lpu-bench-") as tmp:
        for j in (1, 2):
            opts = RunOptions(suite="smoke", configs=["tiny"], seeds=seeds, jobs=j, out=Path(tmp) / f"j{j}",
                              report=False, echo=lambda *a, **k: None)
            with contextlib.redirect_stdout(sys.stderr):   # its progress lines: stdout may be --json
                o = execute(opts)
            if o.status != "passed":
                raise RuntimeError(f"the smoke run at -j {j} did not pass ({o.status})")
            out[f"j{j}_seconds"] = round(o.seconds, 2)
            echo(f"  smoke on tiny, {seeds} seeds, -j {j}: {o.seconds:.1f} s")
    out["tests"] = 2 + seeds
    out["speedup"] = out["j1_seconds"] / out["j2_seconds"]
    return out


def bench_hardware(spec: Spec, quick: bool, echo) -> dict:
    grid = []
    for d in (1, 2, 4, 8, 16, 32, 64):
        for lanes in (1, 2, 4, 8, 16):
            try:
                c = make_config(spec, "default", {"D": d, "LANES": lanes})
            except ConfigError:
                continue   # not a legal pair (LANES must divide D, ...)
            ex = timing_table(spec, c).ex_cycles
            grid.append({"D": d, "LANES": lanes, "box_op": ex["bint"], "lbx": ex["lbx"], "sbx": ex["sbx"]})
    out: dict = {"latency": grid, "yosys": {}}
    if not quick:
        from verif.build import synth_path_figures

        from .baseline import load_baseline

        base = load_baseline()["configs"]
        for name in ("tiny", "default"):
            c = make_config(spec, name)
            with tempfile.TemporaryDirectory(prefix="lpu-synth-") as tmp:
                s = synth_path_figures(c, Path(tmp))
            row = {"cells": s.cells, "flops": s.flops, "latches": s.latches, "ltp": s.ltp}
            then = base.get(name, {}).get("synth")
            if then:
                row["multicycle"] = {k: then[k] for k in ("cells", "flops", "latches", "ltp")}
                row["ltp_ratio"] = then["ltp"] / s.ltp if then.get("ltp") else None
            out["yosys"][name] = row
            echo(f"  yosys {name}: {s.cells} cells, {s.flops} flop bits, longest path {s.ltp} cells")
    return out


SECTIONS = ("sim", "golden", "closure", "scaling", "hardware", "pipeline", "compiler")


def run_bench(spec: Spec, opts: BenchOptions) -> dict:
    from .bench_compiler import bench_compiler

    echo = opts.echo
    config = make_config(spec, opts.config)
    work = Path(opts.out).resolve()
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"config": opts.config, "quick": opts.quick, "cpus": os.cpu_count()}
    want = set(opts.only or SECTIONS)
    progs = _programs(spec, config, opts.programs) if want & {"sim", "golden"} else []
    steps = [
        ("sim", f"sim: {len(progs)} random programs on {opts.config}, testbench vs bare harness ...",
         lambda: bench_sim(spec, config, opts.config, progs, work)),
        ("golden", "golden model ...", lambda: bench_golden(spec, config, progs)),
        ("closure", "closure (coverage-driven vs random, on the ISS) ...",
         lambda: bench_closure(spec, config, opts.quick)),
        ("scaling", "regression scaling (smoke at -j 1 and -j 2) ...", lambda: bench_scaling(opts.quick, echo)),
        ("hardware", "hardware ...", lambda: bench_hardware(spec, opts.quick, echo)),
        ("pipeline", "pipeline (cycles against the multi-cycle baseline, penalties, box throughput) ...",
         lambda: bench_pipeline(spec, opts.quick, echo)),
        ("compiler", "compiler (taxonomy cycles per -O level, passes, spills, compile time) ...",
         lambda: bench_compiler(spec, opts.quick, echo)),
    ]
    for name, what, run in steps:
        if name in want:
            echo(what, flush=True)
            result[name] = run()
    return result


def table(r: dict) -> list[str]:
    from .bench_compiler import table as compiler_table

    lines = [f"{'figure':<44} {'value':>14} {'baseline':>14} {'ratio':>8}"]
    if all(k in r for k in ("sim", "golden", "closure", "scaling", "hardware", "pipeline")):
        lines += _suite_table(r)
    if "compiler" in r:
        lines += compiler_table(r["compiler"])
    return lines


def _suite_table(r: dict) -> list[str]:
    s, g, c, sc = r["sim"], r["golden"], r["closure"], r["scaling"]
    lines = [f"{'RTL sim, retired instr/s (testbench | bare)':<44} {s['tb_instr_per_s']:>14,.0f} "
             f"{s['bare_instr_per_s']:>14,.0f} {s['ratio_vs_bare']:>8.4f}",
             f"{'golden model, instr/s (ISS | Python loop)':<44} {g['iss_instr_per_s']:>14,.0f} "
             f"{g['loop_instr_per_s']:>14,.0f} {g['ratio_vs_loop']:>8.4f}"]
    ratio = f"{c['ratio']:.2f}" if c["ratio"] else "n/a"
    drv = [x["driven"] for x in c["seeds"] if x["driven"]]
    rnd = [x["random"] or c["budget"] for x in c["seeds"]]
    lines.append(f"{'closure, retired instr to 100 % (driven | random)':<44} "
                 f"{(sum(drv) / len(drv)) if drv else float('nan'):>14,.0f} {sum(rnd) / len(rnd):>14,.0f} {ratio:>8}")
    lines.append(f"{'smoke on tiny, seconds (-j 2 | -j 1)':<44} {sc['j2_seconds']:>14.1f} {sc['j1_seconds']:>14.1f} "
                 f"{sc['speedup']:>8.2f}")
    lines.append("cycles per box operation (D x LANES): " + ", ".join(
        f"D{x['D']}/L{x['LANES']}={x['box_op']}" for x in r["hardware"]["latency"]))
    for n, y in r["hardware"]["yosys"].items():
        was = y.get("multicycle")
        lines.append(f"yosys {n}: {y['cells']:,} cells, {y['flops']:,} flop bits, {y['latches']} latches, "
                     f"longest path {y['ltp']} cells"
                     + (f" (multi-cycle core: {was['cells']:,} cells, {was['flops']:,} flop bits, longest path "
                        f"{was['ltp']})" if was else ""))
    return lines + pipeline_table(r["pipeline"])
