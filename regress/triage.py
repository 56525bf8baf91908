"""Failure triage: a normalised signature per failure (mismatch kind, instruction, field),
so that one bug seen by many seeds becomes one bucket with a count, the run where it was
first seen, one reproduce command and a waveform path."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_INSTR = re.compile(r"instruction:\s+\d+\s+pc\s+0x[0-9a-f]+\s+[0-9a-f]{8}\s+(\.?\w+)")
_FIELD = re.compile(r"^\s+(\w+): model ", re.M)
_ENDED = re.compile(r"ended ([A-Z_]+)")
_FINAL = re.compile(r"final state differs: (?:csr )?([a-z_ ]+?)\s*\d*(?:\.(?:lo|hi))?:")


def signature(message: str, status: str = "failed") -> str:
    """A short stable key: no seeds, addresses or values, only what kind of bug it is."""
    if status == "timeout" or "no halt within" in message:
        return "hang"
    if status == "killed":
        m = _ENDED.search(message)   # the scheduler's state of the task: CANCELLED, TIMEOUT, NODE_FAIL, ...
        return f"killed: {m.group(1) if m else 'by the scheduler'}"
    if status == "crashed":
        first = message.strip().splitlines()[0] if message.strip() else "no verdict"
        return "crash: " + re.sub(r"\d+", "N", first)[:80]
    if "retirement mismatch" in message:
        ins = _INSTR.search(message)
        fields = sorted(set(_FIELD.findall(message.split("last ")[0])))
        return f"retire: {ins.group(1) if ins else '?'}: {','.join(fields) or '?'}"
    m = _FINAL.search(message)
    if m:
        return f"final: {m.group(1)}"
    if "after the model halted" in message:
        return "retire: past the model's halt"
    if "the model has not" in message:
        return "halt: early"
    first = message.strip().splitlines()[0] if message.strip() else "failed"
    return "other: " + re.sub(r"0x[0-9a-f]+|\d+", "N", first)[:80]


@dataclass
class Bucket:
    signature: str
    count: int = 0
    first_run: int | None = None
    repro: str = ""
    waves: str = ""
    tests: list[str] = field(default_factory=list)
    reproducer: str = ""       # a shrunk program of the bucket (regress/shrink.py), if one was made
    reproducer_config: str = ""

    def reproducer_command(self) -> str:
        """The reproducer's one-line command (on the configuration's own build)."""
        if not self.reproducer:
            return ""
        return f"lpu sim {self.reproducer} --config {self.reproducer_config}"


def _column(row, name: str) -> str:
    """A column a row may lack (a database or a caller from before the column existed)."""
    try:
        return row[name] or ""
    except (IndexError, KeyError):
        return ""


def buckets(rows, first_seen=None) -> list[Bucket]:
    """Group failing results (rows with run_id, config, test, seed, signature, repro, waves),
    largest bucket first. `first_seen(signature)` (the results database's) looks the first
    run up over the whole history; without it, over the given rows."""
    out: dict[str, Bucket] = {}
    for r in rows:
        if r["status"] == "passed":
            continue
        b = out.setdefault(r["signature"], Bucket(r["signature"]))
        b.count += 1
        if b.first_run is None or r["run_id"] < b.first_run:
            b.first_run = r["run_id"]
        b.repro = b.repro or r["repro"]
        b.waves = b.waves or r["waves"]
        if not b.reproducer and _column(r, "reproducer"):
            b.reproducer, b.reproducer_config = _column(r, "reproducer"), r["config"]
        b.tests.append(f"{r['config']}/{r['test']}" + (f"/seed{r['seed']}" if r["seed"] is not None else ""))
    if first_seen is not None:
        for b in out.values():
            b.first_run = first_seen(b.signature) or b.first_run
    return sorted(out.values(), key=lambda b: -b.count)
