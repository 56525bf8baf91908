"""The example programs on the ISS, checked against the float reference and common sense."""

from pathlib import Path

import numpy as np
import pytest

from golden_model import Iss
from golden_model import reference as R
from golden_model.bounds import log_cond_prob_bound
from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble

SPEC = load_spec()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
Q = 65536.0
# The taxonomy's intended meaning (dog and bird are animals, everything is an entity ...).
COMMON_SENSE = [1, 1, 1, 0, 0, 0, 0, 1]


@pytest.mark.parametrize("config", ["tiny", "default", "wide"])
def test_taxonomy_answers_match_reference(config):
    prog = assemble((EXAMPLES / "taxonomy.s").read_text(), "examples/taxonomy.s")
    cfg = make_config(SPEC, config)
    iss = Iss(cfg, SPEC)
    iss.load_program(prog.text, prog.data)
    iss.run(200_000)
    assert iss.state.halted and not iss.state.trapped
    d, sym, data = cfg["D"], prog.symbols, prog.data
    concepts = np.array(data[sym["concepts"] // 4: sym["queries"] // 4]).reshape(-1, 2) / Q
    q = sym["queries"] // 4
    queries = []
    while data[q] >= 0:
        queries.append((data[q], data[q + 1]))
        q += 2
    beta = iss.state.csr["beta_i"] / 2 ** 24
    answers = iss.state.dmem[sym["answers"] // 4: sym["answers"] // 4 + len(queries)]
    scores = iss.state.dmem[sym["scores"] // 4: sym["scores"] // 4 + len(queries)]
    expected = []
    for k, (child, parent) in enumerate(queries):
        box = {i: (np.full(d, concepts[i][0]), np.full(d, concepts[i][1])) for i in (child, parent)}
        ref = R.log_cond_prob(*box[parent], *box[child], beta, beta)
        bound = log_cond_prob_bound(SPEC, *box[parent], *box[child], beta, beta)
        assert abs(scores[k] / Q - ref) <= bound, f"query {k}: {scores[k] / Q} vs {ref}"
        expected.append(int(ref >= -0.5))
    assert answers == expected
    assert answers == COMMON_SENSE
