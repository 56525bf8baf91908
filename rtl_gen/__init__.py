"""The LPU RTL generator (MyHDL). Nothing is converted at import; see generate.py."""

from .execute import IMPLEMENTED

__all__ = ["IMPLEMENTED"]
