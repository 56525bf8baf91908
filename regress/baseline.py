"""The multi-cycle core's baseline figures (regress/baseline_multicycle.json), recorded
before the pipeline replaced it, so that `lpu bench` can report pipelined / multi-cycle
ratios measured the same way. The file is data: this module loads it (load_baseline),
checks it (problems) and can re-measure the cycle part on the ISS (measure_programs), which
is only meaningful on a commit whose timing model is still the multi-cycle one.

Format (format = FORMAT):

    {
      "format": "lpu-baseline-multicycle/1",
      "core": "multi-cycle",
      "commit": "<40-hex git commit of the core measured>",
      "date": "YYYY-MM-DD",
      "notes": ["..."],
      "yosys": {"version": "<yosys -V>", "command": "<the script around VERILOG and TOP>"},
      "cycles_source": "<how the cycles were obtained>",
      "configs": {
        "<config>": {
          "params": {"D": .., "LANES": .., ...},
          "synth": {"cells": int, "flops": int, "latches": int,
                    "ltp": int | null,          # null: not measured, "ltp_note" says why
                    "seconds": float,            # wall time of the Yosys run
                    "ltp_note": str (optional), "ltp_from" / "ltp_to": the path's ends (optional)},
          "programs": {
            "<program>": {"instructions": int, "cycles": int, "branches": int,
                          "mispred": int, "traps": int}
          },
          "totals": {"instructions": .., "cycles": .., "branches": .., "mispred": .., "traps": ..},
          "synth_note": str,       # only without "synth": why it was not measured
          "synth_estimate": {..}   # optional, without "synth": cheaper word-level figures, not comparable
        }
      }
    }

Program names: "examples/<file>.s" for the example programs, "random/seed<N>" for the
uniform random program of seed N (verif.generator.generate with Knobs.uniform, as a smoke
random job ran it when the baseline was recorded: today with `.before_streams()`, since the
pipeline streams added to Knobs.uniform later change the programs). instructions = the
instret counter at halt (retired, traps excluded), cycles = the cycle counter at halt
(golden_model/timing.py, exact against the multi-cycle RTL's counter), branches / mispred =
the counters of those names, traps = trapping instructions (they cost cycles but do not
count in instret). A config's "synth" is absent when it was not measured (its "synth_note"
says why)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from isa_spec.errors import LpuError

BASELINE_FILE = Path(__file__).resolve().parent / "baseline_multicycle.json"
FORMAT = "lpu-baseline-multicycle/1"
FIGURES = ("instructions", "cycles", "branches", "mispred", "traps")
SYNTH_FIGURES = ("cells", "flops", "latches")
SMOKE_SEEDS = range(1, 21)   # `lpu regress smoke`: seeds 1..20 (seed base 1, 20 seeds), one program each


class BaselineError(LpuError, ValueError):
    """The baseline file is missing or damaged; the message is one line naming the file."""


def load_baseline(path: str | Path = BASELINE_FILE) -> dict:
    """The baseline as a dict (see the module docstring); BaselineError naming the file when
    it is missing, not JSON, of another format, or internally inconsistent."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    bad = problems(data)
    if bad:
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise BaselineError(f"{path}: damaged baseline: {bad[0]}{more}")
    return data


