"""Build the Verilator simulator of one configuration once, and reuse it.

Layout: BUILD_ROOT/<config>/rtl (generated Verilog + manifest), BUILD_ROOT/<config>/tb (the
verification wrapper lpu_tb.v, verif/tb_top.py) and BUILD_ROOT/<config>/<flavour>
(one Verilator build per flavour: plain, coverage, waves; any change of build arguments
rebuilds everything, so flavours never share a directory). A file lock makes parallel
workers (pytest-xdist) build each one only once."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from isa_spec import Config
from rtl_gen.generate import generate
from rtl_gen.toolchain import require_sim_tools, setup_verilator
from rtl_gen.top import TOP_NAME
from verif.tb_top import TB_NAME, write_tb

REPO = Path(__file__).resolve().parent.parent


def _default_build_root() -> Path:
    """A checkout builds into its own build/; an installed package (REPO is site-packages,
    perhaps read-only) into the user's cache."""
    if (REPO / "pyproject.toml").exists():
        return REPO / "build"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lpu" / "build"


BUILD_ROOT = Path(os.environ.get("LPU_BUILD_DIR") or _default_build_root())
FLAVOURS = {
    "plain": [],
    # line + toggle (expression coverage trips a Verilator 5.048 internal error on MyHDL output)
    "coverage": ["--coverage-line", "--coverage-toggle"],
    "waves": ["--trace"],
}
# --timing: the verification top generates its own clock (verif/tb_top.py); the wheel does not
# know this compiler's coroutine flag, so it is given here
BASE_ARGS = ["--default-language", "1364-2005", "-Wno-fatal", "-O3", "--timing", "-CFLAGS", "-fcoroutines"]


@dataclass(frozen=True)
class Build:
    config: Config
    flavour: str
    rtl_dir: Path
    sim_dir: Path
    top: str = TB_NAME   # the verification wrapper around TOP_NAME (verif/tb_top.py)


def config_key(config: Config) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", config.name)


def _fingerprint(config: Config) -> str:
    """What the generated Verilog depends on: the generator's and the spec's sources."""
    h = hashlib.sha256(json.dumps(config.as_dict(), sort_keys=True).encode())
    for pkg in ("rtl_gen", "isa_spec"):
        for p in sorted((REPO / pkg).rglob("*")):
            if p.suffix in (".py", ".toml", ".vlt"):
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


@contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_rtl(config: Config, rtl_dir: Path | None = None) -> Path:
    """Generate the configuration's Verilog unless an up-to-date copy exists (or a given
    rtl_dir is to be used as it is)."""
    if rtl_dir is not None:
        rtl_dir = Path(rtl_dir).resolve()
        if not (rtl_dir / f"{TOP_NAME}.v").exists():
            raise FileNotFoundError(f"{rtl_dir}: no {TOP_NAME}.v (expected the output of `lpu gen`)")
        return rtl_dir
    out = BUILD_ROOT / config_key(config) / "rtl"
    stamp = out / "fingerprint"
    fp = _fingerprint(config)
    with _locked(BUILD_ROOT / config_key(config) / ".rtl.lock"):
        if not (stamp.exists() and stamp.read_text() == fp and (out / f"{TOP_NAME}.v").exists()):
            generate(config, out)
            stamp.write_text(fp)
    return out


def synth_stats(config: Config, workdir: Path):
    """Yosys statistics (rtl_gen.synth.SynthStats) of the configuration's generated RTL: the
    regressions reach rtl_gen only through verif (LPU_BRIEF section 8)."""
    from rtl_gen.synth import synthesize

    return synthesize(ensure_rtl(config) / f"{TOP_NAME}.v", TOP_NAME, Path(workdir))


def synth_path_figures(config: Config, workdir: Path):
    """Cells, flop bits, latches and the longest topological path (rtl_gen.synth.PathStats,
    the command of LPU_BRIEF section 10) of the configuration's generated RTL."""
    from rtl_gen.synth import synth_path_stats

    return synth_path_stats(ensure_rtl(config) / f"{TOP_NAME}.v", TOP_NAME, Path(workdir))


