"""All planted bugs (verif/mutants.py PLANTED) in one Verilog model, the bug chosen at run
time with `+lpu_mutant=K` (K its index in the tuple given), built with the mutant schemata
of `lpu mutate` (verif/schemata.py): one Verilator build serves every planted bug, where
each used to need its own. With no plusarg the model is the design as generated."""

from __future__ import annotations

import re

from verif import mutants, mutation
from verif.schemata import build_schemata, plusarg

__all__ = ["planted_schemata", "plusarg"]
SENSITIVITY = re.compile(r"^\s*always @\(")


def planted_schemata(verilog: str, planted: tuple[mutants.Mutant, ...]) -> str:
    """The schemata text; every statement a planted bug changes is selected by its index. A
    sensitivity list a bug extends (a combinational block that reads one more signal) is
    extended for all: re-evaluating on another signal changes no combinational result."""
    text = verilog.split("\n")
    lines = []
    for k, m in enumerate(planted):
        for n, old, new in m.changed_lines(verilog):
            if SENSITIVITY.match(old):
                text[n - 1] = new
            else:
                lines.append(mutation.Mutant(k, "planted", n, m.name, old, new))
    return build_schemata("\n".join(text), lines).text
