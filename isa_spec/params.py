"""Generator parameters: named configurations and the legality check for a parameter set."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigError
from .types import Spec


@dataclass(frozen=True)
class Config:
    """A complete, legal set of generator parameters (read by the model and the RTL)."""

    name: str
    values: tuple[tuple[str, int], ...]

    def __getitem__(self, key: str) -> int:
        for k, v in self.values:
            if k == key:
                return v
        raise KeyError(key)

    def as_dict(self) -> dict[str, int]:
        return dict(self.values)

    def __getattr__(self, key: str) -> int:
        if key.isupper():
            try:
                return self[key]
            except KeyError:
                pass
        raise AttributeError(key)


def validate_params(spec: Spec, values: dict[str, int]) -> None:
    """Raise ConfigError with a one-line reason if the parameter set is illegal."""
    for name in values:
        if name not in spec.params:
            raise ConfigError(f"unknown parameter '{name}' (known: {', '.join(spec.params)})")
    for p in spec.params.values():
        if p.name not in values:
            raise ConfigError(f"parameter {p.name} is missing")
        v = values[p.name]
        if not isinstance(v, int) or isinstance(v, bool):
            raise ConfigError(f"{p.name}={v!r} must be an integer")
        if not p.min <= v <= p.max:
            raise ConfigError(f"{p.name}={v} is outside its legal range [{p.min}, {p.max}]")
        if p.pow2 and v & (v - 1):
            raise ConfigError(f"{p.name}={v} must be a power of two")
    for p in spec.params.values():
        if p.divides and values[p.divides] % values[p.name]:
            raise ConfigError(f"{p.name}={values[p.name]} must divide "
                              f"{p.divides}={values[p.divides]}")


def make_config(spec: Spec, name: str = "default", overrides: dict[str, int] | None = None) -> Config:
    """A named configuration with optional KEY=VALUE overrides, checked."""
    if name not in spec.configs:
        raise ConfigError(f"unknown configuration '{name}' (known: {', '.join(spec.configs)})")
    values = dict(spec.configs[name])
    for k, v in (overrides or {}).items():
        if k not in spec.params:
            raise ConfigError(f"unknown parameter '{k}' (known: {', '.join(spec.params)})")
        values[k] = v
    validate_params(spec, values)
    label = name if not overrides else name + "+" + ",".join(f"{k}={v}" for k, v in sorted(overrides.items()))
    return Config(label, tuple(sorted(values.items())))


def parse_param_overrides(items: list[str]) -> dict[str, int]:
    """Parse CLI `KEY=VALUE` strings; a malformed one raises ConfigError naming it."""
    out = {}
    for item in items:
        key, sep, val = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--param '{item}' is not KEY=VALUE")
        try:
            out[key.strip()] = int(val, 0)
        except ValueError:
            raise ConfigError(f"--param '{item}': value '{val}' is not an integer") from None
    return out
