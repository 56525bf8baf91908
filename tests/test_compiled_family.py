"""The compiled test family: random SLRM programs (compiler/randprog.py) are valid and fit,
-O0 and -O2 decide the same on the ISS, the family's files and manifest, the job kind and
its place in the suites, and one compiled job on the tiny RTL."""

from __future__ import annotations

import json
import random
import shlex
from collections import Counter

import pytest

from compiler.driver import compile_module
from compiler.errors import FitError, Loc
from compiler.frontend import ast as A
from compiler.ir import Type
from compiler.passes.manager import PassOptions
from compiler.randprog import random_module
from compiler.target import make_target
from isa_spec import load_spec
from lpu.cli import build_parser
from regress.compiled import compile_family, random_source, results, run_on_iss
from regress.jobs import Job
from regress.suites import COMPILED_PROGRAMS, SMOKE_COMPILED, SUITES, suite_jobs

CONFIG_OF_D = {1: "tiny", 8: "default", 64: "wide"}
SEEDS = range(12)


@pytest.fixture(scope="module")
def targets():
    return {d: make_target(c) for d, c in CONFIG_OF_D.items()}


def _walk(node):
    yield node
    for name in getattr(node, "__dataclass_fields__", {}):
        v = getattr(node, name)
        for x in v if isinstance(v, tuple) else (v,):
            if hasattr(x, "__dataclass_fields__"):
                yield from _walk(x)


def _features(module: A.Module, D: int) -> set[str]:
    out = set()
    for n in _walk(module):
        out.add(type(n).__name__)
        if isinstance(n, A.Binary | A.Unary):
            out.add(f"op {n.op}")
        elif isinstance(n, A.Call):
            out.add(f"call {n.func}")
        elif isinstance(n, A.Reduce):
            out.add(f"reduce {n.func}")
        elif isinstance(n, A.If):
            out.add(f"likely {n.likely}")
            if any(isinstance(s, A.If) for s in n.then + n.orelse):
                out.add("nested if")
        elif isinstance(n, A.Out) and n.index:
            out.add("indexed out")
        elif isinstance(n, A.BoxLit):
            out.add("broadcast box" if len(n.lo) == 1 < D else "vector box")
            if any(a > b for a, b in zip(n.lo, n.hi, strict=True)):
                out.add("inverted box")
    return out


@pytest.mark.parametrize("D", sorted(CONFIG_OF_D))
def test_random_programs_use_every_statement_kind(D):
    seen: set[str] = set()
    for seed in range(60):
        seen |= _features(random_module(random.Random(seed), D, force_spills=seed % 2 == 1), D)
    wanted = {"Temperature", "ConceptDecl", "ListDecl", "ListRef", "Let", "Out", "If", "For", "Reduce",
              "indexed out", "nested if", "likely then", "likely else", "reduce argmax", "reduce max", "op &",
              "op +", "op -", "op and", "op or", "op not", "op <", "op >=", "op ==", "call hard", "call logvol",
              "call logP", "call is_a", "Bool", "inverted box", "vector box" if D == 1 else "broadcast box"}
    assert wanted <= seen, sorted(wanted - seen)


@pytest.mark.parametrize("D", sorted(CONFIG_OF_D))
def test_random_programs_are_valid_and_fit_each_configuration(targets, D):
    t = targets[D]
    fits_O0 = 0
    for seed in SEEDS:
        for spills in (False, True):
            module = random_module(random.Random(seed), D, force_spills=spills)
            compile_module(module, t, PassOptions(opt=2))      # no FitError: every statement fits tiny
            try:
                compile_module(module, t, PassOptions(opt=0))
                fits_O0 += 1
            except FitError:
                assert t.name == "tiny", "-O0 must fit every configuration but tiny"
    assert fits_O0 > 0


def test_the_same_seed_gives_the_same_program_and_other_seeds_others():
    a, b = (random_module(random.Random(5), 8) for _ in range(2))
    assert a == b
    assert len({random_module(random.Random(s), 8) for s in range(10)}) == 10


