"""Mutants reviewed as equivalent (verif/mutation_equivalents.toml): survivors that a person
showed no test can observe, each with the reason. `lpu mutate` reports a mutant that
matches an entry as equivalent (not run, not counted), as it does the ones
verif/mutation.py finds by construction.

An entry matches by the always block (or assigned signal) that owns the statement, the
kind, the statement before and after, and whether it lies in the reset branch; never by
line number, which moves when the generator changes. When the generator changes the text,
the entry no longer matches and the mutant runs again: a stale entry can only make a
mutant count, never hide one."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from isa_spec.errors import LpuError
from verif.mutation import KINDS, Mutant
from verif.mutation_scope import statement_owners

EQUIVALENTS = Path(__file__).with_name("mutation_equivalents.toml")
FIELDS = {"block": str, "kind": str, "old": str, "new": str, "reset": bool, "why": str}


class EquivalentsError(LpuError, ValueError):
    """The reviewed-equivalents file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Reviewed:
    block: str
    kind: str
    old: str
    new: str
    reset: bool
    why: str

    def key(self) -> tuple[str, str, str, str, bool]:
        return self.block, self.kind, self.old, self.new, self.reset


def load_equivalents(path: Path = EQUIVALENTS) -> list[Reviewed]:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise EquivalentsError(f"{path}: cannot read the reviewed equivalent mutants: {exc}") from None
    out = []
    for i, e in enumerate(data.get("equivalent", [])):
        where = f"{path}: [[equivalent]] entry {i + 1}"
        missing = [k for k in FIELDS if k not in e]
        extra = [k for k in e if k not in FIELDS]
        if missing or extra:
            raise EquivalentsError(f"{where}: " + (f"missing {', '.join(missing)}" if missing else
                                                   f"unknown field {', '.join(extra)}"))
        for k, t in FIELDS.items():
            if not isinstance(e[k], t):
                raise EquivalentsError(f"{where}: '{k}' must be a {t.__name__}")
        if e["kind"] not in KINDS:
            raise EquivalentsError(f"{where}: kind '{e['kind']}' is not one of {', '.join(KINDS)}")
        out.append(Reviewed(**e))
    return out


def in_reset_branch(lines: list[str], line: int) -> bool:
    """The 1-based line lies in an `if (rst == 1)` branch (a register's reset value)."""
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for ln in reversed(lines[:line - 1]):
        if ln.strip() and len(ln) - len(ln.lstrip()) < indent:
            return ln.strip() == "if (rst == 1) begin"
    return False


def mark_reviewed(mutants: list[Mutant], verilog: str, reviewed: list[Reviewed] | None = None) -> list[Mutant]:
    """The mutants, with the reviewed equivalent ones marked (their reason in `equivalent`)."""
    reviewed = load_equivalents() if reviewed is None else reviewed
    by_key = {r.key(): r for r in reviewed}
    lines = verilog.split("\n")
    owners = statement_owners(lines)
    out = []
    for m in mutants:
        r = by_key.get((owners.get(m.line - 1, ""), m.kind, m.old.strip(), m.new.strip(),
                        in_reset_branch(lines, m.line)))
        out.append(replace(m, equivalent=f"reviewed: {r.why}") if r and not m.equivalent else m)
    return out
