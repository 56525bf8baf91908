"""The machine a program is compiled for: one configuration's parameters, formats and
timing rules, all read from the spec (nothing here is a copy of a spec number)."""

from __future__ import annotations

from dataclasses import dataclass

from isa_spec import Spec, load_spec, make_config
from isa_spec.errors import ConfigError
from isa_spec.params import Config
from isa_spec.timing import TimingTable, timing_table
from isa_spec.types import FixedFormat

from .errors import CompileError


@dataclass(frozen=True)
class Target:
    spec: Spec
    config: Config
    timing: TimingTable

    @property
    def name(self) -> str:
        return self.config.name

    def __getattr__(self, key: str):
        if key.isupper():
            return self.config[key]
        raise AttributeError(key)

    @property
    def coord(self) -> FixedFormat:
        return self.spec.formats["coord"]

    @property
    def log(self) -> FixedFormat:
        return self.spec.formats["log"]

    def csr_format(self, csr: str) -> FixedFormat:
        return self.spec.formats[self.spec.csrs[csr].format]

    @property
    def word_bytes(self) -> int:
        return self.spec.xlen // 8

    @property
    def box_words(self) -> int:
        return 2 * self.config["D"]

    def imm_range(self, operand: str = "imm") -> tuple[int, int]:
        """The signed range of an immediate operand's field (imm_i, imm_s)."""
        bits = self.spec.operands[operand].field.width
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    @property
    def zero_register(self) -> int:
        return self.spec.regfiles["x"].zero_register


def would_fit(target: Target, param: str, needed: int) -> str:
    """What would hold `needed` of a memory parameter: a --param value and the named
    configurations (with this D) that are big enough."""
    p = target.spec.params[param]
    if needed > p.max:
        return f"more than any configuration can have ({param} is at most {p.max}): split the statement"
    value = max(p.min, 1 << (needed - 1).bit_length()) if p.pow2 else max(p.min, needed)
    named = [n for n, vals in target.spec.configs.items()
             if vals.get(param, p.default) >= needed and vals.get("D", target.spec.params["D"].default) == target.D]
    alt = f" or configuration {', '.join(repr(n) for n in named)}" if named else ""
    return f"--param {param}={value}{alt} would fit it"


def make_target(config: str = "default", overrides: dict[str, int] | None = None,
                spec: Spec | None = None) -> Target:
    spec = spec or load_spec()
    try:
        cfg = make_config(spec, config, overrides or {})
    except ConfigError as exc:
        raise CompileError("--config", str(exc)) from None
    return Target(spec, cfg, timing_table(spec, cfg))
