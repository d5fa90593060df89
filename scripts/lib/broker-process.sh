# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Sourced by nats-server.sh and kafka-broker.sh: one background server process per run dir,
# started, waited for, stopped and killed the same way by both.
#
# A process is named by its pid AND its start time (clock ticks after boot, field 22 of
# /proc/PID/stat), recorded at launch in the run dir. Pids get reused: a run dir can outlive
# its server (a kill -9 in a fault test, a crashed CI job), and its pid may by then belong to
# an unrelated process. Every signal below is sent only while pid and start time still match,
# so a stale run dir can never make us signal a stranger. (Between that check and kill(2) the
# process could still exit and its pid be reused: a window of microseconds that bash, having
# no pidfd, cannot close.)
#
# The caller sets bp_name (the prefix of messages on stderr). Linux only (/proc).

bp_name=${bp_name:-broker-process}
bp_pid="" bp_start=""

bp_log() { echo "$bp_name: $*" >&2; }

# Milliseconds on a clock that does not depend on how long each poll took.
bp_now_ms() {
  local us=${EPOCHREALTIME/[.,]/}
  echo $((us / 1000))
}

# bp_stat PID: prints "STATE STARTTIME" of PID; fails when there is no such process.
# The command name (field 2) may hold spaces and parentheses, so fields count from the last ')'.
bp_stat() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -r -a fields <<<"${stat##*) }"
  echo "${fields[0]} ${fields[19]}"
}

# bp_alive PID START: true while PID is a live process (not a zombie) that started at START.
bp_alive() {
  local pid=$1 start=$2 state now
  [[ $pid =~ ^[0-9]+$ && -n $start ]] || return 1
  read -r state now < <(bp_stat "$pid") || return 1
  [[ $state != [ZX] && $now == "$start" ]]
}

# bp_launch LOG COMMAND [ARGS...]: starts COMMAND in the background and sets bp_pid and
# bp_start. stdin is /dev/null and stdout and stderr are appended to LOG, so the process holds
# no pipe of the caller: `dir=$(script start)` returns while it runs on.
bp_launch() {
  local log=$1
  shift
  "$@" </dev/null >>"$log" 2>&1 &
  bp_pid=$!
  # Not our job to report: without this bash prints "Killed" when we kill it ourselves.
  disown "$bp_pid"
  # The forked child keeps its start time through exec, so reading it now is enough. Empty
  # when the command failed at once and was reaped already: then it counts as exited.
  read -r _ bp_start < <(bp_stat "$bp_pid") || bp_start=""
}

# bp_save FILE / bp_load FILE: the launched process as "PID START" (its identity, see above).
bp_save() {
  echo "$bp_pid $bp_start" >"$1.tmp"
  mv "$1.tmp" "$1"  # atomic: a reader never sees half a line
}
bp_load() {
  bp_pid="" bp_start=""
  [[ -r $1 ]] && read -r bp_pid bp_start <"$1"
  return 0
}

# bp_wait_ready PID START SECONDS PROBE [ARGS...]: runs PROBE every 0.1 s until it succeeds.
# Returns 0 ready, 1 not ready within SECONDS, 2 the process exited first.
bp_wait_ready() {
  local pid=$1 start=$2 deadline=$(($(bp_now_ms) + $3 * 1000))
  shift 3
  while bp_alive "$pid" "$start"; do
    "$@" && return 0
    (($(bp_now_ms) < deadline)) || return 1
    sleep 0.1
  done
  return 2
}

# bp_wait_gone PID START SECONDS: true once the process is gone; false if it is still there
# after SECONDS.
bp_wait_gone() {
  local pid=$1 start=$2 deadline=$(($(bp_now_ms) + $3 * 1000))
  while bp_alive "$pid" "$start"; do
    (($(bp_now_ms) < deadline)) || return 1
    sleep 0.1
  done
}

# bp_signal PID START SIGNAL: sends SIGNAL if PID is still the process that started at START.
bp_signal() {
  bp_alive "$1" "$2" && kill "-$3" "$1" 2>/dev/null
}

# bp_kill PID START: SIGKILL (a crash, for fault tests), then up to 10 s for it to go. False
# if it survived (stuck in the kernel); true if it was gone already.
bp_kill() {
  bp_signal "$1" "$2" KILL || return 0
  bp_wait_gone "$1" "$2" 10
}

# bp_stop PID START GRACE: SIGTERM, and SIGKILL if it is still there after GRACE seconds.
# False if it survived both.
bp_stop() {
  local pid=$1 start=$2 grace=$3
  bp_signal "$pid" "$start" TERM || return 0
  bp_wait_gone "$pid" "$start" "$grace" && return 0
  bp_log "pid $pid ignored SIGTERM for ${grace}s; sending SIGKILL"
  bp_kill "$pid" "$start"
}
