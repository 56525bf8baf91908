"""Merge the coverage of one or more regression runs, per configuration: the functional
coverage files (verif/coverage.py) and the Verilator code coverage files of every test,
plus the closure curve (functional coverage against retired instructions, in the order the
tests finished)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from isa_spec import Config, Spec
from isa_spec.errors import LpuError
from verif.code_coverage import CodeCoverage
from verif.coverage import CoverageModel

from ..codecov_store import COMPACT_NAME, MergedCode
from ..jobs import Job
from ..results import ResultsDB


class CoverageDataError(LpuError, RuntimeError):
    """A run or a coverage file that cannot be used; the message names it."""


@dataclass
class ConfigCoverage:
    config: str
    model: CoverageModel
    code: CodeCoverage | None = None
    tests: int = 0
    curve: list[tuple[int, float]] = field(default_factory=lambda: [(0, 0.0)])
    _summary: dict | None = field(default=None, repr=False)

    @property
    def retired(self) -> int:
        return self.curve[-1][0]

    def code_summary(self) -> dict:
        if self.code is None:
            return {}
        if self._summary is None:
            self._summary = self.code.summary()
        return self._summary

    def code_percent(self, kind: str) -> float | None:
        s = self.code_summary().get(kind)
        return s["percent"] if s else None


@dataclass
class RunCoverage:
    runs: list[int]
    configs: dict[str, ConfigCoverage]
    spec: Spec

    def _pooled(self, kind: str) -> float | None:
        pts = hit = 0
        for c in self.configs.values():
            if kind in (s := c.code_summary()):
                pts += s[kind]["points"]
                hit += s[kind]["hit"]
        return 100.0 * hit / pts if pts else None

    @property
    def functional(self) -> float | None:
        total = sum(c.model.total for c in self.configs.values())
        covered = sum(c.model.covered for c in self.configs.values())
        return 100.0 * covered / total if total else None

    @property
    def line(self) -> float | None:
        return self._pooled("line")

    @property
    def toggle(self) -> float | None:
        return self._pooled("toggle")

    def holes(self) -> list[dict]:
        return [{"config": name, "bin": h, "spec": spec_anchor(h)}
                for name, c in self.configs.items() for h in c.model.holes()]

    def summary(self) -> dict:
        """The JSON summary (`lpu cov report --json`): percentages pooled over the
        configurations (bins or points), each configuration's own, and the holes."""
        def r(x):
            return None if x is None else round(x, 2)
        return {"runs": self.runs, "functional": r(self.functional), "line": r(self.line),
                "toggle": r(self.toggle), "holes": self.holes(),
                "configs": {n: {"functional": r(c.model.percent()), "bins": c.model.total,
                                "covered": c.model.covered, "line": r(c.code_percent("line")),
                                "toggle": r(c.code_percent("toggle")), "tests": c.tests,
                                "retired": c.retired} for n, c in self.configs.items()}}


def spec_anchor(bin_name: str) -> str:
    """The spec entry a bin belongs to, as a report anchor: instruction, trap or predictor."""
    p = bin_name.split("/")
    if p[0] in ("instr", "field", "box", "hazard", "branch"):
        return f"spec-{p[1]}"
    if p[0] == "trap":
        return f"trap-{p[1]}"
    if p[0] == "pred":
        return "spec-predictor"
    return "spec-bins"


def _model_for(spec: Spec, doc: dict, where: Path) -> CoverageModel:
    try:
        return CoverageModel(spec, Config(doc["config"], tuple(sorted(doc["params"].items()))),
                             uarch=bool(doc.get("uarch")))
    except (KeyError, ValueError) as exc:
        raise CoverageDataError(f"{where}: not a usable coverage file ({exc})") from None


def with_uarch(model: CoverageModel) -> CoverageModel:
    """The model with the pipeline's bins added (they follow the architectural ones)."""
    out = CoverageModel(model.spec, model.config, uarch=True)
    out.hits[:len(model.hits)] = model.hits
    out._recount()
    return out


def collect_runs(db: ResultsDB, run_ids: list[int], spec: Spec) -> RunCoverage:
    configs: dict[str, ConfigCoverage] = {}
    code: dict[str, list[CodeCoverage]] = {}
    compact: dict[str, MergedCode] = {}
    for run_id in run_ids:
        run = db.run(run_id)
        if run is None:
            raise CoverageDataError(f"{db.path}: no run {run_id}")
        if not run["out_dir"]:
            raise CoverageDataError(f"{db.path}: run {run_id} has no output directory recorded")
        tests = Path(run["out_dir"]) / "tests"
        for row in db.results(run_id):
            if not row["job"]:
                continue
            d = tests / Job.from_json(row["job"]).dirname
            f = d / "functional_coverage.json"
            if f.exists():
                doc = json.loads(f.read_text())
                cc = configs.get(row["config"])
                if cc is None:
                    cc = configs[row["config"]] = ConfigCoverage(row["config"], _model_for(spec, doc, f))
                if doc["params"] != cc.model.config.as_dict():
                    raise CoverageDataError(f"{f}: parameters differ from the other {row['config']} tests")
                if doc.get("uarch") and not cc.model.uarch:
                    cc.model = with_uarch(cc.model)
                idx = cc.model.index
                hits = np.zeros_like(cc.model.hits)
                for n, h in doc["hits"].items():
                    if n not in idx:
                        raise CoverageDataError(f"{f}: bin {n} is not in the spec's coverage model")
                    hits[idx[n]] = h
                cc.model.hits += hits
                cc.model._recount()
                cc.tests += 1
                retired = int(sum(h for n, h in doc["hits"].items() if n.startswith("instr/")))
                cc.curve.append((cc.curve[-1][0] + retired, cc.model.percent()))
            if (d / COMPACT_NAME).exists():
                compact.setdefault(row["config"], MergedCode(Path(run["out_dir"]) / "points")).add(d / COMPACT_NAME)
            elif (d / "coverage.dat").exists():
                code.setdefault(row["config"], []).append(CodeCoverage.read(d / "coverage.dat"))
    for name, merged in compact.items():
        if (cc := merged.coverage()) is not None:
            code.setdefault(name, []).append(cc)
    for name, items in code.items():
        if name in configs:
            configs[name].code = CodeCoverage.merge(items)
    return RunCoverage(list(run_ids), configs, spec)
