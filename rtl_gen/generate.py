"""Convert the LPU to Verilog for one configuration and write its manifest.
Conversion is a function called by the CLI and the test flows, never at import."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import myhdl._block as _myhdl_block

from isa_spec import Config, load_spec

from .config import RtlConfig
from .execute import require_consistent
from .progress import QUIET, Progress
from .rom_init import convert
from .top import TOP_NAME, lpu_top, top_ports

GENERATOR_VERSION = "0.1"


def shallow(fn):
    """fn() run in a fresh thread, its result returned (its exception raised). MyHDL calls
    inspect.stack() for every block and generator it builds, which costs time in proportion to
    the caller's stack depth: under pytest (and more so in a pytest-xdist worker) elaborating a
    configuration takes 2.5x (and more) the CPU time it takes from the command line. A new
    thread starts with an empty stack. The caller waits for it, so MyHDL's global state is
    used by one thread at a time as before; a daemon thread, so Ctrl-C still ends the program."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the caller, with its traceback
            box["error"] = exc

    t = threading.Thread(target=run, name="myhdl", daemon=True)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def generate(config: Config, outdir: str | Path, progress: Progress = QUIET) -> dict:
    """Write OUTDIR/lpu_top.v and OUTDIR/manifest.json; return the manifest. progress
    reports each step (elaborate, convert, ROM init) with its time. (MyHDL's work runs on a
    shallow stack, see shallow().)"""
    return shallow(lambda: _generate(config, outdir, progress))


def _generate(config: Config, outdir: str | Path, progress: Progress) -> dict:
    require_consistent()  # before any work: an instruction without its unit operation
    # MyHDL names block instances uniquely within the process (myhdl._block._name_set), and the
    # names reach the Verilog (id_stage0_idex_unit): a second generation in one process would
    # get id_stage0_0_idex_unit, and the planted bugs and mutants, which name signals, would
    # not apply. Each design is converted on its own, so its names start afresh.
    _myhdl_block._name_set.clear()
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

