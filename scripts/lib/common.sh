# shellcheck shell=bash
# Shared paths, logging and process helpers for scripts/stack.sh.
# Sourced, never executed: the caller has already set `set -euo pipefail` and ROOT.

# CI may run without HOME; Go and the tool dir need one.
if [[ -z "${HOME:-}" ]]; then
  HOME="$(getent passwd "$(id -u)" | cut -d: -f6)"
  export HOME
fi
STACK_DIR="${GATEHOUSE_STACK_DIR:-$ROOT/.stack}"
TOOLS_DIR="${GATEHOUSE_TOOLS_DIR:-$HOME/.cache/gatehouse/bin}"
LOG_DIR="$STACK_DIR/logs"
PID_DIR="$STACK_DIR/pids"
ENV_FILE="$STACK_DIR/env"

# Every part the stack owns, in start order (down walks it backwards).
# minio-audit is the webhook recorder MinIO posts its audit log to, so it starts first.
STACK_PARTS=(postgres redis nats minio-audit minio stripe-mock nginx)

# Parts provided from elsewhere (scripts/stack-containers.ts runs them as containers):
# `up` neither installs nor starts them. Empty by default: the stack runs every part itself.
EXTERNAL_PARTS=" ${GATEHOUSE_EXTERNAL_PARTS:-} "
part_external() { [[ "$EXTERNAL_PARTS" == *" $1 "* ]]; }

# The containers option (scripts/stack-containers.ts) runs the host nginx on ports it chose
# free, so it never meets the standard stack of another checkout; it writes them here for every
# later stack.sh call of that run (reload-nginx, stop/start nginx).
HOST_PORTS_FILE="$STACK_DIR/host-ports.env"
if [[ "${GATEHOUSE_STACK:-}" == containers && -f "$HOST_PORTS_FILE" ]]; then
  # shellcheck disable=SC1090
  source "$HOST_PORTS_FILE"
fi
EDGE_PORT="${GATEHOUSE_EDGE_PORT:-58080}"
STATIC_PORT="${GATEHOUSE_STATIC_PORT:-58081}"
XACCEL_PORT="${GATEHOUSE_XACCEL_PORT:-58082}"
SMTP_PORT="${GATEHOUSE_SMTP_PORT:-52525}"

# Loopback ports (docs/DEVELOPING.md). Several parts own more than one.
declare -A PART_PORTS=(
  [postgres]="55432"
  [redis]="56379"
  [nats]="54222 58222"
  [minio-audit]="52600"
  [minio]="59000 59001"
  [stripe-mock]="52111 52112"
  [nginx]="$STATIC_PORT $EDGE_PORT $XACCEL_PORT"
)
# Seconds to wait for a part to become healthy after starting it.
declare -A PART_TIMEOUT=(
  [postgres]=60 [redis]=20 [nats]=30 [minio-audit]=15 [minio]=90 [stripe-mock]=30 [nginx]=20
)

# Every loopback port the project listens on: the parts above plus the services (53001–53006:
# auth, media, feeds, billing, analytics, web; a second auth replica on 53011), the test SMTP
# server (52525) and the test Kubernetes API server (etcd 52379, kube-apiserver 56443). They all sit
# inside Linux's default ephemeral range (32768–60999), so an outgoing connection (nginx → auth
# keepalive, a test client) can be handed one of them as its source port and a later bind fails
# with EADDRINUSE (seen: "web: cannot start: listen EADDRINUSE 127.0.0.1:53006" before 53005–53006
# were on this list). Reserving them keeps the kernel from choosing them for outgoing connections;
# it changes nothing else.
RESERVED_PORTS="52111-52112,52379,52525,52600,53001-53006,53011,54222,55432,56379,56443,58080-58082,58222,59000-59001"

# port_in_reserved LIST PORT: 0 when PORT lies in the kernel's comma list of ports and ranges.
port_in_reserved() {
  local item lo hi
  IFS=, read -ra items <<<"$1"
  for item in "${items[@]}"; do
    lo="${item%-*}" hi="${item#*-}"
    [[ -n "$lo" ]] || continue
    if (($2 >= lo && $2 <= hi)); then return 0; fi
  done
  return 1
}

