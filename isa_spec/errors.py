"""The one exception type for a bad spec, naming file, entry and field."""

from __future__ import annotations


class SpecError(ValueError):
    def __init__(self, file: str, entry: str | None, field: str | None, message: str):
        self.file, self.entry, self.field = file, entry, field
        where = file
        if entry:
            where += f": {entry}"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {message}")


class ConfigError(ValueError):
    """An illegal generator parameter set; the message names the parameter and why."""
