"""`lpu gen` and the generated Verilog: illegal parameters are refused, every named
configuration lints clean with Verilator -Wall, the manifest describes the design, and the
tiny configuration synthesizes without latches or multiple drivers."""

import json

import pytest

from isa_spec import load_spec, make_config
from lpu.cli import main
from rtl_gen.lint import lint
from rtl_gen.top import TOP_NAME
from verif.build import ensure_rtl

SPEC = load_spec()


@pytest.mark.parametrize("param, message", [
    ("D=0", "D=0 is outside its legal range [1, 64]"),
    ("LANES=3", "LANES=3 must divide D=8"),
    ("BREGS=3", "BREGS=3 must be a power of two"),
    ("NLT_BITS=10", "NLT_BITS=10 is outside its legal range [11, 12]"),
    ("FOO=1", "unknown parameter 'FOO'"),
    ("D", "--param 'D' is not KEY=VALUE"),
])
def test_gen_refuses_illegal_parameters(param, message, tmp_path, capsys):
    status = main(["gen", "--param", param, "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status != 0
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_gen_refuses_unknown_config(tmp_path, capsys):
    assert main(["gen", "--config", "huge", "-o", str(tmp_path)]) != 0
    assert "unknown configuration 'huge'" in capsys.readouterr().err


@pytest.mark.rtl
@pytest.mark.parametrize("name", ["tiny", "default", "wide"])
def test_named_configuration_lints_clean(name):
    config = make_config(SPEC, name)
    rtl = ensure_rtl(config)
    assert lint(rtl / f"{TOP_NAME}.v", TOP_NAME) == []
    manifest = json.loads((rtl / "manifest.json").read_text())
    assert manifest["top"] == TOP_NAME
    assert manifest["params"] == config.as_dict()
    assert manifest["ports"]["rvfi_bd_lo"] == 32 * config["D"]


@pytest.mark.rtl
def test_gen_cli_writes_verilog_and_manifest_for_an_override(tmp_path, capsys):
    out = tmp_path / "rtl"
    assert main(["gen", "--config", "tiny", "--param", "D=2", "--param", "LANES=2", "-o", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["top"] == "lpu_top" and manifest["params"]["D"] == 2 and manifest["params"]["LANES"] == 2
    text = (out / "lpu_top.v").read_text()
    assert "module lpu_top" in text and "rvfi_valid" in text


@pytest.mark.rtl
def test_tiny_synthesizes_without_latches(tmp_path):
    from rtl_gen.synth import synthesize

    rtl = ensure_rtl(make_config(SPEC, "tiny"))
    st = synthesize(rtl / f"{TOP_NAME}.v", TOP_NAME, tmp_path)
    assert st.latches == 0 and st.problems == []
    assert st.cells > 1000 and st.flops > 500
    assert {"if_stage", "id_stage", "ex_stage", "mw_stage", "box_ops", "box_volume"} <= set(st.per_block), \
        sorted(st.per_block)