def test_force_spills_spills_box_registers_on_tiny(targets):
    t = targets[1]
    spilled = Counter()
    for seed in SEEDS:
        for spills in (False, True):
            comp = compile_module(random_module(random.Random(seed), 1, force_spills=spills), t, PassOptions(opt=2))
            spilled[spills] += any(p.stats["regalloc"]["spill_stores"] for p in comp.programs)
    assert spilled[True] >= 0.8 * len(SEEDS) and spilled[True] > spilled[False]


@pytest.mark.parametrize("D", sorted(CONFIG_OF_D))
def test_O0_and_O2_decide_the_same_on_the_iss(targets, D):
    t = targets[D]
    compared = 0
    for seed in SEEDS:
        module = random_module(random.Random(seed), D, force_spills=seed % 2 == 1)
        try:
            c0 = compile_module(module, t, PassOptions(opt=0))
        except FitError:
            continue
        c2 = compile_module(module, t, PassOptions(opt=2))
        assert [(s.name, s.type) for s in c0.outputs] == [(s.name, s.type) for s in c2.outputs]
        (w0, cy0), (w2, cy2) = run_on_iss(c0), run_on_iss(c2)
        for g, slot in enumerate(c0.outputs):
            if slot.type in (Type.BOOL, Type.INDEX):
                assert w0[g] == w2[g], f"seed {seed}: {slot.name} differs between -O0 and -O2"
                compared += 1
        assert cy2 <= cy0
    assert compared >= (1 if D == 1 else len(SEEDS))      # -O0 rarely fits tiny's 64 words


def test_the_family_writes_each_program_and_a_manifest(tmp_path):
    out = tmp_path / "c"
    out.mkdir()
    (out / "stale.s").write_text("halt\n")            # an earlier run's file is not run again
    files = compile_family("default", 4, 3, out)
    assert files == sorted(out.glob("*.s")) and files
    names = [f.name for f in files]
    assert "stale.s" not in names
    assert {"rand0004_O0_p0.s", "rand0004_O2_p0.s", "rand0005_O2_p0.s", "rand0006_O2_p0.s"} <= set(names)
    assert not [n for n in names if n.startswith(("rand0005_O0", "rand0006_O0"))]     # -O0: every 4th seed
    man = json.loads((out / "manifest.json").read_text())
    assert man["config"] == "default" and sorted(p["file"] for p in man["programs"]) == names
    # the manifest's addresses are where the RTL (= the ISS) leaves each result
    t = make_target("default")
    seed = 5
    comp = compile_module(random_source(seed, 0, t), t, PassOptions(opt=2))
    entry = next(p for p in man["programs"] if p["file"] == f"rand{seed:04d}_O2_p0.s")
    assert entry["outputs"] == [{"name": s.name, "type": str(s.type), "slot": i, "address": comp.programs[0].layout.results[i],
                                 "labels": list(s.labels)} for i, s in enumerate(comp.programs[0].outputs)]
    assert (out / entry["file"]).read_text() == comp.programs[0].asm
    values, cycles = results(comp)
    assert cycles > 0 and [v.name for v in values] == [s.name for s in comp.outputs]
    assert any(v.raw is not None for v in values)


def test_tiny_splits_the_family_into_programs_that_fit(tmp_path):
    files = compile_family("tiny", 1, 3, tmp_path)
    man = json.loads((tmp_path / "manifest.json").read_text())
    assert not man["skipped"] and len(files) > 3            # tiny splits each program into several
    assert all(p["text_words"] <= 64 for p in man["programs"])


def test_the_compiled_job_round_trips_and_its_repro_parses():
    job = Job("tiny", "compiled", seed=11, count=3)
    assert Job.from_json(job.to_json()) == job
    assert job.id == "tiny/compiled/seed11"
    assert job.repro() == "lpu sim --compiled --seed 11 --count 3 --config tiny --waves"
    args = build_parser().parse_args(shlex.split(job.repro())[1:])
    assert args.compiled and (args.seed, args.count, args.config, args.waves) == (11, 3, "tiny", True)


