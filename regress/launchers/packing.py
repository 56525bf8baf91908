"""Packing tests into array tasks. A scheduler starts about one wave of tasks per second
(measured on Slurm 22.05, ../shared/SLURM.md), and most tests take seconds, so one test
per task would spend as long waiting as simulating: each task carries several tests.

Without --per-task the number of tasks comes from the tests' expected durations (their
means in the results history, or DEFAULT_SECONDS): about TARGET_TASK_SECONDS of work per
task; when there are more tasks than slots (tasks that can run at once: --max-parallel, or
the partition's CPUs), a whole multiple of the slots, so that the last wave is full (5
tasks on 2 slots ran in 3 waves, the last half idle: 51 s against 44 s locally). Tests are
dealt longest first to the least loaded task (LPT); tasks are numbered heaviest first,
since Slurm starts the lowest indices first."""

from __future__ import annotations

import math

from ..jobs import Job

TARGET_TASK_SECONDS = 20.0
DEFAULT_SECONDS = 5.0    # a test with no history: about a tiny/default random program


def task_count(jobs: list[Job], expected: dict[str, float], per_task: int | None = None,
               slots: int | None = None) -> int:
    if not jobs:
        return 0
    if per_task is not None:
        return math.ceil(len(jobs) / per_task)
    total = sum(expected.get(j.id, DEFAULT_SECONDS) for j in jobs)
    n = max(1, math.ceil(total / TARGET_TASK_SECONDS))
    if slots and n > slots:
        n = math.ceil(n / slots) * slots
    return min(len(jobs), n)


def pack(jobs: list[Job], expected: dict[str, float], per_task: int | None = None,
         slots: int | None = None) -> list[list[Job]]:
    """The jobs in tasks; every job in exactly one task, at most per_task in each."""
    n = task_count(jobs, expected, per_task, slots)
    if n == 0:
        return []
    cap = per_task or len(jobs)
    cost = {j.id: expected.get(j.id, DEFAULT_SECONDS) for j in jobs}
    tasks: list[list[Job]] = [[] for _ in range(n)]
    load = [0.0] * n
    for j in sorted(jobs, key=lambda j: -cost[j.id]):          # stable: plan order among equals
        k = min((i for i in range(n) if len(tasks[i]) < cap), key=lambda i: (load[i], len(tasks[i]), i))
        tasks[k].append(j)
        load[k] += cost[j.id]
    order = sorted(range(n), key=lambda i: -load[i])
    return [tasks[i] for i in order if tasks[i]]
