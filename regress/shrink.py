"""Failure minimisation: a failing program shrunk to a small reproducer by delta debugging
(regress/ddmin.py) over its instruction statements, keeping the failure signature
(regress/triage.py), each candidate run on the same built RTL (verif/simulate.py reuses the
build: a candidate costs a simulator start, seconds).

The units are the source lines of the text section that hold instructions or words (a
pseudo-instruction such as `li` is one unit of two words). A removed unit is deleted, its
labels kept, so every branch to a label still assembles; the data section is kept as it is.
A candidate is run only when it assembles and the golden model halts on it within a step
limit (twice the original's retirements, plus a margin), so the run budget is spent on
programs that can reproduce the failure. Numeric branch offsets may land elsewhere in a
candidate: that is harmless, as every kept candidate is one that failed the same way."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from golden_model import Iss
from isa_spec import Config, load_spec
from isa_spec.assembler import NAME, AsmError, Program, assemble
from isa_spec.bits import to_s32
from isa_spec.errors import LpuError

from .ddmin import DdminStats, ddmin
from .triage import signature

DEFAULT_RUNS = 60          # candidate simulations per shrink
DEFAULT_SECONDS = 480.0    # and wall time (within the 900 s default limit of a regression job)
STEP_MARGIN = 1000         # model steps allowed beyond twice the original's
_LABELS = re.compile(rf"^\s*(?:{NAME}\s*:\s*)*")
_COMMENT = re.compile(r"[#;]")


class ShrinkError(LpuError, ValueError):
    """The program cannot be shrunk (it does not assemble, or does not fail alone)."""


@dataclass(frozen=True)
class Target:
    """Where candidates run: the configuration and the RTL (None: the configuration's build)."""
    config: Config
    config_name: str
    overrides: dict[str, int] = field(default_factory=dict)
    rtl_dir: Path | None = None
    coverage: bool = False      # the build flavour of the failing run (reused, never rebuilt)
    waves: bool = False

    def repro(self, path: Path) -> str:
        cmd = ["lpu", "sim", str(path), "--config", self.config_name]
        for k, v in sorted(self.overrides.items()):
            cmd += ["--param", f"{k}={v}"]
        if self.rtl_dir:
            cmd += ["--rtl", str(self.rtl_dir)]
        return shlex.join(cmd)


@dataclass
class ShrinkResult:
    signature: str
    before: int              # instruction words of the original program
    after: int               # of the reproducer
    runs: int                # candidate simulations (the original's check included)
    seconds: float
    minimal: bool            # ddmin ran to its end (1-minimal), not stopped by the budget
    path: str                # the reproducer
    repro: str               # its one-line command
    failure: str             # the reproducer's failure report

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)


def units(source: str) -> list[int]:
    """The source lines (0-based) of the text section that assemble to words."""
    prog = assemble(source, "<shrink>")
    return sorted({n - 1 for n in prog.text_lines})


def render(lines: list[str], unit_lines: list[int], kept: set[int]) -> str:
    """The source with the units not in `kept` deleted (their labels stay)."""
    dropped = set(unit_lines) - kept
    out = []
    for i, ln in enumerate(lines):
        if i in dropped:
            label = _LABELS.match(ln).group(0).strip()
            if label:
                out.append(label)
        else:
            out.append(ln)
    return "\n".join(out) + "\n"


def tidy(source: str) -> str:
    """The source without comments and blank lines in its text section and without labels
    nothing refers to, when that assembles to the same words (else the source itself)."""
    lines = source.splitlines()
    code = [_COMMENT.split(ln, maxsplit=1)[0].rstrip() for ln in lines]
    body = "\n".join(_LABELS.sub("", c) for c in code)
    used = set(re.findall(NAME, body))
    out, text = [], True
    for raw, c in zip(lines, code, strict=True):
        if c.strip().startswith(".data"):
            text = False
        if not text:
            out.append(raw)
            continue
        labels = [lb for lb in re.findall(rf"({NAME})\s*:", _LABELS.match(c).group(0)) if lb in used]
        rest = c[_LABELS.match(c).end():].strip()
        if labels or rest:
            out.append(" ".join(f"{lb}:" for lb in labels) + ("\n" if labels and rest else "")
                        + (f"    {rest}" if rest else ""))
    tidied = "\n".join(out) + "\n"
    try:
        a, b = assemble(source, "<tidy>"), assemble(tidied, "<tidy>")
    except AsmError:
        return source
    return tidied if (a.text, a.data) == (b.text, b.data) else source


