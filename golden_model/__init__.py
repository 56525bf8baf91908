"""The LPU golden model: float64 reference (reference.py) and bit-exact ISS (iss.py)."""

from .iss import Iss, StepLimitExceeded
from .trace import RetireRecord

__all__ = ["Iss", "RetireRecord", "StepLimitExceeded"]
