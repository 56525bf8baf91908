"""Slurm's command-line clients (sbatch, squeue, scancel, sacct) as a small Python API.

Plain subprocess calls, no Python binding: stable across Slurm versions and the same on a
single-node test cluster and a site's cluster. Array task states come from
`squeue --states=all` (which keeps finished tasks for the controller's MinJobAge, 300 s by
default) and, once a task has left it, from `sacct` where the site runs accounting."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

from . import LaunchError

COMMANDS = ("sbatch", "squeue", "scancel")

# task states in which a task is over; every other state (PENDING, RUNNING, COMPLETING,
# CONFIGURING, SUSPENDED, REQUEUED, ...) means it may still run and write results
KILLED_STATES = frozenset({"CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY", "DEADLINE",
                           "BOOT_FAIL", "REVOKED"})
FINAL_STATES = KILLED_STATES | {"COMPLETED", "FAILED", "SPECIAL_EXIT"}
QUEUED_STATES = frozenset({"PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "SUSPENDED", "RESV_DEL_HOLD"})
CALL_TIMEOUT = 60.0   # seconds for one client call (a busy controller answers slowly, not never)


@dataclass(frozen=True)
class TaskState:
    state: str          # Slurm's state, e.g. PENDING, RUNNING, COMPLETED, CANCELLED
    reason: str = ""    # why it is pending (squeue %r), or ""

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


def _hint() -> str:
    if os.environ.get("SLURM_CONF"):
        return f" (SLURM_CONF={os.environ['SLURM_CONF']})"
    return " (is SLURM_CONF set? a cluster started by ci/slurm/up.sh needs it: source /tmp/lpu-slurm/env.sh)"


class SlurmClient:
    """Finds the commands at construction: a missing one is a LaunchError naming it."""

    def __init__(self) -> None:
        self.paths: dict[str, str] = {}
        missing = []
        for cmd in COMMANDS:
            p = shutil.which(cmd)
            if p is None:
                missing.append(cmd)
            else:
                self.paths[cmd] = p
        if missing:
            raise LaunchError(
                f"--launcher slurm: {', '.join(missing)} not found on PATH; the Slurm launcher needs Slurm's "
                "client commands (Debian: slurm-client; for a single-node cluster on this machine: "
                "bash ci/slurm/up.sh), or run with --launcher local")
        self.sacct = shutil.which("sacct")

    def _call(self, cmd: str, args: list[str]) -> subprocess.CompletedProcess:
        try:
            return subprocess.run([self.paths.get(cmd) or cmd, *args], capture_output=True, text=True,
                                  timeout=CALL_TIMEOUT)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess([cmd, *args], 124, "", f"{cmd} did not answer in {CALL_TIMEOUT:.0f} s")
        except OSError as exc:
            return subprocess.CompletedProcess([cmd, *args], 127, "", f"{cmd}: {exc}")

    @staticmethod
    def _refused(p: subprocess.CompletedProcess) -> LaunchError:
        reason = (p.stderr.strip() or p.stdout.strip() or f"exit code {p.returncode}").replace("\n", "; ")
        return LaunchError(f"the cluster refused the job array: {reason}"
                           + (_hint() if "configuration" in reason.lower() else ""))

    def check(self, args: list[str]) -> None:
        """Would the cluster take a job with these flags? (sbatch --test-only: nothing runs.)
        Asked before a run starts, so that a wrong partition or account never leaves an empty run."""
        p = self._call("sbatch", ["--test-only", *args, "--wrap=true"])
        if p.returncode != 0:
            raise self._refused(p)

    def submit(self, args: list[str]) -> str:
        """sbatch --parsable ARGS: the job id, or a LaunchError with Slurm's reason."""
        p = self._call("sbatch", ["--parsable", *args])
        if p.returncode != 0:
            raise self._refused(p)
        job_id = p.stdout.strip().split(";")[0]   # "17" or "17;cluster"
        if not job_id.isdigit():
            raise LaunchError(f"sbatch answered '{p.stdout.strip()}', not a job id")
        return job_id

    def task_states(self, job_id: str) -> dict[int, TaskState] | None:
        """Every array task squeue still knows, by task index; None when squeue failed."""
        p = self._call("squeue", ["-h", "-r", "-j", job_id, "--states=all", "-o", "%K|%T|%r"])
        if p.returncode != 0:
            if "invalid job id" in p.stderr.lower():
                return {}   # purged from the controller: nothing left to report
            return None
        return parse_squeue(p.stdout)

    def accounting_states(self, job_id: str) -> dict[int, TaskState]:
        """Final states from accounting (sacct), where the site has it; {} otherwise."""
        if not self.sacct:
            return {}
        p = self._call("sacct", ["-n", "-P", "-X", "-j", job_id, "-o", "JobID,State"])
        return parse_sacct(p.stdout, job_id) if p.returncode == 0 else {}

    def cpus(self, args: list[str]) -> int | None:
        """CPUs of the partition the site options name (all partitions otherwise), for the
        time-left estimate; None when sinfo cannot tell."""
        part = [a.split("=", 1)[1] for a in args if a.startswith("--partition=")]
        p = self._call("sinfo", ["-h", "-o", "%C", *(["-p", part[-1]] if part else [])])
        total = 0
        for line in p.stdout.split() if p.returncode == 0 else []:
            fields = line.split("/")          # allocated/idle/other/total
            if len(fields) == 4 and fields[3].isdigit():
                total += int(fields[3])
        return total or None

    def cancel(self, job_id: str, task: int | None = None) -> None:
        self._call("scancel", [job_id if task is None else f"{job_id}_{task}"])


def parse_squeue(text: str) -> dict[int, TaskState]:
    out = {}
    for line in text.splitlines():
        parts = line.strip().split("|")
        if len(parts) == 3 and parts[0].isdigit():
            reason = parts[2] if parts[2] not in ("None", "(null)") else ""
            out[int(parts[0])] = TaskState(parts[1], reason)
    return out


def parse_sacct(text: str, job_id: str) -> dict[int, TaskState]:
    """Lines like '17_3|CANCELLED by 0'; a range of pending tasks ('17_[4-9]') is skipped."""
    out = {}
    for line in text.splitlines():
        jid, _, state = line.strip().partition("|")
        head, _, task = jid.partition("_")
        if head == job_id and task.isdigit() and state:
            out[int(task)] = TaskState(state.split()[0])
    return out
