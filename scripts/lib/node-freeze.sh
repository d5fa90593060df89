# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Sourced by the cluster scripts: freeze one node's process (SIGSTOP) as a hung machine would,
# and thaw it (SIGCONT).

# node_freeze PID: SIGSTOP, then waits up to 5 s until every thread of PID has stopped: the
# signal takes effect asynchronously, and a node that still ran for a moment would answer.
node_freeze() {
  local pid=$1 task state deadline=$((SECONDS + 5)) running
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -STOP "$pid" 2>/dev/null || return 1
  while ((SECONDS <= deadline)); do
    running=0
    for task in /proc/"$pid"/task/*/stat; do
      state=$(cat "$task" 2>/dev/null) || continue
      state=${state##*) }
      [[ ${state:0:1} == [Tt] ]] || running=1
    done
    ((running)) || return 0
    sleep 0.05
  done
  return 1
}

# node_thaw PID: SIGCONT; true also when the process is gone.
node_thaw() {
  [[ $1 =~ ^[0-9]+$ ]] || return 0
  kill -CONT "$1" 2>/dev/null || true
}
