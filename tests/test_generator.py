"""The constrained-random program generator (verif/generator/) on the ISS."""

import hashlib
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from golden_model import Iss
from golden_model.decode import Decoder
from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble
from verif.coverage import box_classes
from verif.generator import BOX_CLASSES, UNPREDICTED_CSR, Knobs, box_pair, generate, instruction_roles

SPEC = load_spec()
REPO = Path(__file__).resolve().parent.parent
PROGRAMS = 200
STEP_LIMIT = 20_000


def _digest(prog) -> str:
    return hashlib.sha256(prog.asm.encode() + repr((prog.text, prog.data)).encode()).hexdigest()


def test_same_seed_same_program():
    cfg = make_config(SPEC, "default")
    a = generate(SPEC, cfg, 1234, Knobs.uniform(SPEC))
    b = generate(SPEC, cfg, 1234, Knobs.uniform(SPEC))
    assert a.asm == b.asm and a.text == b.text and a.data == b.data and a.seed == 1234


def test_same_seed_same_program_in_another_process():
    """Nothing may depend on set order (string hashing differs between processes)."""
    code = ("from isa_spec import load_spec, make_config\n"
            "from verif.generator import generate, Knobs\n"
            "import hashlib\n"
            "s = load_spec(); p = generate(s, make_config(s, 'default'), 99, Knobs.uniform(s))\n"
            "print(hashlib.sha256(p.asm.encode() + repr((p.text, p.data)).encode()).hexdigest())\n")
    here = _digest(generate(SPEC, make_config(SPEC, "default"), 99, Knobs.uniform(SPEC)))
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True,
                             text=True, check=True)
        assert out.stdout.strip() == here


def test_different_seeds_differ():
    cfg = make_config(SPEC, "tiny")
    digests = {_digest(generate(SPEC, cfg, s, Knobs.uniform(SPEC))) for s in range(20)}
    assert len(digests) == 20


def test_asm_is_the_program():
    """The printed assembly reassembles to exactly the returned text and data."""
    cfg = make_config(SPEC, "wide")
    prog = generate(SPEC, cfg, 5, Knobs.uniform(SPEC))
    again = assemble(prog.asm, spec=SPEC)
    assert again.text == prog.text and again.data == prog.data


@pytest.mark.parametrize("config", ["tiny", "default", "wide"])
def test_random_programs_terminate_within_limits(config):
    cfg = make_config(SPEC, config)
    decoder = Decoder(SPEC, cfg)
    knobs = Knobs.uniform(SPEC)
    retired, traps, longest = Counter(), Counter(), 0
    csr_field = {n: op.field for n, r in instruction_roles(SPEC, cfg).items() if r.csr_read
                 for op in SPEC.instructions[n].operands if op.kind == "csr"}
    for seed in range(PROGRAMS):
        prog = generate(SPEC, cfg, seed, knobs)
        where = f"{config} seed {seed}"
        assert len(prog.text) <= cfg["IMEM_WORDS"] and len(prog.data) <= cfg["DMEM_WORDS"], where
        for i, word in enumerate(prog.text):  # every word is legal for the config unless deliberate
            assert decoder.decode(word) is not None or prog.trap_sites.get(4 * i) == "illegal_instruction" \
                or prog.wrong_path.get(4 * i) == "illegal", \
                f"{where}: word {i} ({word:#010x}) is illegal"
        iss = Iss(cfg, SPEC)
        iss.load_program(prog.text, prog.data)
        records = []
        iss.run(STEP_LIMIT, on_retire=records.append)
        assert iss.state.halted and not iss.state.trapped, where
        longest = max(longest, len(records))
        for rec in records:
            if rec.trap is None:
                retired[rec.name] += 1
                if rec.name in csr_field:  # never the cycle counter
                    assert SPEC.csr_by_number(csr_field[rec.name].extract(rec.word)).name != UNPREDICTED_CSR, where
                continue
            cause = SPEC.trap_by_code(rec.trap).name
            traps[cause] += 1
            assert prog.trap_sites.get(rec.pc) == cause, f"{where}: unplanned {cause} at pc {rec.pc:#x}"
    print(f"\n{config}: {sum(retired.values())} retired, longest program {longest} steps, "
          f"deliberate traps {dict(sorted(traps.items()))}")
    assert set(retired) == set(SPEC.instructions), f"never retired: {set(SPEC.instructions) - set(retired)}"
    assert set(traps) == set(SPEC.traps), f"never raised: {set(SPEC.traps) - set(traps)}"


@pytest.mark.parametrize("overrides", [{"D": 64, "LANES": 1}, {"SREGS": 8, "BREGS": 32, "PRED_ENTRIES": 4096},
                                       {"D": 32, "LANES": 32, "DMEM_WORDS": 128, "IMEM_WORDS": 128}])
def test_unusual_legal_configs(overrides):
    """Box pairs that do not fit data memory, a large box file with few scalar registers."""
    cfg = make_config(SPEC, "tiny", overrides)
    for seed in range(25):
        prog = generate(SPEC, cfg, seed, Knobs.uniform(SPEC))
        assert len(prog.text) <= cfg["IMEM_WORDS"] and len(prog.data) <= cfg["DMEM_WORDS"]
        iss = Iss(cfg, SPEC)
        iss.load_program(prog.text, prog.data)
        records = []
        iss.run(STEP_LIMIT, on_retire=records.append)
        assert iss.state.halted and not iss.state.trapped
        for rec in records:
            if rec.trap is not None:
                assert prog.trap_sites.get(rec.pc) == SPEC.trap_by_code(rec.trap).name, (cfg.name, seed, rec)


@pytest.mark.parametrize("cls", BOX_CLASSES)
def test_box_pairs_have_their_class(cls):
    """The generator's prepared pairs are what the coverage model calls them."""
    rng, fmt = random.Random(3), SPEC.formats["coord"]
    extreme = fmt.max_raw - (fmt.max_raw >> 4)
    for d in (1, 2, 8, 64):
        for _ in range(50):
            la, ha, lb, hb = (np.array(v) for v in box_pair(rng, cls, d, fmt))
            assert cls in box_classes([(la, ha), (lb, hb)], extreme), (cls, d, la, ha, lb, hb)


def test_knobs_steer_generation():
    """Weights are honoured: one instruction weighted up dominates the random items."""
    cfg = make_config(SPEC, "default")
    knobs = Knobs.uniform(SPEC)
    knobs.instr_weights = {n: (50.0 if n == "fmul" else 0.1) for n in SPEC.instructions}
    knobs.hazard_weights = {h: (1.0 if h == "2" else 0.0) for h in knobs.hazard_weights}
    counts = Counter(line.split()[0] for line in generate(SPEC, cfg, 1, knobs).asm.splitlines()
                     if line.startswith("    ") and not line.strip().startswith(("#", ".")))
    assert counts.most_common(1)[0][0] == "fmul"
