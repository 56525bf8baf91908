"""The LPU RTL generator (MyHDL). Nothing is converted at import; see generate.py."""

from .execute import IMPLEMENTED, unit_problems

__all__ = ["IMPLEMENTED", "unit_problems"]
