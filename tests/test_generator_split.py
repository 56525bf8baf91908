"""The generator package gives the programs the single-module generator gave.

tests/data/generator_programs.json was saved from `verif/generator.py` at commit 44e2464 (in 6780020),
before it was split into the package `verif/generator/` (issue 15, item 3): a sha256 per
program (assembly, text words, data image and trap sites) for configs tiny, default and
wide, seeds 0..7 of `generate` under `Knobs.uniform` and seeds 0..2 of `generate_targeted`
with the targets that `verif.targets.plan` makes from a fresh coverage model, plus three
programs in full (FULL: a failure then shows the first differing line). Its expected
values are the old generator's output on purpose: the split is a refactoring, so the same
seeds must give the same programs. The pipeline streams added after the split (issue 15,
item 2), and the knobs added with them, are at their old values here
(`Knobs.before_streams`, also on the planned targets' knobs): so set, the generator must
still draw exactly what it drew before, so that old seeds and knobs keep their programs. A deliberate change of the generator's output (a new
stream, a new knob that draws from the random stream) re-saves it with
`python tests/data/make_generator_programs.py`, and the commit that does so says why.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from isa_spec import Spec, load_spec, make_config
from verif.coverage import CoverageModel
from verif.generator import GeneratedProgram, Knobs, generate, generate_targeted
from verif.targets import plan

FIXTURE = Path(__file__).parent / "data" / "generator_programs.json"
CONFIGS = ("tiny", "default", "wide")
CASES = [f"{c}:uniform:{s}" for c in CONFIGS for s in range(8)] + \
        [f"{c}:targeted:{s}" for c in CONFIGS for s in range(3)]
FULL = ("tiny:uniform:0", "default:uniform:0", "default:targeted:0")  # saved in full


def program(spec: Spec, key: str) -> GeneratedProgram:
    name, kind, seed = key.split(":")
    config, base = make_config(spec, name), Knobs.uniform(spec).before_streams()
    if kind == "uniform":
        return generate(spec, config, int(seed), base)
    targets = [replace(t, knobs=t.knobs.before_streams())
               for t in plan(CoverageModel(spec, config), base, random.Random(int(seed)))]
    return generate_targeted(spec, config, int(seed), targets, base)


def digest(p: GeneratedProgram) -> str:
    blob = json.dumps([p.asm, p.text, p.data, sorted(p.trap_sites.items()), p.seed, p.config])
    return hashlib.sha256(blob.encode()).hexdigest()


SPEC = load_spec()
SAVED = json.loads(FIXTURE.read_text()) if FIXTURE.exists() else {"programs": {}, "full": {}}


def test_the_fixture_covers_every_case():
    assert sorted(SAVED["programs"]) == sorted(CASES)


@pytest.mark.parametrize("key", CASES)
def test_same_seed_same_program_as_before_the_split(key):
    p = program(SPEC, key)
    if key in SAVED["full"]:  # the first differing line, not only a different digest
        assert p.asm.splitlines() == SAVED["full"][key].splitlines()
    assert digest(p) == SAVED["programs"][key]
