"""Convert the LPU to Verilog for one configuration and write its manifest.
Conversion is a function called by the CLI and the test flows, never at import."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from isa_spec import Config, load_spec

from .config import RtlConfig
from .top import TOP_NAME, lpu_top, top_ports

GENERATOR_VERSION = "0.1"


def generate(config: Config, outdir: str | Path) -> dict:
    """Write OUTDIR/lpu_top.v and OUTDIR/manifest.json; return the manifest."""
    spec = load_spec()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    cfg = RtlConfig.from_config(config, spec)
    ports = top_ports(cfg)
    inst = lpu_top(cfg, **ports)
    with warnings.catch_warnings():
        # MyHDL warns about constant wires (undriven by design) and unread intermediates;
        # the Verilator lint gate is the judge of the result.
        warnings.simplefilter("ignore")
        inst.convert(hdl="Verilog", path=str(out), name=TOP_NAME, initial_values=True, testbench=False)
    _blocking_initialisers(out / f"{TOP_NAME}.v")
    manifest = {
        "top": TOP_NAME,
        "verilog": [f"{TOP_NAME}.v"],
        "config": config.name,
        "params": config.as_dict(),
        "isa": {"name": spec.name, "version": spec.version},
        "generator": {"name": "lpu rtl_gen", "version": GENERATOR_VERSION},
        "ports": {name: len(sig) for name, sig in ports.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _blocking_initialisers(verilog: Path) -> None:
    """MyHDL writes memory initialisers (the ROM tables) as non-blocking assignments in
    `initial` blocks; at time 0 a blocking assignment means the same and is what lint
    expects (INITIALDLY), so rewrite them."""
    out, inside = [], False
    for line in verilog.read_text().splitlines(keepends=True):
        if line.startswith("initial begin"):
            inside = True
        elif inside and line.startswith("end"):
            inside = False
        elif inside:
            line = line.replace(" <= ", " = ", 1)
        out.append(line)
    verilog.write_text("".join(out))