def test_the_suites_hold_compiled_jobs():
    spec = load_spec()
    smoke = [j for j in suite_jobs(spec, "smoke", ["tiny", "default"], 20, 1) if j.kind == "compiled"]
    assert [(j.config, j.seed, j.count) for j in smoke] == [("tiny", 1, SMOKE_COMPILED), ("default", 1, SMOKE_COMPILED)]
    for seeds, per_config in ((5, 1), (20, 2), (50, 5)):
        jobs = suite_jobs(spec, "nightly", list(SUITES["nightly"].configs), seeds, 1000)
        for c in SUITES["nightly"].configs:
            mine = [j for j in jobs if j.config == c and j.kind == "compiled"]
            assert len(mine) == per_config and all(j.count == COMPILED_PROGRAMS and j.coverage for j in mine)
            assert mine[0].seed == 1000


def test_asm_directory_runs_every_program_in_sorted_order(tmp_path):
    from verif.uvm.sequences import asm_files

    for n in ("b.s", "a.s", "notes.txt"):
        (tmp_path / n).write_text("halt\n")
    assert asm_files(str(tmp_path)) == [str(tmp_path / "a.s"), str(tmp_path / "b.s")]
    assert asm_files(str(tmp_path / "a.s")) == [str(tmp_path / "a.s")]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="a directory without"):
        asm_files(str(empty))


@pytest.mark.rtl
def test_a_compiled_job_passes_on_the_tiny_rtl(tmp_path):
    from regress.results import Status
    from regress.worker import run_job

    job = Job("tiny", "compiled", seed=1, count=SMOKE_COMPILED)
    res = run_job(job, tmp_path / "t", timeout=900)
    assert res.status is Status.PASSED, res.message
    files = sorted((tmp_path / "t" / "compiled").glob("*.s"))
    assert files
    log = (tmp_path / "t" / "sim.log").read_text()
    assert f"{len(files)} programs" in log and "0 failures" in log


def test_lpu_sim_compiled_runs_the_compiled_folder(monkeypatch, tmp_path, capsys):
    import verif.simulate
    from lpu.cli import main
    from verif.simulate import SimResult

    seen = []

    def fake(req):
        seen.append(req)
        return SimResult(True, "", req.test_dir, req.test_dir / "results.xml", 0.1, req.repro())

    monkeypatch.setattr(verif.simulate, "simulate", fake)
    out = tmp_path / "o"
    assert main(["sim", "--compiled", "--seed", "3", "--count", "2", "--config", "tiny", "--out", str(out)]) == 0
    (req,) = seen
    assert req.test == "asm" and req.asm == out / "compiled" and req.config_name == "tiny"
    assert sorted((out / "compiled").glob("rand0003_O2_p*.s")) and (out / "compiled" / "manifest.json").exists()
    assert "PASS  asm on tiny" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--compiled", "x.s"], "give either --compiled or a FILE, not both"),
    (["--compiled", "--param", "D=4"], "--param: compiled programs are for named configurations"),
    (["--compiled", "--count", "0"], "--count: need at least 1 program"),
])
def test_lpu_sim_compiled_refuses_bad_options_before_any_work(monkeypatch, tmp_path, capsys, argv, message):
    import verif.simulate
    from lpu.cli import main

    monkeypatch.setattr(verif.simulate, "simulate", lambda req: pytest.fail("simulate() was called"))
    assert main(["sim", *argv, "--out", str(tmp_path / "o")]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o" / "compiled").exists()


def test_a_result_may_take_an_operands_register_on_tiny(targets):
    """hard(a, b) with a and b both live after it: tiny's two box registers hold them, so the
    result takes one of them (stored first); it once failed register allocation."""
    loc = Loc("t.slrm", 1, 1)
    a, b = A.Name(loc, "a"), A.Name(loc, "b")
    body = (A.ConceptDecl(loc, "a", A.BoxLit(loc, (0.0,), (1.0,))), A.ConceptDecl(loc, "b", A.BoxLit(loc, (0.5,), (2.0,))),
            A.Out(loc, "p", (), A.Call(loc, "logP", (A.Call(loc, "hard", (a, b)), A.Binary(loc, "&", a, b)))))
    module = A.Module("t.slrm", body)
    t = targets[1]
    w2, _ = run_on_iss(compile_module(module, t, PassOptions(opt=2)))
    w0, _ = run_on_iss(compile_module(module, t, PassOptions(opt=0)))
    assert w2 == w0 and w2[0] != 0x80000000
