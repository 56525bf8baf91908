"""`lpu mutate`: mutation testing of the testbench.

Each sampled mutant (verif/mutation.py) of one configuration's generated Verilog is built
with Verilator and run against the smoke suite's RTL part for that configuration (all
directed programs, then the smoke's random seeds) with `lpu sim --rtl`, each step in a
child process with a time limit. Outcomes:

    killed       a test failed (the testbench saw the bug)
    timeout      a test did not finish within the limit (a hang: also seen)
    survived     every test passed: the testbench cannot see this change
    equivalent   by construction (the changed signal is read nowhere); not run
    stillborn    the mutant does not build; not counted

The kill rate is (killed + timeout) / (killed + timeout + survived)."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from verif.mutation import Mutant

OUTCOMES = ("killed", "timeout", "survived", "equivalent", "stillborn")


@dataclass
class MutantResult:
    mutant: Mutant
    outcome: str
    by: str = ""          # the test that killed it
    seconds: float = 0.0
    detail: str = ""
    build_seconds: float = 0.0   # its own Verilator build (0: it shared the schemata build)


def _sim(config: str, rtl: Path, out: Path, args: list[str], timeout: float) -> tuple[str, str]:
    cmd = [sys.executable, "-m", "lpu.cli", "sim", *args, "--config", config, "--rtl", str(rtl), "--out", str(out)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    return ("passed" if p.returncode == 0 else "failed"), (p.stdout + p.stderr).strip()


def smoke_budget(config: str, rtl: Path, out: Path, seeds: int, timeout: float,
                 plusargs: tuple[str, ...] = ()) -> tuple[str, str, str]:
    """The smoke budget against one build: (outcome, the test that saw it, its first line);
    outcome killed, timeout or survived."""
    extra = [f"--plusarg={a}" for a in plusargs]
    steps = [("directed", ["--directed"]), ("random", ["--random", "--seed", "1", "--count", str(seeds)])]
    for test, args in steps if seeds else steps[:1]:
        verdict, text = _sim(config, rtl, out / test, args + extra, timeout)
        if verdict != "passed":
            first = next((ln for ln in text.splitlines()
                          if ln.strip() and not ln.startswith(("FAIL", "functional coverage:"))), "")
            return ("timeout" if verdict == "timeout" else "killed"), test, first[:300]
    return "survived", "", ""


def run_mutant(m: Mutant, config_name: str, src: Path, work: Path, seeds: int, timeout: float) -> MutantResult:
    from isa_spec import load_spec, make_config
    from verif.build import build

    t0 = time.monotonic()
    if m.equivalent:
        return MutantResult(m, "equivalent", detail=m.equivalent)
    d = work / f"m{m.id:05d}"
    rtl = d / "rtl"
    m.write(src, rtl)
    b = None
    try:
        b = build(make_config(load_spec(), config_name), "plain", rtl)
    except (Exception, SystemExit) as exc:   # the cocotb runner exits on a failed build
        return MutantResult(m, "stillborn", seconds=time.monotonic() - t0, detail=f"{type(exc).__name__}: {exc}")
    built = time.monotonic() - t0
    try:
        outcome, by, detail = smoke_budget(config_name, rtl, d, seeds, timeout)
        return MutantResult(m, outcome, by=by, seconds=time.monotonic() - t0, detail=detail, build_seconds=built)
    finally:
        if b is not None:
            shutil.rmtree(b.sim_dir, ignore_errors=True)   # ~150 MB per mutant build


def kill_rate(results: list[MutantResult]) -> float | None:
    seen = sum(r.outcome in ("killed", "timeout") for r in results)
    counted = seen + sum(r.outcome == "survived" for r in results)
    return 100.0 * seen / counted if counted else None


def run_mutants(mutants: list[Mutant], config_name: str, src: Path, work: Path, seeds: int, timeout: float,
                jobs: int, echo=print) -> list[MutantResult]:
    results: list[MutantResult] = []
    t0 = time.monotonic()
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx) as pool:
        futures = {pool.submit(run_mutant, m, config_name, src, work, seeds, timeout): m for m in mutants}
        for f in as_completed(futures):
            r = f.result()
            results.append(r)
            done = len(results)
            left = (time.monotonic() - t0) / done * (len(mutants) - done)
            echo(f"[{done:>{len(str(len(mutants)))}}/{len(mutants)}] {r.outcome:<10} {r.mutant.kind:<6} line "
                 f"{r.mutant.line}  ({r.seconds:.0f} s; left ~{left / 60:.0f} min)", flush=True)
    return sorted(results, key=lambda r: r.mutant.line)


def report(results: list[MutantResult], config: str, seed: int, seconds: float, scope: str = "all",
           build: dict | None = None) -> dict:
    counts = {o: sum(r.outcome == o for r in results) for o in OUTCOMES}
    by_kind = {}
    for r in results:
        k = by_kind.setdefault(r.mutant.kind, {o: 0 for o in OUTCOMES})
        k[r.outcome] += 1
    if build is None:   # separate builds: each mutant's own
        built = [r.build_seconds for r in results if r.build_seconds]
        build = {"mode": "separate", "seconds": round(sum(built), 1), "mutants": len(built),
                 "per_mutant": round(sum(built) / len(built), 2) if built else None}
    return {"config": config, "scope": scope, "seed": seed, "mutants": len(results), "counts": counts,
            "by_kind": by_kind, "kill_rate": kill_rate(results), "seconds": round(seconds, 1), "build": build,
            "survivors": [{"id": r.mutant.id, "line": r.mutant.line, "kind": r.mutant.kind, "signal": r.mutant.signal,
                           "old": r.mutant.old.strip(), "new": r.mutant.new.strip()}
                          for r in results if r.outcome == "survived"],
            "results": [{**asdict(r.mutant), "outcome": r.outcome, "by": r.by, "seconds": round(r.seconds, 1),
                         "detail": r.detail} for r in results]}


def format_report(rep: dict, verilog: Path) -> list[str]:
    c = rep["counts"]
    rate = rep["kill_rate"]
    b = rep["build"]
    per = "-" if b["per_mutant"] is None else f"{b['per_mutant']:.1f} s"
    lines = [f"mutation testing of {verilog} ({rep['config']}, scope {rep['scope']}, seed {rep['seed']}): "
             f"{rep['mutants']} mutants in {rep['seconds'] / 60:.1f} min",
             f"  Verilator builds ({b['mode']}): {b['seconds']:.0f} s for {b['mutants']} mutants, {per} per mutant",
             "  " + ", ".join(f"{c[o]} {o}" for o in OUTCOMES),
             f"  kill rate {'n/a' if rate is None else f'{rate:.1f} %'} (killed + timeout over killed + timeout + "
             f"survived; equivalent and stillborn mutants not counted)"]
    for k, v in rep["by_kind"].items():
        lines.append(f"    {k:<7} " + ", ".join(f"{v[o]} {o}" for o in OUTCOMES if v[o]))
    if rep["survivors"]:
        lines.append("surviving mutants (add stimulus or coverage for them):")
        for s in rep["survivors"]:
            lines.append(f"  {verilog.name}:{s['line']} [{s['kind']}] id {s['id']}  {s['old']}")
            lines.append(f"      -> {s['new']}")
    return lines


def write_report(rep: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "mutation.json"
    path.write_text(json.dumps(rep, indent=1))
    return path
