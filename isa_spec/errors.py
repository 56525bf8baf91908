"""The user-error base class, and the exception types for a bad spec or parameter set.

Every mistake a user can make (a bad file, assembly line, parameter, database, missing
tool) raises a subclass of `LpuError` whose message names the place; the CLI prints it as
one line. Anything else is a bug in the tools and keeps its traceback.
"""

from __future__ import annotations


class LpuError(Exception):
    """A problem with the user's input or environment; the message names its place."""


class SpecError(LpuError, ValueError):
    def __init__(self, file: str, entry: str | None, field: str | None, message: str):
        self.file, self.entry, self.field = file, entry, field
        where = file
        if entry:
            where += f": {entry}"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {message}")


class ConfigError(LpuError, ValueError):
    """An illegal generator parameter set; the message names the parameter and why."""
