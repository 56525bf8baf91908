"""JUnit XML of a run, written from the results database, so that every launcher (local
pytest-xdist, Slurm) gives CI the same file for the same results.

One <testcase> per test (and per configuration build that did not pass), ordered by
configuration, test and seed; a test that did not pass has a <failure> whose type is its
status (failed, crashed, timeout, killed) and whose text is the message and the command
that reproduces it."""

from __future__ import annotations

import platform
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from .results import ResultsDB, Status


def _case_name(r) -> str:
    return f"{r['config']}/{r['test']}" + (f"/seed{r['seed']}" if r["seed"] is not None else "")


def write_junit(db: ResultsDB, run_id: int, path: Path, suite: str) -> Path:
    rows = [r for r in db.results(run_id) if r["test"] != "build" or r["status"] != Status.PASSED.value]
    rows.sort(key=lambda r: (r["config"], r["test"], -1 if r["seed"] is None else r["seed"]))
    failures = sum(r["status"] != Status.PASSED.value for r in rows)
    seconds = sum(r["duration"] or 0.0 for r in rows)
    run = db.run(run_id)
    started = run["started"] if run is not None else time.time()
    root = ET.Element("testsuites", name=f"lpu-{suite}", tests=str(len(rows)), failures=str(failures),
                      errors="0", time=f"{seconds:.3f}")
    ts = ET.SubElement(root, "testsuite", name=f"lpu-{suite}", tests=str(len(rows)), failures=str(failures),
                       errors="0", skipped="0", time=f"{seconds:.3f}", hostname=platform.node(),
                       timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)))
    for r in rows:
        case = ET.SubElement(ts, "testcase", classname=f"lpu.{suite}.{r['config']}", name=_case_name(r),
                             time=f"{r['duration'] or 0.0:.3f}")
        props = ET.SubElement(case, "properties")
        for key in ("status", "seed", "repro", "log", "waves", "signature"):
            if r[key] not in (None, ""):
                ET.SubElement(props, "property", name=key, value=str(r[key]))
        if r["status"] != Status.PASSED.value:
            fail = ET.SubElement(case, "failure", type=r["status"], message=r["signature"] or r["status"])
            fail.text = (r["message"] or "") + (f"\nreproduce: {r['repro']}" if r["repro"] else "")
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
