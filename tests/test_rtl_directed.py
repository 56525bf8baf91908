"""The generated RTL of each named configuration runs every directed program to halt with
the same final state and counters as the golden model (cocotb on Verilator)."""

import xml.etree.ElementTree as ET

import pytest

from isa_spec import load_spec, make_config
from verif.build import build, run
from verif.config_env import config_env

SPEC = load_spec()


def failures_in(results) -> list[str]:
    root = ET.parse(results).getroot()
    out = []
    for case in root.iter("testcase"):
        for f in list(case.iter("failure")) + list(case.iter("error")):
            out.append(f"{case.get('name')}: {f.get('message', '')}\n{f.text or ''}")
    if not list(root.iter("testcase")):
        out.append("no test case ran")
    return out


@pytest.mark.rtl
@pytest.mark.parametrize("name", ["tiny", "default", "wide"])
def test_directed_programs_on_rtl(name, tmp_path):
    config = make_config(SPEC, name)
    b = build(config)
    results = run(b, "verif.directed_test", tmp_path, config_env(config))
    assert failures_in(results) == []
