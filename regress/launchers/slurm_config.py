"""The Slurm launcher's options: site options (partition, account, time limit, QoS, any
other sbatch flag) from a TOML file and from `--slurm-args`, and how tests are packed.

    # lpu-slurm.toml (give it with --slurm-config FILE, or set LPU_SLURM_CONFIG)
    [slurm]
    partition = "sim"
    account = "dv-team"
    time = "01:00:00"          # per array task
    qos = "normal"
    args = ["--mem-per-cpu=2G"]    # any other sbatch flags
    python = "/shared/venvs/lpu/bin/python"   # the interpreter on the compute nodes
    per_task = 8               # tests per array task (default: packed by expected duration)
    max_parallel = 64          # array tasks running at once (sbatch --array=...%K)
    poll_seconds = 2.0

Flags on the command line come after the file's, so they win."""

from __future__ import annotations

import os
import shlex
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import LaunchError

CONFIG_ENV = "LPU_SLURM_CONFIG"
SITE_KEYS = {"partition": "--partition", "account": "--account", "time": "--time", "qos": "--qos"}
# sbatch flags the launcher sets itself: a site flag must not change them
RESERVED = ("--array", "-a", "--output", "-o", "--error", "-e", "--parsable", "--wrap", "--chdir", "-D",
            "--job-name", "-J", "--wait", "-W")


@dataclass
class SlurmOptions:
    args: list[str] = field(default_factory=list)   # site flags for sbatch
    python: str = ""                                 # interpreter on the nodes (default: this one)
    per_task: int | None = None                      # tests per array task (None: packed by duration)
    max_parallel: int | None = None                  # running tasks at once (None: the cluster decides)
    poll_seconds: float = 1.0
    source: str = "--slurm-args"                     # where args came from, for error messages

    def interpreter(self) -> str:
        return self.python or sys.executable


def _reserved(args: list[str], where: str) -> None:
    for a in args:
        name = a.split("=", 1)[0]
        if name in RESERVED or any(name.startswith(r) and len(r) == 2 and len(name) > 2 for r in RESERVED):
            raise LaunchError(f"{where}: {name} is set by the launcher itself and cannot be given as a site option")


def _positive(value, where: str, kind: type) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
        raise LaunchError(f"{where}: expected a {'whole ' if kind is int else ''}number, got {value!r}")
    if value <= 0:
        raise LaunchError(f"{where}: must be positive, got {value}")
    return kind(value)


def load_config(path: Path) -> SlurmOptions:
    """A site config file; every error names the file and the key."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LaunchError(f"{path}: no such Slurm config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LaunchError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LaunchError(f"{path}: not valid TOML: {exc}") from None
    table = doc.get("slurm")
    if not isinstance(table, dict):
        raise LaunchError(f"{path}: needs a [slurm] table")
    opts = SlurmOptions(source=str(path))
    known = set(SITE_KEYS) | {"args", "python", "per_task", "max_parallel", "poll_seconds"}
    for key, value in table.items():
        where = f"{path}: slurm.{key}"
        if key not in known:
            raise LaunchError(f"{where}: unknown key (known: {', '.join(sorted(known))})")
        if key in SITE_KEYS:
            if not isinstance(value, str) or not value.strip():
                raise LaunchError(f"{where}: expected a non-empty string, got {value!r}")
            opts.args.append(f"{SITE_KEYS[key]}={value}")
        elif key == "args":
            if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                raise LaunchError(f"{where}: expected a list of strings, got {value!r}")
            _reserved(value, where)
            opts.args += value
        elif key == "python":
            if not isinstance(value, str) or not os.path.isabs(value):
                raise LaunchError(f"{where}: expected an absolute path to a Python interpreter, got {value!r}")
            opts.python = value
        elif key == "poll_seconds":
            opts.poll_seconds = _positive(value, where, float)
        else:
            setattr(opts, key, _positive(value, where, int))
    return opts


def slurm_options(config: Path | None, slurm_args: str | None, per_task: int | None,
                  max_parallel: int | None) -> SlurmOptions:
    """The file's options (--slurm-config, else $LPU_SLURM_CONFIG), then the command line's."""
    if config is None and os.environ.get(CONFIG_ENV):
        config = Path(os.environ[CONFIG_ENV])
    opts = load_config(config) if config is not None else SlurmOptions()
    if slurm_args:
        try:
            extra = shlex.split(slurm_args)
        except ValueError as exc:
            raise LaunchError(f"--slurm-args: cannot split '{slurm_args}': {exc}") from None
        _reserved(extra, "--slurm-args")
        opts.args += extra
    if per_task is not None:
        opts.per_task = _positive(per_task, "--per-task", int)
    if max_parallel is not None:
        opts.max_parallel = _positive(max_parallel, "--max-parallel", int)
    return opts
