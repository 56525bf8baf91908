"""The generator's pipeline streams (verif/generator/chains.py, box_chains.py, loops.py,
wrong_path.py), each alone, on the ISS.

Every property is measured on the ISS's retirement trace, decoded independently of the
generator (golden_model.decode), with the hazard rules read from isa.toml [timing] the way
the timing model reads them (`written_operands`: the operands an instruction writes; its
other register operands are read): distances count retirements between the last write of a
register and its read, as the coverage model and docs/pipeline.md count them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pytest

from golden_model import Iss
from golden_model.decode import Decoded, Decoder
from isa_spec import load_spec, make_config
from isa_spec.timing import timing_table
from verif.generator import SHADOWS, STREAMS, GeneratedProgram, Knobs, generate

SPEC = load_spec()
SEEDS = 30
STEP_LIMIT = 50_000
HORIZON = 4   # the hazard distances the streams aim at: 0..4


def stream_knobs(name: str) -> Knobs:
    k = Knobs.uniform(SPEC)
    k.stream_prob = 1.0
    k.stream_weights = {s: float(s == name) for s in STREAMS}
    return k


@dataclass
class Run:
    prog: GeneratedProgram
    recs: list                      # RetireRecord, in order
    decs: list[Decoded | None]      # each record's decoded word


def run(config: str, stream: str, seeds: int = SEEDS) -> list[Run]:
    cfg = make_config(SPEC, config)
    dec = Decoder(SPEC, cfg)
    out = []
    for seed in range(seeds):
        prog = generate(SPEC, cfg, seed, stream_knobs(stream))
        iss = Iss(cfg, SPEC)
        iss.load_program(prog.text, prog.data)
        recs: list = []
        iss.run(STEP_LIMIT, on_retire=recs.append)
        assert iss.state.halted and not iss.state.trapped, (config, stream, seed)
        out.append(Run(prog, recs, [dec.decode(r.word) if r.trap is None else None for r in recs]))
    return out


def reads(d: Decoded, kind: str = "xreg") -> dict[str, int]:
    """Register operands (of a register file kind) the instruction reads: not written ones."""
    w = timing_table(SPEC, make_config(SPEC, "tiny")).written_operands
    return {op.name: d.ops[op.name] for op in d.ins.operands if op.kind == kind and op.name not in w}


def x_uses(r: Run):
    """(producer record index, consumer record index, operand, distance) of every x read."""
    last: dict[int, int] = {}
    for i, (rec, d) in enumerate(zip(r.recs, r.decs, strict=True)):
        if d is not None:
            for o, reg in reads(d).items():
                if reg != 0 and reg in last:
                    yield last[reg], i, o, i - last[reg] - 1
        if rec.trap is None and rec.x_write and rec.x_write[0] != 0:
            last[rec.x_write[0]] = i


def is_box(d: Decoded) -> bool:
    return any(op.kind == "breg" for op in d.ins.operands)


@pytest.mark.parametrize("config", ["tiny", "default", "wide"])
@pytest.mark.parametrize("stream", STREAMS)
def test_each_stream_alone_halts_with_only_its_planned_traps(config, stream):
    for r in run(config, stream, 4):
        for rec in r.recs:
            if rec.trap is not None:
                assert r.prog.trap_sites.get(rec.pc) == SPEC.trap_by_code(rec.trap).name, (config, stream, rec)
        assert f"# stream {stream}" in r.prog.asm


def test_chains_forward_through_every_x_operand_at_every_distance():
    """Every x source operand of the spec (rs1, rs2, bgecp's threshold in the rd field, ...)
    read at distances 0..4 from an EX-computed producer, by scalar and by box consumers."""
    late = timing_table(SPEC, make_config(SPEC, "default")).late
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)   # (operand, consumer kind) -> distances
    by_ins: dict[tuple[str, str], set[int]] = defaultdict(set)
    for r in run("default", "chain"):
        for p, c, o, dist in x_uses(r):
            if dist <= HORIZON and r.decs[p] is not None and r.decs[p].ins.name not in late:
                d = r.decs[c]
                seen[o, "box" if is_box(d) else "scalar"].add(dist)
                by_ins[d.ins.name, o].add(dist)
    written = timing_table(SPEC, make_config(SPEC, "default")).written_operands
    operands = {op.name for ins in SPEC.instructions.values() for op in ins.operands
                if op.kind == "xreg" and op.name not in written}
    every = set(range(HORIZON + 1))
    for o in operands:
        assert any(seen[o, k] == every for k in ("scalar", "box")), (o, dict(seen))
    assert seen["rs1", "box"] == seen["rs2", "box"] == every      # index / address / value operands
    assert seen["rs1", "scalar"] == seen["rs2", "scalar"] == every
    assert by_ins["bgecp", "rt"] == every                          # the rd-field threshold
    # every x read of every instruction that has one, forwarded back to back
    for ins in SPEC.instructions.values():
        for op in ins.operands:
            if op.kind == "xreg" and op.name not in written:
                assert 0 in by_ins[ins.name, op.name], (ins.name, op.name)


def test_load_and_late_results_are_read_at_every_distance_up_to_late_use():
    t = timing_table(SPEC, make_config(SPEC, "default"))
    writers = {n for n in t.late if any(op.kind == "xreg" and op.name in t.written_operands
                                        for op in SPEC.instructions[n].operands)}
    seen: dict[str, set[int]] = defaultdict(set)
    for stream in ("load_use", "late_use"):
        for r in run("default", stream):
            for p, _c, _o, dist in x_uses(r):
                if r.decs[p] is not None and r.decs[p].ins.name in t.late:
                    seen[r.decs[p].ins.name].add(dist)
    for n in writers:
        assert set(range(t.late_use + 1)) <= seen[n], (n, seen[n])


def test_mem_port_pairs_are_back_to_back():
    """Every mem_port_ex instruction right after every mem_port_mw one (rule 2d)."""
    t = timing_table(SPEC, make_config(SPEC, "default"))
    pairs = set()
    for r in run("default", "mem_port"):
        for a, b in zip(r.recs, r.recs[1:], strict=False):
            if a.name in t.mem_port_mw and b.trap is None and b.name in t.mem_port_ex:
                pairs.add((a.name, b.name))
    assert pairs == {(a, b) for a in t.mem_port_mw for b in t.mem_port_ex}


def test_box_chains_dependent_independent_and_through_a_temperature_write():
    temps = {c.number for c in SPEC.csrs.values() if c.format and c.format.endswith("temp")}
    kinds = set()
    for config in ("tiny", "default"):
        for r in run(config, "box_chain"):
            for i in range(1, len(r.recs)):
                a, b = r.recs[i - 1], r.recs[i]
                if b.trap is not None or not is_box(r.decs[i]):
                    continue
                if a.trap is None and a.b_write:
                    kinds.add("dependent" if a.b_write[0] in reads(r.decs[i], "breg").values() else "independent")
                if i >= 2 and r.recs[i - 2].b_write and any(n in temps for n, _ in a.csr_writes):
                    kinds.add("through_csr")
    assert kinds == {"dependent", "independent", "through_csr"}


@pytest.mark.parametrize("config", ["tiny", "default"])
def test_branchy_loops_mispredict_in_every_counter_state(config):
    p = SPEC.predictor
    states, gecp = set(), False
    for r in run(config, "branchy_loop"):
        for rec in r.recs:
            if rec.branch is not None and rec.branch[0] != rec.branch[1]:
                states.add(rec.branch[2])
                gecp |= rec.name == "bgecp"
    assert states == set(range(1 << p.counter_bits))
    assert gecp


@pytest.mark.parametrize("config", ["tiny", "default"])
def test_wrong_paths_hold_every_kind_behind_a_redirect_and_never_retire(config):
    """Each planned wrong-path instruction sits behind a branch that retired taken while
    predicted not taken, or behind a jalr (always redirected), within the fetch depth, and
    no retirement ever has its pc."""
    t = timing_table(SPEC, make_config(SPEC, config))
    behind = set()
    for r in run(config, "wrong_path"):
        retired = {rec.pc for rec in r.recs}
        assert not retired & set(r.prog.wrong_path), config
        for rec in r.recs:
            redirected = (rec.branch is not None and rec.branch[1] and not rec.branch[0]) or \
                (rec.trap is None and rec.name in t.always_redirect)
            for k in range(1, t.fetch_to_ex + 1):
                kind = r.prog.wrong_path.get(rec.pc + 4 * k)
                if redirected and kind and rec.next_pc > rec.pc + 4 * k:
                    behind.add(kind)
    assert behind == set(SHADOWS)


def test_uniform_programs_mix_in_every_stream():
    cfg = make_config(SPEC, "default")
    text = "".join(generate(SPEC, cfg, s, Knobs.uniform(SPEC)).asm for s in range(20))
    for s in STREAMS:
        assert f"# stream {s}" in text, s
    assert "# stream" not in "".join(generate(SPEC, cfg, s, Knobs.uniform(SPEC).before_streams()).asm
                                     for s in range(5))
