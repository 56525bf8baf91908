"""The LPU ISA as data: the single source of truth every other part reads."""

from .errors import ConfigError, SpecError
from .loader import load_spec
from .params import Config, make_config
from .types import Instruction, Spec

__all__ = ["Config", "ConfigError", "Instruction", "Spec", "SpecError", "load_spec", "make_config"]
