"""The fast testbench's pieces without a simulator: the canonical trace record layout, the
state dump, the program checker (inline and in a worker process), stimulus prefetch."""

from __future__ import annotations

import random

import numpy as np
import pytest

from golden_model import Iss
from isa_spec import load_spec, make_config
from verif.checker import CheckerPool, ProgramChecker
from verif.generator import Knobs, generate
from verif.harness import ProgramRun
from verif.prefetch import ProgramPrefetcher
from verif.retire import TRACE_PORTS
from verif.tb_top import dump_sections, parse_state, port_widths, render, trace_layout

SPEC = load_spec()
CONFIGS = ("tiny", "default", "wide")
# trace-port field -> the key of the mismatch report (verif/retire.py views)
VIEW_KEY = {"insn": "word", "halt": "halted", "trap": "trap", "cause": "trap", "rd": "x_write", "bd": "b_write",
            "mem": "mem_writes", "csr": "csr_writes", "br": "branch"}
VIEW_KEY.update({n: VIEW_KEY[n.split("_")[0]] for n in TRACE_PORTS if n.split("_")[0] in ("rd", "bd", "mem", "csr", "br")})



@pytest.mark.parametrize("name", CONFIGS)
def test_layout_fields_tile_the_record_in_trace_port_order(name):
    widths = port_widths(make_config(SPEC, name), SPEC)
    layout = trace_layout(widths)
    assert [n for n, _, _ in layout.fields] == list(TRACE_PORTS)
    top = layout.width
    for n, lsb, w in layout.fields:   # first field in the most significant bits, no gaps
        assert w == widths[f"rvfi_{n}"] and lsb + w == top
        top = lsb
    assert top == 0


@pytest.mark.parametrize("name", CONFIGS)
def test_layout_pack_unpack_round_trip(name):
    layout = trace_layout(port_widths(make_config(SPEC, name), SPEC))
    rng = random.Random(7)
    for _ in range(200):
        values = {n: rng.getrandbits(w) for n, _, w in layout.fields}
        record = layout.pack(values)
        assert layout.unpack(record) == values
        assert record < 1 << layout.width


def _model_run(config, seed: int) -> tuple[object, ProgramRun]:
    g = generate(SPEC, config, seed, Knobs.uniform(SPEC))
    checker = ProgramChecker(SPEC, config, trace_layout(port_widths(config, SPEC)), 100_000)
    iss = Iss(config, SPEC)
    iss.load_program(g.text, g.data)
    records: list = []
    iss.run(100_000, on_retire=records.append)
    state = iss.state.snapshot()
    state["dmem"] = list(iss.state.dmem)
    return g, ProgramRun([checker.expected(r) for r in records], state, 0, False)


def _checker(config):
    return ProgramChecker(SPEC, config, trace_layout(port_widths(config, SPEC)), 100_000)


def test_a_run_equal_to_the_model_passes_and_samples_coverage():
    config = make_config(SPEC, "tiny")
    g, run = _model_run(config, 3)
    r = _checker(config).check(g.text, g.data, run)
    assert r.failure is None and r.retired == len(run.trace) > 0
    assert r.coverage.sum() > 0


def test_every_changed_record_field_fails_and_is_named():
    config = make_config(SPEC, "default")
    g, run = _model_run(config, 5)
    layout = trace_layout(port_widths(config, SPEC))
    rng = random.Random(1)
    for name, lsb, w in layout.fields:
        i = rng.randrange(len(run.trace))
        bad = list(run.trace)
        bad[i] ^= 1 << (lsb + rng.randrange(w))
        r = _checker(config).check(g.text, g.data, ProgramRun(bad, run.state, 0, False))
        assert r.failure is not None and r.retired == i, name
        assert "retirement mismatch" in r.failure
        key = VIEW_KEY.get(name, name)
        # reported as the field that differs, or as the trace-port field when the report's view
        # cannot show it (a valid bit without data, a field whose valid bit is clear)
        assert f"  {key}:" in r.failure or f"  rvfi_{name}: model" in r.failure, (name, r.failure)