def _count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def problems(data) -> list[str]:
    """Everything wrong with a loaded baseline (empty when it is consistent)."""
    if not isinstance(data, dict):
        return ["the top level is not an object"]
    out = []
    if data.get("format") != FORMAT:
        out.append(f"format is {data.get('format')!r}, expected {FORMAT!r}")
    for key in ("commit", "date", "core", "yosys", "configs"):
        if key not in data:
            out.append(f"no '{key}'")
    commit = data.get("commit", "")
    if not (isinstance(commit, str) and len(commit) == 40 and all(c in "0123456789abcdef" for c in commit)):
        out.append(f"commit {commit!r} is not a 40-hex git commit")
    if not isinstance(data.get("yosys"), dict) or not {"version", "command"} <= set(data["yosys"]):
        out.append("'yosys' needs 'version' and 'command'")
    configs = data.get("configs")
    if not isinstance(configs, dict) or not configs:
        return out + ["'configs' is empty or not an object"]
    for name, c in configs.items():
        if not isinstance(c, dict):
            out.append(f"{name}: not an object")
            continue
        progs = c.get("programs")
        if not isinstance(progs, dict) or not progs:
            out.append(f"{name}: no programs")
            progs = {}
        totals = dict.fromkeys(FIGURES, 0)
        for pname, f in progs.items():
            where = f"{name} {pname}"
            if not isinstance(f, dict) or set(f) != set(FIGURES):
                out.append(f"{where}: figures must be exactly {', '.join(FIGURES)}")
                continue
            if not all(_count(f[k]) for k in FIGURES):
                out.append(f"{where}: a figure is not a count (non-negative integer)")
                continue
            if f["cycles"] < f["instructions"] + f["traps"]:
                out.append(f"{where}: cycles {f['cycles']} < instructions {f['instructions']} + traps {f['traps']}")
            if f["branches"] > f["instructions"]:
                out.append(f"{where}: branches {f['branches']} > instructions {f['instructions']}")
            if f["mispred"] > f["branches"]:
                out.append(f"{where}: mispred {f['mispred']} > branches {f['branches']}")
            for k in FIGURES:
                totals[k] += f[k]
        if progs and c.get("totals") != totals:
            out.append(f"{name}: totals {c.get('totals')} are not the sum of its programs {totals}")
        synth = c.get("synth")
        if synth is None and not c.get("synth_note"):
            out.append(f"{name}: no synth figures and no synth_note says why")
        if synth is not None:
            if not isinstance(synth, dict) or not all(_count(synth.get(k)) for k in SYNTH_FIGURES):
                out.append(f"{name}: synth needs counts {', '.join(SYNTH_FIGURES)}")
            elif synth.get("ltp") is None:
                if not synth.get("ltp_note"):
                    out.append(f"{name}: synth ltp not measured and no ltp_note says why")
            elif not _count(synth["ltp"]) or synth["ltp"] == 0 or synth["ltp"] > synth["cells"]:
                out.append(f"{name}: synth ltp {synth['ltp']!r} is not a path length of 1..cells")
            elif synth["flops"] > synth["cells"]:
                out.append(f"{name}: synth flops {synth['flops']} > cells {synth['cells']}")
    return out


# ---- measuring (the cycle part; the synthesis part is `python -m rtl_gen.synth`) ----

def program_figures(text: list[int], data: list[int], config, spec, max_steps: int = 1_000_000) -> dict:
    """Run one program on the ISS to its halt; its figures (FIGURES)."""
    from golden_model import Iss

    iss = Iss(config, spec)
    iss.load_program(text, data)
    traps = 0

    def count(rec):
        nonlocal traps
        traps += rec.trap is not None

    iss.run(max_steps, on_retire=count)
    csr = iss.state.csr
    return {"instructions": csr["instret"], "cycles": iss.timing.cycles, "branches": csr["branches"],
            "mispred": csr["mispred"], "traps": traps}


def measure_programs(config_name: str, seeds=SMOKE_SEEDS, examples: Path | None = None) -> dict[str, dict]:
    """program -> figures on `config_name`: every examples/*.s that halts, then the random
    program of each seed. An example that does not halt is left out (step limit)."""
    from golden_model.iss import StepLimitExceeded
    from isa_spec import load_spec, make_config
    from isa_spec.assembler import assemble
    from verif.generator import Knobs, generate
    from verif.programs import EXAMPLES_DIR

    spec = load_spec()
    config = make_config(spec, config_name)
    out: dict[str, dict] = {}
    for path in sorted((examples or EXAMPLES_DIR).glob("*.s")):
        prog = assemble(path.read_text(encoding="utf-8"), str(path))
        try:
            out[f"examples/{path.name}"] = program_figures(prog.text, prog.data, config, spec)
        except StepLimitExceeded:
            continue
    knobs = Knobs.uniform(spec).before_streams()   # the baseline's programs: no pipeline streams
    for s in seeds:
        g = generate(spec, config, s, knobs)
        out[f"random/seed{s}"] = program_figures(g.text, g.data, config, spec)
    return out