def rtl_mismatch(rtl_dir: Path, config: Config) -> str | None:
    """Why a given RTL directory does not fit `config` (its manifest's port widths differ from
    the configuration's, which the verification top is generated from), or None. Without a
    manifest (hand-edited or gate-level Verilog) there is nothing to compare."""
    manifest = Path(rtl_dir) / "manifest.json"
    if not manifest.exists():
        return None
    from isa_spec import load_spec
    from verif.tb_top import port_widths

    try:
        ports = json.loads(manifest.read_text())["ports"]
    except (ValueError, KeyError, TypeError):
        return f"{manifest}: not a manifest written by `lpu gen` (no 'ports')"
    want = port_widths(config, load_spec())
    diff = [f"{n} is {ports.get(n)} bits, {config.name} needs {w}" for n, w in want.items() if ports.get(n) != w]
    if diff:
        return (f"{manifest}: this RTL was generated for other parameters than {config.name}: "
                + "; ".join(diff[:4]))
    return None


def _runner():
    """cocotb's Verilator runner, without its --public-flat-rw: making every signal of the
    design public makes Verilator's model about 9x slower (measured with the bare harness).
    The testbench reaches only the verification top's ports, which lpu_tb.v marks public."""
    from cocotb_tools.runner import Verilator

    class _Runner(Verilator):
        def _build_command(self):
            cmds = super()._build_command()
            cmds[0] = [a for a in cmds[0] if a != "--public-flat-rw"]
            return cmds

    return _Runner()


def build(config: Config, flavour: str = "plain", rtl_dir: Path | None = None) -> Build:
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown build flavour '{flavour}' (known: {', '.join(FLAVOURS)})")

    require_sim_tools()   # a missing make or compiler: one line now, not a build log later
    rtl = ensure_rtl(config, rtl_dir)
    tag = "given_" + hashlib.sha256(str(rtl).encode()).hexdigest()[:8] if rtl_dir else "gen"
    sim_dir = BUILD_ROOT / config_key(config) / f"{flavour}_{tag}"
    with _locked(sim_dir.parent / f".{flavour}_{tag}.lock"):
        from isa_spec import load_spec

        tb = write_tb(load_spec(), config, BUILD_ROOT / config_key(config) / "tb")
        runner = _runner()
        runner.build(sources=[rtl / f"{TOP_NAME}.v", tb], hdl_toplevel=TB_NAME, build_dir=sim_dir,
                     build_args=BASE_ARGS + FLAVOURS[flavour], waves=flavour == "waves",
                     log_file=sim_dir / "build.log")
    return Build(config, flavour, rtl, sim_dir)


def run(b: Build, test_module: str, test_dir: Path, env: dict[str, str], testcase: str | None = None,
        plusargs: list[str] | None = None, seed: int | None = None) -> Path:
    """Run a cocotb test module against a build; return the results XML path."""
    setup_verilator()
    test_dir = Path(test_dir).resolve()
    test_dir.mkdir(parents=True, exist_ok=True)
    results = test_dir / "results.xml"
    if results.exists():
        results.unlink()   # a stale file must not pass for this run's verdict
    runner = _runner()
    try:
        runner.test(test_module=test_module, hdl_toplevel=b.top, hdl_toplevel_lang="verilog", build_dir=b.sim_dir,
                    test_dir=test_dir, results_xml=str(results), extra_env=env, testcase=testcase,
                    plusargs=plusargs or [], waves=b.flavour == "waves", seed=seed,
                    log_file=test_dir / "sim.log")
    except SystemExit as exc:
        # cocotb's runner exits on failing tests (under pytest) or a crashed simulator; the
        # verdict is read from the results file (missing = crashed), so record the code.
        (test_dir / "exit_code").write_text(f"{exc.code}\n")
    return results