def test_final_state_trace_length_and_timeout_are_checked():
    config = make_config(SPEC, "tiny")
    g, run = _model_run(config, 4)
    state = dict(run.state, x=list(run.state["x"]))
    state["x"][3] += 1
    r = _checker(config).check(g.text, g.data, ProgramRun(run.trace, state, 0, False))
    assert r.failure and "x3" in r.failure
    r = _checker(config).check(g.text, g.data, ProgramRun(run.trace[:-1], run.state, 0, False))
    assert r.failure and "has not" in r.failure
    r = _checker(config).check(g.text, g.data, ProgramRun(run.trace, run.state, 0, True))
    assert r.failure and "no halt within" in r.failure


def test_checks_in_a_worker_process_give_the_inline_verdicts_in_order():
    config = make_config(SPEC, "tiny")
    runs = [_model_run(config, s) for s in (1, 2, 3)]
    g, run = runs[1]
    bad = list(run.trace)
    bad[2] ^= 1
    runs[1] = (g, ProgramRun(bad, run.state, 0, False))
    inline, pooled = CheckerPool(_checker(config), 0), CheckerPool(_checker(config), 1)
    try:
        for k, (g, run) in enumerate(runs):
            inline.submit(k, g.text, g.data, run)
            pooled.submit(k, g.text, g.data, run)
        a, b = inline.drain(), pooled.drain()
    finally:
        pooled.close()
    assert [t for t, _ in b] == [0, 1, 2]
    for (_, x), (_, y) in zip(a, b, strict=True):
        assert (x.retired, x.failure) == (y.retired, y.failure)
        assert np.array_equal(x.coverage, y.coverage)
    assert b[1][1].failure and not b[0][1].failure and not b[2][1].failure


@pytest.mark.parametrize("name", ("tiny", "default"))
def test_state_dump_parses_back_to_the_snapshot(name):
    config = make_config(SPEC, name)
    _, run = _model_run(config, 2)
    s = run.state
    by_part = {"x": s["x"], "lo": [v for b in s["boxes"] for v in b["lo"]],
               "hi": [v for b in s["boxes"] for v in b["hi"]], "dmem": s["dmem"],
               "csr": [s["csr"][c.name] for c in SPEC.csrs.values()], "pc": [s["pc"]]}
    words = []
    for part, _, idx in dump_sections(SPEC, config):
        assert len(by_part[part]) == len(idx)
        words += [v & 0xFFFFFFFF for v in by_part[part]]
    got = parse_state(words, SPEC, config)
    for key in ("x", "boxes", "csr", "dmem", "pc"):
        assert got[key] == s[key], key
    with pytest.raises(ValueError, match="state dump"):
        parse_state(words[:-1], SPEC, config)


def test_wrapper_logs_every_trace_field_and_marks_only_its_ports_public():
    text = render(SPEC, make_config(SPEC, "default"))
    for n in TRACE_PORTS:
        assert f"rvfi_{n}" in text
    public = [line for line in text.splitlines() if "verilator public" in line]
    assert public and all("tb_" in line for line in public)


def test_prefetched_programs_are_the_inline_ones():
    config = make_config(SPEC, "tiny")
    knobs = Knobs.uniform(SPEC)
    jobs = [(s, knobs) for s in range(10, 16)]
    pre = ProgramPrefetcher(SPEC, config, ahead=2)
    try:
        got = list(pre.programs(jobs))
    finally:
        pre.close()
    want = [generate(SPEC, config, s, knobs) for s, _ in jobs]
    assert [(g.seed, g.text, g.data, g.asm) for g in got] == [(g.seed, g.text, g.data, g.asm) for g in want]


def test_a_late_retirement_fails_at_its_instruction_with_both_cycles():
    config = make_config(SPEC, "default")
    g, run = _model_run(config, 6)
    layout = trace_layout(port_widths(config, SPEC))
    i = len(run.trace) // 2
    # one extra stall cycle before record i: it and every later record retire a cycle late
    bad = [layout.pack(dict(layout.unpack(r), cycle=layout.unpack(r)["cycle"] + (k >= i)))
           for k, r in enumerate(run.trace)]
    r = _checker(config).check(g.text, g.data, ProgramRun(bad, run.state, 0, False))
    assert r.retired == i and r.failure is not None
    want = layout.unpack(run.trace[i])
    lines = r.failure.splitlines()
    assert lines[1].startswith(f"  instruction: {i} pc {want['pc']:#06x}")
    problems = lines[2:next(k for k, ln in enumerate(lines) if ln.startswith("  last "))]
    assert problems == [f"  cycle: model {want['cycle']}, rtl {want['cycle'] + 1} (the RTL retires 1 cycle late)"]