def totals(programs: dict[str, dict]) -> dict:
    return {k: sum(f[k] for f in programs.values()) for k in FIGURES}


def _git_commit() -> str:
    import subprocess

    proc = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent)
    return proc.stdout.strip()


def _read_or_new(path: Path) -> dict:
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"format": FORMAT, "core": "multi-cycle", "configs": {}}


def _write(path: Path, data: dict) -> None:
    for c in data["configs"].values():
        if "programs" in c:
            c["totals"] = totals(c["programs"])
    order = ("format", "core", "commit", "date", "notes", "yosys", "cycles_source", "configs")
    data = {k: data[k] for k in order if k in data} | {k: v for k, v in data.items() if k not in order}
    text = json.dumps(data, indent=1)
    # one line per innermost object (a program's figures, params, synth): greppable, diffable
    text = re.sub(r"\{\n\s*([^{}]*?)\n\s*\}", lambda m: "{" + re.sub(r"\n\s*", " ", m.group(1)) + "}", text)
    path.write_text(text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Re-measure into the baseline file (the multi-cycle core only):
    `python -m regress.baseline cycles CONFIG...` runs the programs on the ISS;
    `python -m regress.baseline synth CONFIG STATS.json` records the output of
    `python -m rtl_gen.synth VERILOG lpu_top WORKDIR` for CONFIG."""
    import argparse
    import datetime

    from isa_spec import load_spec, make_config

    p = argparse.ArgumentParser(prog="python -m regress.baseline", description=main.__doc__)
    p.add_argument("--file", type=Path, default=BASELINE_FILE)
    p.add_argument("--commit", default=None, help="the commit measured (default: HEAD)")
    sub = p.add_subparsers(dest="what", required=True)
    sub.add_parser("cycles").add_argument("configs", nargs="+")
    s = sub.add_parser("synth")
    s.add_argument("config")
    s.add_argument("stats", type=Path)
    s.add_argument("--ltp-note", default=None, help="ltp not measured: why (records ltp as null)")
    s.add_argument("--ltp-text", type=Path, default=None, help="Yosys's ltp output: records the path's ends")
    args = p.parse_args(argv)
    data = _read_or_new(args.file)
    data["commit"] = args.commit or _git_commit()
    data["date"] = datetime.date.today().isoformat()
    spec = load_spec()
    data.setdefault("yosys", {"version": "(not measured yet)", "command": "(not measured yet)"})
    data.setdefault("notes", [])
    if args.what == "cycles":
        data["cycles_source"] = ("golden_model Iss + golden_model/timing.py (multi-cycle TimingModel), "
                                 "examples/*.s that halt and verif.generator.generate(seed, Knobs.uniform) "
                                 f"for seeds {SMOKE_SEEDS.start}..{SMOKE_SEEDS.stop - 1}")
        for name in args.configs:
            c = data["configs"].setdefault(name, {})
            c["params"] = dict(make_config(spec, name).as_dict())
            c["programs"] = measure_programs(name)
    else:
        st = json.loads(args.stats.read_text(encoding="utf-8"))
        c = data["configs"].setdefault(args.config, {})
        c["params"] = dict(make_config(spec, args.config).as_dict())
        synth = {k: st[k] for k in SYNTH_FIGURES}
        synth["ltp"] = None if args.ltp_note else st["ltp"]
        synth["seconds"] = st.get("seconds")
        if args.ltp_note:
            synth["ltp_note"] = args.ltp_note
        if args.ltp_text and not args.ltp_note:
            nodes = re.findall(r"^\s*\d+: (\S+(?: \[\d+\])?)", args.ltp_text.read_text(), flags=re.M)
            if nodes:
                synth["ltp_from"], synth["ltp_to"] = nodes[0], nodes[-1]
        c["synth"] = synth
        # the script with the file name instead of the path relative to its working directory
        command = re.sub(r"read_verilog -defer \S+;", "read_verilog -defer lpu_top.v;", st["command"])
        data["yosys"] = {"version": st["yosys"], "command": command}
    _write(args.file, data)
    print(f"wrote {args.file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
