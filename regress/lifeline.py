"""A job dies with the process that launched it.

Each job runs in its own session (so that a timeout can kill the job's whole process group,
the simulator included), which also means that killing the regression's process group does
not reach it: SIGKILL of `lpu regress` used to leave the jobs in flight, and their
simulators, running as orphans. The parent holds the write end of a pipe and the job a
thread blocked reading the other end; nothing is ever written, so the read returns only at
EOF, when every copy of the write end is closed: the parent has exited or been killed
(SIGKILL included; the kernel closes the fds). The job then kills its own process group.

PR_SET_PDEATHSIG would reach only the job's first process (not the simulator it starts),
and it fires when the parent *thread* that forked exits, not the process."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

LIFELINE_ENV = "LPU_JOB_LIFELINE"   # the read end's fd number, for the job


@contextmanager
def lifeline() -> Iterator[tuple[int, dict[str, str]]]:
    """The read end (pass it with pass_fds) and the child's environment naming it. The write
    end stays open in this process for the `with` block, the job's lifetime."""
    r, w = os.pipe()   # both close-on-exec: no other child of this process inherits them
    try:
        yield r, {**os.environ, LIFELINE_ENV: str(r)}
    finally:
        os.close(r)
        os.close(w)


def watch_parent() -> bool:
    """In the job: kill this process group when the launching process is gone. Only for a
    group leader started with a lifeline (a job run by hand must not kill its shell's group)."""
    fd = os.environ.pop(LIFELINE_ENV, None)   # popped: the simulator's processes do not watch
    if fd is None or os.getpgid(0) != os.getpid():
        return False
    read_fd = int(fd)

    def watch() -> None:
        try:
            while os.read(read_fd, 1):
                pass
        except OSError:
            pass
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="lpu-lifeline", daemon=True).start()
    return True
