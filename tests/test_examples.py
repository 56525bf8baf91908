"""Every worked example in the spec runs on the ISS and gives its stated result."""

import pytest

from golden_model.examples import run_example
from isa_spec import load_spec

SPEC = load_spec()
EXAMPLES = [(i.name, k, e) for i in SPEC.instructions.values() for k, e in enumerate(i.examples)]


@pytest.mark.parametrize("name, k, example", EXAMPLES, ids=[f"{n}-{k}" for n, k, _ in EXAMPLES])
def test_spec_example(name, k, example):
    assert run_example(example, SPEC) == []


def test_every_instruction_has_an_example():
    assert {n for n, _, _ in EXAMPLES} == set(SPEC.instructions)