def model_steps(prog: Program, config: Config, limit: int) -> int | None:
    """Retirements until the golden model halts on the program (None: not within `limit`)."""
    iss = Iss(config, load_spec())
    iss.load_program(prog.text, [to_s32(v) for v in prog.data])
    for n in range(1, limit + 1):
        iss.step()
        if iss.state.halted:
            return n
    return None


@dataclass
class _Runner:
    target: Target
    work: Path
    runs: int = 0

    def run(self, source: str) -> str:
        """The failure text of one program on the target ('' when it passes)."""
        from verif.simulate import SimRequest, simulate

        self.runs += 1
        path = self.work / "candidate.s"
        path.write_text(source)
        t = self.target
        res = simulate(SimRequest(config=t.config, config_name=t.config_name, overrides=dict(t.overrides),
                                  test="asm", test_dir=self.work / "candidate", asm=path, rtl_dir=t.rtl_dir,
                                  coverage=t.coverage, waves=t.waves))
        return "" if res.passed else res.failure


def _header(res: ShrinkResult, origin: str) -> str:
    return (f"# minimal reproducer of {origin}: {res.before} -> {res.after} instructions "
            f"({res.runs} runs, {res.seconds:.0f} s{'' if res.minimal else ', stopped by the budget'})\n"
            f"# signature: {res.signature}\n# reproduce: {res.repro}\n")


def shrink(source: str, target: Target, out: Path, origin: str = "a failing program",
           max_runs: int = DEFAULT_RUNS, max_seconds: float = DEFAULT_SECONDS,
           want: str | None = None) -> ShrinkResult:
    """Shrink a failing program; write the reproducer to `out` (a .s file) and its figures
    beside it (`out` with .json). `want`: the signature to keep (default: the one the
    original shows when run alone)."""
    t0 = time.monotonic()
    out = Path(out).resolve()
    work = out.parent / (out.stem + "_work")
    work.mkdir(parents=True, exist_ok=True)
    try:
        prog = assemble(source, origin)
    except AsmError as exc:
        raise ShrinkError(f"{origin} does not assemble: {exc}") from None
    limit = model_steps(prog, target.config, 10 ** 6)
    if limit is None:
        raise ShrinkError(f"{origin}: the golden model does not halt on it")
    limit = 2 * limit + STEP_MARGIN
    runner = _Runner(target, work)
    first = runner.run(source)
    sig = signature(first) if first else ""
    if not first or (want and sig != want):
        raise ShrinkError(f"{origin} does not fail alone with '{want or 'a failure'}' on this RTL "
                          f"({'it passes' if not first else 'it shows ' + sig})")
    lines, unit_lines = source.splitlines(), units(source)
    best = {"source": source, "failure": first}

    def fails(kept: list[int]) -> bool:
        cand = render(lines, unit_lines, set(kept))
        try:
            p = assemble(cand, origin)
        except AsmError:
            return False
        if model_steps(p, target.config, limit) is None:
            return False
        failure = runner.run(cand)
        if failure and signature(failure) == sig:
            best.update(source=cand, failure=failure)
            return True
        return False

    stats = DdminStats()

    def stop() -> bool:
        return runner.runs >= max_runs or time.monotonic() - t0 > max_seconds

    kept = ddmin(unit_lines, fails, stop, stats)
    final = render(lines, unit_lines, set(kept))
    if final != best["source"]:   # the search ended on a candidate it had tested earlier
        best["failure"] = runner.run(final)
    failure = best["failure"].strip().replace(str(work / "candidate.s"), str(out))
    res = ShrinkResult(sig, len(prog.text), len(assemble(final, origin).text), runner.runs,
                       time.monotonic() - t0, not stats.stopped, str(out), target.repro(out), failure)
    out.write_text(_header(res, origin) + tidy(final))
    out.with_suffix(".json").write_text(res.to_json())
    shutil.rmtree(work, ignore_errors=True)   # the candidates' logs (the reproducer's own run reproduces it)
    return res
