"""The pytest plugin that turns a regression plan into pytest items, so that pytest-xdist
spreads the jobs over workers and pytest writes the JUnit XML.

The plan (plan.json, written by regress/runner.py) holds the run number, the results
database, the run directory, the time limit and the jobs. Each item runs its job in a child
process (regress/worker.py) and records the result in the database itself, one transaction
per result, so that nothing finished is lost if the run is killed. In the controlling
process the plugin prints progress instead of pytest's own terminal output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .jobs import Job
from .progress import Progress
from .results import ResultsDB, Status
from .worker import run_job

PLAN_NAME = "plan.json"
_DBS: dict[str, ResultsDB] = {}


def _db(path: str) -> ResultsDB:
    if path not in _DBS:
        _DBS[path] = ResultsDB(path)
    return _DBS[path]


class JobFailed(Exception):
    pass


class JobItem(pytest.Item):
    def __init__(self, *, job: Job, plan: dict, **kw):
        super().__init__(**kw)
        self.job, self.plan = job, plan

    def runtest(self) -> None:
        test_dir = Path(self.plan["run_dir"]) / "tests" / self.job.dirname
        res = run_job(self.job, test_dir, self.plan["timeout"])
        res.job = self.job.to_json()
        _db(self.plan["db"]).record(self.plan["run_id"], res)
        self.user_properties += [("status", res.status.value), ("config", res.config), ("seed", res.seed),
                                 ("repro", res.repro), ("log", res.log)]
        if res.status is not Status.PASSED:
            self.user_properties.append(("signature", res.signature))
            raise JobFailed(f"{res.status.value}: {res.message}\nreproduce: {res.repro}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, JobFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, self.job.id


class PlanFile(pytest.File):
    def collect(self):
        plan = json.loads(self.path.read_text())
        for text in plan["jobs"]:
            job = Job.from_json(json.dumps(text))
            yield JobItem.from_parent(self, name=job.id, job=job, plan=plan)


def pytest_collect_file(parent, file_path):
    if file_path.name == PLAN_NAME:
        return PlanFile.from_parent(parent, path=file_path)
    return None


class ProgressReporter:
    def __init__(self, plan: dict):
        self.progress = Progress(len(plan["jobs"]), expected=plan.get("expected", {}),
                                 workers=plan.get("workers", 1))

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            props = dict(report.user_properties)
            outcome = props.get("status") or report.outcome
            self.progress.update(report.nodeid.split("::")[-1], outcome, report.duration)


def pytest_configure(config):
    if hasattr(config, "workerinput"):
        return   # an xdist worker: the controller reports
    plans = [Path(a) for a in config.args if Path(a).name == PLAN_NAME]
    if plans:
        config.pluginmanager.register(ProgressReporter(json.loads(plans[0].read_text())), "lpu-regress-progress")
