"""Name scopes of the lowering: let bindings and loop variables, innermost first."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import CompileError, Loc
from ..ir import Value


@dataclass
class Binding:
    value: Value | None        # None for a loop variable bound to a concept (see concept)
    loc: Loc
    concept: str | None = None  # the concept a loop variable (or a let of a concept) names


@dataclass
class Scopes:
    frames: list[dict[str, Binding]] = field(default_factory=lambda: [{}])

    def push(self) -> None:
        self.frames.append({})

    def pop(self) -> None:
        self.frames.pop()

    def lookup(self, name: str) -> Binding | None:
        for f in reversed(self.frames):
            if name in f:
                return f[name]
        return None

    def bind(self, name: str, b: Binding, what: str) -> None:
        prev = self.lookup(name)
        if prev is not None:
            raise CompileError(b.loc, f"{what} '{name}' is already defined at {prev.loc}")
        self.frames[-1][name] = b
