"""Convert the LPU to Verilog for one configuration and write its manifest.
Conversion is a function called by the CLI and the test flows, never at import."""

from __future__ import annotations

import json
from pathlib import Path

from isa_spec import Config, load_spec

from .config import RtlConfig
from .execute import require_consistent
from .progress import QUIET, Progress
from .rom_init import convert
from .top import TOP_NAME, lpu_top, top_ports

GENERATOR_VERSION = "0.1"


def generate(config: Config, outdir: str | Path, progress: Progress = QUIET) -> dict:
    """Write OUTDIR/lpu_top.v and OUTDIR/manifest.json; return the manifest. progress
    reports each step (elaborate, convert, ROM init) with its time."""
    require_consistent()  # before any work: an instruction without its unit operation
    spec = load_spec()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    cfg = RtlConfig.from_config(config, spec)
    ports = top_ports(cfg)
    with progress.step("elaborate"):
        inst = lpu_top(cfg, **ports)
    convert(inst, out, TOP_NAME, progress=progress)
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

