#!/usr/bin/env bash
# Stop the single-node Slurm of ci/slurm/up.sh: slurmd, slurmctld, munged, each by the PID
# in its PID file (never by name: other users' daemons on a shared machine are left alone).
set -uo pipefail

HOME_DIR="${LPU_SLURM_HOME:-/tmp/lpu-slurm}"

stop() {   # stop NAME PIDFILE: SIGTERM, up to 10 s, then SIGKILL
    local name=$1 file=$2 pid
    [ -f "$file" ] || return 0
    pid="$(cat "$file")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
        echo "slurm down: stopped $name (pid $pid)"
    fi
    rm -f "$file"
}

stop slurmd "$HOME_DIR/slurmd.pid"
stop slurmctld "$HOME_DIR/slurmctld.pid"
stop munged "$HOME_DIR/munge/munged.pid"