# Adds whatever of RESERVED_PORTS is not yet reserved, port by port: an earlier run may have
# reserved an older, shorter list (the kernel prints ranges back merged, in its own order).
reserve_ports() {
  local file=/proc/sys/net/ipv4/ip_local_reserved_ports current item lo hi p missing=()
  [[ -r "$file" ]] || return 0
  current="$(cat "$file")"
  IFS=, read -ra wanted <<<"$RESERVED_PORTS"
  for item in "${wanted[@]}"; do
    lo="${item%-*}" hi="${item#*-}"
    for ((p = lo; p <= hi; p++)); do
      port_in_reserved "$current" "$p" || missing+=("$p")
    done
  done
  ((${#missing[@]} > 0)) || return 0
  if [[ -w "$file" ]] && printf '%s' "${current:+$current,}$(
    IFS=,
    echo "${missing[*]}"
  )" >"$file" 2>/dev/null; then
    say "reserved ${#missing[@]} of the stack's ports against ephemeral use (net.ipv4.ip_local_reserved_ports)"
  else
    warn "could not reserve the stack's ports (not root?); a port may occasionally be taken by an outgoing connection"
  fi
}

say() { printf 'stack: %s\n' "$*"; }
warn() { printf 'stack: WARNING: %s\n' "$*" >&2; }
die() {
  printf 'stack: ERROR: %s\n' "$*" >&2
  exit 1
}

is_root() { [[ "$(id -u)" == 0 ]]; }

now_s() { date +%s; }

pid_alive() {
  local pid="${1:-}"
  [[ -n "$pid" && "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

pid_dead() { ! pid_alive "${1:-}"; }

read_pid() {
  local file="$1"
  [[ -f "$file" ]] || return 0
  head -n1 "$file" 2>/dev/null | tr -dc '0-9'
}

# Pids of processes listening on a TCP port of 127.0.0.1/any (empty if none).
port_pids() {
  local port="$1"
  ss -H -ltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u | tr '\n' ' ' || true
}

port_listening() {
  local port="$1"
  if ss -H -ltn "sport = :$port" 2>/dev/null | grep -q .; then return 0; fi
  return 1
}

proc_desc() {
  local pid="$1"
  local comm
  comm="$(ps -o comm= -p "$pid" 2>/dev/null || true)"
  printf '%s (pid %s)' "${comm:-?}" "$pid"
}

# True when a process belongs to this stack: it is one of the stack's servers AND it runs
# from (cwd) or names (cmdline) a directory of this stack. Used to find leftovers whose pid
# file was lost without ever touching someone else's process (an editor or `tail -f` on a
# stack log, or the same server binary started by someone else).
proc_is_ours() {
  local pid="$1" comm cwd cmd dir
  comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
  cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" || true)"
  # Node names its main thread, so the recorder is recognised by its script, not its comm.
  case "$comm" in
  postgres | redis-server | nats-server | minio | stripe-mock | nginx) ;;
  *) [[ "$cmd" == *minio-audit-recorder.mjs* ]] || return 1 ;;
  esac
  cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null || true)"
  for dir in "$STACK_DIR" "${PG_HOME:-$STACK_DIR}"; do
    [[ "$cwd" == "$dir" || "$cwd" == "$dir"/* ]] && return 0
    [[ "$cmd" == *"$dir"* ]] && return 0
  done
  return 1
}

# A pid file's process is only ours if it still is one of our servers: after a reboot the
# number may belong to something else entirely.
ours_alive() { pid_alive "${1:-}" && proc_is_ours "$1"; }

# All live processes that belong to this stack.
stack_pids() {
  local p
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [[ "$p" == "$$" ]] && continue
    proc_is_ours "$p" && printf '%s\n' "$p"
  done
  return 0
}

# Runs `check` every 0.25s until it succeeds or `timeout` seconds pass.
wait_until() {
  local timeout="$1"
  shift
  local deadline=$(($(now_s) + timeout))
  while true; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    (($(now_s) >= deadline)) && return 1
    sleep 0.25
  done
}

# Starts a long-running process detached from our session (so it outlives the shell that
# ran `up`), with its cwd in the part's directory, and records its pid.
# usage: launch PART CWD LOGFILE cmd args...
launch() {
  local part="$1" cwd="$2" log="$3"
  shift 3
  mkdir -p "$cwd" "$(dirname "$log")"
  # setsid in a non-interactive shell execs in place (we are not a group leader), so $!
  # is the server's own pid.
  (cd "$cwd" && exec setsid "$@" </dev/null >>"$log" 2>&1) &
  printf '%s\n' "$!" >"$PID_DIR/$part.pid"
}

# TERM, wait up to `timeout` seconds, then KILL.
terminate_pid() {
  local pid="$1" timeout="${2:-15}"
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$timeout" pid_dead "$pid"; then
    warn "pid $pid did not stop after ${timeout}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 5 pid_dead "$pid" || true
  fi
}

http_ok() { curl -fsS -o /dev/null --max-time 3 "$@"; }

shell_export() {
  printf 'export %s=%q\n' "$1" "$2"
}
