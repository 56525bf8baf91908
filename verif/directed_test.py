"""cocotb test: every directed program (spec examples, examples/*.s) on the RTL, run to halt;
every retirement on the trace port and the final architectural state and counters compared
with the golden model. Writes per-program
cycle counts to directed_cycles.json in the test directory."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import cocotb

from golden_model import Iss
from isa_spec import load_spec
from isa_spec.bits import to_s32
from verif.config_env import config_from_env
from verif.harness import ProgramPort
from verif.programs import data_image, directed_programs
from verif.retire import RtlRetire, compare, diff_states


def iss_run(spec, config, prog) -> tuple[dict, list]:
    iss = Iss(config, spec)
    iss.load_program(prog.text, [to_s32(w) for w in prog.data])
    trace: list = []
    iss.run(100_000, on_retire=trace.append)
    snap = iss.state.snapshot()
    snap["dmem"] = list(iss.state.dmem)
    return snap, trace


def diff_traces(model: list, rtl: list, d: int) -> list[str]:
    out = []
    for i, (m, r) in enumerate(zip(model, rtl, strict=False)):
        problems = compare(r, m, d)
        if problems:
            return [f"retirement {i} (pc {m.pc:#x}): " + "; ".join(problems)]
    if len(model) != len(rtl):
        out.append(f"trace length: model {len(model)}, rtl {len(rtl)}")
    return out


@cocotb.test()
async def directed_programs_match_model(dut):
    spec = load_spec()
    config = config_from_env()
    port = ProgramPort(dut, spec, config)
    failures, cycles = [], {}
    only = os.environ.get("LPU_DIRECTED_FILTER")  # a regex on program names, for debugging
    words = config["DMEM_WORDS"]
    for prog in directed_programs(spec, config):
        if only and not re.search(only, prog.name):
            continue
        expected, model_trace = iss_run(spec, config, prog)
        # the model's cycle count follows the documented latencies: twice that is a hang
        limit = 2 * expected["csr"]["cycle"] + 1000
        run = await port.run(prog.text, data_image(prog.data, words), limit)
        if run.timed_out:
            failures.append(f"{prog.name}: no halt within {limit} cycles (the model halts after "
                            f"{expected['csr']['cycle']} cycles)")
            break
        actual = run.state
        rtl_trace = [RtlRetire(port.layout.unpack(r)) for r in run.trace]
        cycles[prog.name] = {"cycles": actual["csr"]["cycle"], "instret": actual["csr"]["instret"]}
        problems = diff_states(expected, actual) + diff_traces(model_trace, rtl_trace, config["D"])
        if problems:
            failures.append(f"{prog.name}: " + "; ".join(problems[:6]))
    Path("directed_cycles.json").write_text(json.dumps(cycles, indent=1))
    assert not failures, f"{len(failures)} directed programs differ from the model:\n" + "\n".join(failures)
