"""Pass a configuration from the pytest/CLI process to the cocotb process (environment)."""

from __future__ import annotations

import json
import os

from isa_spec import Config, load_spec
from isa_spec.params import validate_params


def config_env(config: Config) -> dict[str, str]:
    return {"LPU_CONFIG_NAME": config.name, "LPU_PARAMS": json.dumps(config.as_dict())}


def config_from_env() -> Config:
    values = json.loads(os.environ["LPU_PARAMS"])
    validate_params(load_spec(), values)
    return Config(os.environ.get("LPU_CONFIG_NAME", "custom"), tuple(sorted(values.items())))
