"""The whole demo, measured: float models, the LPU on the ISS per configuration, the RTL
sample, timings; and the summary table as text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from compiler.target import make_target

from . import floatmodel as fm
from .dataset import DemoData
from .metrics import Disagreement, Prf, agreement, disagreements, prf
from .queries import PaddingEffect, pad, padding_effect
from .run import RTL_SAMPLE, LpuRun, RtlSample, run_all, run_rtl_sample

CLOCK_HZ = 500e6        # the assumed clock of the estimate (not a measured figure)
CONFIGS = ("default", "wide")


@dataclass
class ConfigResult:
    config: str
    D: int
    run: LpuRun
    prf: Prf
    agreement: float                     # LPU decision == float decision (embedding's D)
    disagreements: list[Disagreement]
    padding: PaddingEffect | None
    rtl: RtlSample | None = None
    rtl_prf: Prf | None = None
    threshold: float = 0.0               # the threshold this configuration's programs compare with

    @property
    def cycles_per_query(self) -> float:
        return self.run.cycles_per_query()

    @property
    def queries_per_second(self) -> float:
        """An estimate: CLOCK_HZ / cycles per query (one core, no host overhead)."""
        return CLOCK_HZ / self.cycles_per_query if self.cycles_per_query else 0.0


@dataclass
class DemoReport:
    data: DemoData
    threshold: fm.Threshold
    labels: np.ndarray
    torch_scores: np.ndarray
    numpy_scores: np.ndarray
    torch_prf: Prf
    numpy_prf: Prf
    torch_s_per_query: float
    numpy_s_per_query: float
    configs: list[ConfigResult] = field(default_factory=list)
    rtl_float_prf: Prf | None = None     # the float model on the RTL sample's queries
    all_test: int = 0                    # the split's test queries (data.test may be a subset)
    sample_seed: int | None = None       # the subset's seed (None: evenly spaced)
    all_float_prf: Prf | None = None     # the float model on all of them

    @property
    def float_decisions(self) -> np.ndarray:
        return self.torch_scores >= self.threshold.value


def run_demo(data: DemoData, work_dir: Path, configs: Sequence[str] = CONFIGS, rtl: bool = False,
             seed: int = 0, queries: int | None = None, jobs: int = 1,
             sample_seed: int | None = None) -> DemoReport:
    """The demo; `queries` = N runs a subset of N test queries (evenly spaced over the
    split's order, or drawn with `sample_seed`; every model is measured on that same
    subset, in the split's order), None runs them all."""
    full = data.test
    if queries is not None and queries < len(full):
        if sample_seed is None:
            keep = np.unique(np.linspace(0, len(full) - 1, queries).round().astype(int))
        else:
            keep = np.sort(np.random.default_rng(sample_seed).choice(len(full), queries, replace=False))
        data = replace(data, test=[full[i] for i in keep])
    thr = fm.choose_threshold(data.emb, data.train, seed)
    pairs = [(q.child, q.parent) for q in data.test]
    labels = np.array([q.label for q in data.test], dtype=bool)
    scorer = fm.torch_scorer(data.emb)
    idx = fm._pairs(data.emb, pairs)
    t_scores = scorer(*idx)
    n_scores = fm.numpy_scores(data.emb, pairs)
    rep = DemoReport(data, thr, labels, t_scores, n_scores, prf(t_scores >= thr.value, labels),
                     prf(n_scores >= thr.value, labels),
                     fm.seconds_per_query(lambda: scorer(*idx), len(pairs)),
                     fm.seconds_per_query(lambda: fm._np_is_a(data.emb, *idx), len(pairs)))
    rep.all_test, rep.sample_seed = len(full), sample_seed
    if len(full) != len(data.test):
        all_pairs = [(q.child, q.parent) for q in full]
        rep.all_float_prf = prf(scorer(*fm._pairs(data.emb, all_pairs)) >= thr.value,
                                np.array([q.label for q in full], dtype=bool))
    fdec = rep.float_decisions
    if rtl:
        n = min(RTL_SAMPLE, len(data.test))
        rep.rtl_float_prf = prf(fdec[:n], labels[:n])
    for name in configs:
        target = make_target(name)
        padded = padding_effect(data.emb, pad(data.emb, target.D), pairs) if target.D != data.emb.D else None
        # padding adds one constant to every score: the same shift of the threshold keeps each
        # decision the float model's at the embedding's D
        t_cfg = thr.value + (padded.mean if padded else 0.0)
        r = run_all(data.test, data.emb, name, t_cfg, work_dir / name, jobs)
        res = ConfigResult(name, target.D, r, prf(r.decisions, labels), agreement(r.decisions, fdec),
                           disagreements(t_scores, r.scores, fdec, r.decisions, thr.value, r.bounds, data.test),
                           padded, threshold=t_cfg)
        if rtl:
            sample, srun = run_rtl_sample(data.test, data.emb, target, t_cfg, work_dir / name / "rtl")
            res.rtl = sample
            n = sample.queries
            res.rtl_prf = prf(srun.decisions, labels[:n]) if sample.passed else None
        rep.configs.append(res)
    return rep


def failures(rep: DemoReport) -> list[str]:
    """What makes `lpu demo` (and the nightly's demo jobs) fail: an RTL sample that failed,
    an ISS result the interpreter disagrees with, or a decision that differs from the float
    model's although the float score is farther from the threshold than its error bound."""
    out: list[str] = []
    for c in rep.configs:
        if c.rtl is not None and not c.rtl.passed:
            out.append(f"{c.config}: the RTL sample failed (repro: {c.rtl.repro})")
        out += [f"{c.config}: ISS vs interpreter: {m}" for m in c.run.mismatches]
        out += [f"{c.config}: is_a({x.child}, {x.parent}) decided {x.lpu_decision} against the float model's "
                f"{x.float_decision}, |float - threshold| {x.distance:.2e} > bound {x.bound:.2e}"
                for x in c.disagreements if x.distance > x.bound]
    return out


def _row(cells: Sequence[object], widths: Sequence[int]) -> str:
    pairs = enumerate(zip(cells, widths, strict=True))
    return "  ".join(str(c).ljust(w) if k == 0 else str(c).rjust(w) for k, (c, w) in pairs)


def _prf_cells(p: Prf | None) -> list[str]:
    if p is None:
        return ["-", "-", "-"]
    return [f"{p.precision:.4f}", f"{p.recall:.4f}", f"{p.f1:.4f}"]


def summary(rep: DemoReport) -> str:
    d = rep.data
    npos = int(rep.labels.sum())
    real = not d.emb.meta.get("synthetic")
    lines = [f"LPU demo: {'data' if real else 'SYNTHETIC data'} from {d.source}",
             f"  {len(d.emb)} concepts, D={d.emb.D}, beta_i={d.emb.beta_i:g}, beta_v={d.emb.beta_v:g}; "
             f"{len(d.train)} training edges; {len(d.test)} test queries ({npos} positive, "
             f"{len(d.test) - npos} negative)",
             f"  threshold on log P(parent|child): {rep.threshold.value:.6f} (max F1 {rep.threshold.f1:.4f} on "
             f"{rep.threshold.positives} training edges + {rep.threshold.negatives} sampled negatives, float64 model)",
             ""]
    w = [36, 9, 9, 9, 9]
    lines.append(_row(["model (same test queries)", "precision", "recall", "F1", "agree"], w))
    if rep.all_float_prf is not None:
        how = "evenly spaced" if rep.sample_seed is None else f"drawn at random, --seed {rep.sample_seed}"
        lines.insert(2, f"  measured on a fixed subset of {len(d.test)} of the split's {rep.all_test} test queries "
                        f"({how}; --queries all for every one)")
        lines.append(_row([f"float64 PyTorch, all {rep.all_test} queries", *_prf_cells(rep.all_float_prf), "-"], w))
    lines.append(_row(["float64 PyTorch box-embeddings", *_prf_cells(rep.torch_prf), "-"], w))
    lines.append(_row(["golden_model.reference (numpy)", *_prf_cells(rep.numpy_prf),
                       f"{agreement(rep.numpy_scores >= rep.threshold.value, rep.float_decisions):.2%}"], w))
    for c in rep.configs:
        lines.append(_row([f"LPU ISS, {c.config} (D={c.D})", *_prf_cells(c.prf), f"{c.agreement:.3%}"], w))
    if rep.rtl_float_prf is not None:
        n = min(RTL_SAMPLE, len(d.test))
        lines.append(_row([f"float64, first {n} queries", *_prf_cells(rep.rtl_float_prf), "-"], w))
        for c in rep.configs:
            status = "passed" if c.rtl and c.rtl.passed else "FAILED"
            lines.append(_row([f"LPU RTL, {c.config}, first {n} ({status})", *_prf_cells(c.rtl_prf), "-"], w))
    lines.append("")
    w2 = [36, 12, 10, 12, 16]
    lines.append(_row(["speed", "cycles/query", "programs", "s/query", "queries/s"], w2))
    for c in rep.configs:
        rtl = "" if not c.rtl else (f" (RTL sample: {c.rtl.cycles} cycles, equal)" if c.rtl.passed else " (RTL FAILED)")
        lines.append(_row([f"LPU {c.config} (ISS timing model)", f"{c.cycles_per_query:.1f}", c.run.programs,
                           f"{1 / c.queries_per_second:.2e}" if c.queries_per_second else "-",
                           f"{c.queries_per_second:,.0f} est."], w2) + rtl)
    lines.append(_row(["numpy float64 (batched, best of 5)", "-", "-", f"{rep.numpy_s_per_query:.2e}",
                       f"{1 / rep.numpy_s_per_query:,.0f}"], w2))
    lines.append(_row(["PyTorch float64 (batched, best of 5)", "-", "-", f"{rep.torch_s_per_query:.2e}",
                       f"{1 / rep.torch_s_per_query:,.0f}"], w2))
    lines.append(f"  est. = ESTIMATE: queries/s = {CLOCK_HZ / 1e6:.0f} MHz (assumed clock) / cycles per query; "
                 "one core, programs back to back, no host time")
    for c in rep.configs:
        cmpc = c.run.comparison
        lines.append(f"  {c.config}: ISS vs compiler.interp: {cmpc['agree']} agree, {cmpc['disagree']} disagree, "
                     f"{cmpc['near']} near; max |LPU - float| {np.max(np.abs(c.run.scores - c.run.float_scores)):.2e}, "
                     f"max stated bound {np.max(c.run.bounds):.2e}")
        if c.padding:
            p = c.padding
            lines.append(f"  {c.config}: boxes padded D {p.D_from} -> {p.D_to} with "
                         f"[{p.interval[0]:g}, {p.interval[1]:g}]: "
                         f"max |padded - unpadded| float score {p.max_abs:.3e} (mean shift {p.mean:+.3e}; "
                         f"the programs compare with the threshold shifted by it, {c.threshold:.6f})")
        if c.rtl and not c.rtl.passed:
            lines.append(f"  {c.config}: RTL sample FAILED: {c.rtl.failure.splitlines()[0] if c.rtl.failure else ''}")
            lines.append(f"    repro: {c.rtl.repro}")
        for m in c.run.mismatches:
            lines.append(f"  {c.config}: ISS vs interpreter DISAGREE: {m}")
    for c in rep.configs:
        lines.append(f"  {c.config}: {len(c.disagreements)} decisions differ from the float model"
                     + (":" if c.disagreements else ""))
        for x in c.disagreements:
            lines.append(f"    #{x.index} is_a({x.child}, {x.parent}): float {x.float_score:.6f} LPU {x.lpu_score:.6f} "
                         f"|float - threshold| {x.distance:.2e} bound {x.bound:.2e}")
    return "\n".join(lines)
