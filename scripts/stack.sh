#!/usr/bin/env bash
# The local stack of real services (docs/DEVELOPING.md, "The local stack").
#
#   scripts/stack.sh up                 install what is missing, start or reuse every part
#   scripts/stack.sh down [--purge]     stop every part (keep data; --purge deletes .stack/)
#   scripts/stack.sh status             health of every part (exit 1 if one is down)
#   scripts/stack.sh env                print .stack/env (shell export lines)
#   scripts/stack.sh stop PART          stop one part   (resilience tests)
#   scripts/stack.sh start PART         start one part  (resilience tests)
#   scripts/stack.sh reload-nginx       re-render conf.d/edge.conf and reload nginx
#
# PART: postgres redis nats minio stripe-mock nginx (and minio-audit, MinIO's audit recorder).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=lib/install.sh
source "$ROOT/scripts/lib/install.sh"
# shellcheck source=lib/parts.sh
source "$ROOT/scripts/lib/parts.sh"

declare -A RESULT=()

# One clear line naming the part, its port and its log, then the log's tail.
fail_part() {
  local part="$1" reason="$2" log="${3:-$(part_log "$1")}"
  local ports="${PART_PORTS[$part]:-}"
  printf 'stack: FAILED %s (127.0.0.1:%s): %s — log: %s\n' "$part" "${ports// /,}" "$reason" "$log" >&2
  if [[ -f "$log" ]]; then
    tail -n 25 "$log" | sed 's/^/  | /' >&2
  fi
  exit 1
}

valid_part() {
  local p
  for p in "${STACK_PARTS[@]}"; do [[ "$p" == "$1" ]] && return 0; done
  return 1
}

# The checkout whose stack a process belongs to, when it is another Gatehouse checkout's
# stack (its cwd or arguments lie under <checkout>/.stack).
other_stack_root() {
  local pid="$1" path root
  while IFS= read -r path; do
    [[ "$path" == /*/.stack || "$path" == /*/.stack/* ]] || continue
    root="${path%%/.stack*}"
    if [[ "$root" != "$ROOT" && -f "$root/scripts/stack.sh" ]]; then
      printf '%s' "$root"
      return 0
    fi
  done < <(
    readlink "/proc/$pid/cwd" 2>/dev/null || true
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" || true
  )
  return 1
}

# Refuses to start a part whose port another program holds; clears leftovers of our own
# (a process of this stack whose pid file was lost). The stack of another checkout on the
# same machine (CI runs in a fresh clone beside the work tree) is stopped with that
# checkout's own script when CI=true or GATEHOUSE_STACK_TAKEOVER=1, else named.
check_ports_free() {
  local part="$1" port pid pids foreign other
  for port in ${PART_PORTS[$part]}; do
    port_listening "$port" || continue
    pids="$(port_pids "$port")"
    foreign=""
    for pid in $pids; do
      if proc_is_ours "$pid"; then
        warn "$part: port $port held by a leftover of this stack, $(proc_desc "$pid"); stopping it"
        terminate_pid "$pid" 10
      elif other="$(other_stack_root "$pid")"; then
        if [[ "${CI:-}" == true || "${GATEHOUSE_STACK_TAKEOVER:-}" == 1 ]]; then
          warn "$part: port $port held by the stack of another checkout ($other); stopping that stack"
          bash "$other/scripts/stack.sh" down >&2 || true
        else
          fail_part "$part" "port $port is held by the stack of another checkout ($other): stop it with 'bash $other/scripts/stack.sh down' or set GATEHOUSE_STACK_TAKEOVER=1"
        fi
      else
        foreign+="$(proc_desc "$pid") "
      fi
    done
    if [[ -z "$pids" ]]; then foreign="an unknown process (not visible to $(id -un))"; fi
    if [[ -n "$foreign" ]]; then
      fail_part "$part" "port $port is taken by a foreign process: ${foreign% }; stop it or free the port"
    fi
    wait_until 10 bash -c "! ss -H -ltn 'sport = :$port' | grep -q ." ||
      fail_part "$part" "port $port still in use after stopping the previous holder"
  done
}

# Waits for a part: first `ready_P` if it exists (server up), then `after_P` (idempotent
# setup such as roles and buckets), then `health_P`.
await_part() {
  local part="$1" t="${PART_TIMEOUT[$1]}"
  local ready="health_$part"
  declare -F "ready_$part" >/dev/null && ready="ready_$part"
  if ! wait_until "$t" "$ready"; then
    if ! pid_alive "$(part_pid "$part")"; then
      fail_part "$part" "process exited during start-up"
    fi
    fail_part "$part" "not healthy after ${t}s"
  fi
  declare -F "after_$part" >/dev/null && "after_$part"
  wait_until "$t" "health_$part" || fail_part "$part" "not healthy after ${t}s"
}

# Starts a part unless it already runs (live pid AND healthy), in which case it is reused.
ensure_part() {
  local part="$1" pid t0
  pid="$(part_pid "$part")"
  if ours_alive "$pid"; then
    await_part "$part"
    RESULT[$part]="reused"
    if [[ "$part" == nginx ]] && reload_nginx_if_changed; then
      wait_until "${PART_TIMEOUT[nginx]}" health_nginx || fail_part nginx "not healthy after reload"
      RESULT[$part]="reloaded"
    fi
    return 0
  fi
  check_ports_free "$part"
  t0=$(now_s)
  "start_$part"
  await_part "$part"
  RESULT[$part]="started ($(($(now_s) - t0))s)"
}

write_env() {
  local tmp="$ENV_FILE.tmp"
  {
    echo "# Written by scripts/stack.sh up — addresses of the local stack (docs/DEVELOPING.md)."
    shell_export STACK_DIR "$STACK_DIR"
    shell_export DATABASE_URL "$DATABASE_URL"
    shell_export REDIS_URL "redis://127.0.0.1:56379"
    shell_export NATS_URL "nats://127.0.0.1:54222"
    shell_export NATS_MONITOR_URL "http://127.0.0.1:58222"
    shell_export S3_ENDPOINT "http://127.0.0.1:59000"
    shell_export S3_REGION "$S3_REGION"
    shell_export S3_BUCKET "$S3_BUCKET"
    shell_export S3_ACCESS_KEY_ID "$S3_ACCESS_KEY_ID"
    shell_export S3_SECRET_ACCESS_KEY "$S3_SECRET_ACCESS_KEY"
    shell_export S3_FORCE_PATH_STYLE "true"
    shell_export MINIO_AUDIT_LOG "$MINIO_AUDIT_LOG"
    shell_export STRIPE_API_HOST "127.0.0.1"
    shell_export STRIPE_API_PORT "52111"
    shell_export STRIPE_API_PROTOCOL "http"
    shell_export STRIPE_SECRET_KEY "$STRIPE_SECRET_KEY"
    shell_export EDGE_URL "http://127.0.0.1:$EDGE_PORT"
    shell_export EDGE_XACCEL_URL "http://127.0.0.1:$XACCEL_PORT"
    shell_export STATIC_URL "http://127.0.0.1:$STATIC_PORT"
    shell_export SMTP_URL "smtp://127.0.0.1:$SMTP_PORT"
    shell_export STACK_NGINX_DIR "$NGINX_DIR"
    shell_export STACK_NGINX_CONF_DIR "$NGINX_CONF_DIR"
    shell_export STACK_NGINX_CACHE_DIR "$NGINX_CACHE_DIR"
    shell_export STACK_WWW_DIR "$WWW_DIR"
    shell_export STACK_LOG_DIR "$LOG_DIR"
    shell_export NGINX_BIN "$NGINX_BIN"
    shell_export MINIO_BIN "$MINIO_BIN"
    shell_export NATS_SERVER_BIN "$NATS_SERVER_BIN"
    shell_export STRIPE_MOCK_BIN "$STRIPE_MOCK_BIN"
    shell_export REDIS_SERVER_BIN "$REDIS_SERVER_BIN"
    shell_export PG_BIN_DIR "$PG_BIN_DIR"
    shell_export PG_DATA_DIR "$PG_DATA"
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
}

print_table() {
  local part state pid health
  printf '\n%-12s %-14s %-8s %-13s %s\n' PART STATE PID PORTS LOG
  for part in "${STACK_PARTS[@]}"; do
    pid="$(part_pid "$part")"
    ours_alive "$pid" || pid="-"
    state="${RESULT[$part]:-}"
    part_external "$part" && state="external"
    if [[ -z "$state" ]]; then
      if [[ "$pid" != "-" ]] && "health_$part" >/dev/null 2>&1; then state="up"; else state="down"; fi
    fi
    printf '%-12s %-14s %-8s %-13s %s\n' "$part" "$state" "$pid" "${PART_PORTS[$part]// /,}" \
      "${LOG_DIR#"$ROOT"/}/$part.log"
  done
  echo
}

prepare() {
  mkdir -p "$STACK_DIR" "$LOG_DIR" "$PID_DIR"
  resolve_pg_home
  if part_external postgres; then
    # The server runs elsewhere; PG_BIN_DIR (client tools for tests) may be absent here.
    PG_BIN_DIR="$(find_pg_bin_dir 2>/dev/null)" || PG_BIN_DIR="/usr/lib/postgresql/not-installed/bin"
  else
    PG_BIN_DIR="$(find_pg_bin_dir)"
  fi
  load_minio_credentials
  write_env
}

cmd_up() {
  local t0 part
  t0=$(now_s)
  mkdir -p "$STACK_DIR" "$LOG_DIR" "$PID_DIR"
  reserve_ports
  ensure_installed
  prepare
  for part in "${STACK_PARTS[@]}"; do
    if part_external "$part"; then
      RESULT[$part]="external"
      continue
    fi
    ensure_part "$part"
  done
  print_table
  say "up in $(($(now_s) - t0))s; env: ${ENV_FILE#"$ROOT"/} (source it, or use 'npm test')"
}

stop_part() {
  local part="$1" pid
  if declare -F "stop_$part" >/dev/null; then
    "stop_$part"
  else
    pid="$(part_pid "$part")"
    terminate_pid "$pid" 15
  fi
  [[ "$part" == postgres ]] || rm -f "$PID_DIR/$part.pid"
}

cmd_down() {
  local purge="${1:-}" i part pid leftover=0 port
  resolve_pg_home
  PG_BIN_DIR="$(find_pg_bin_dir)"
  # The chart tests start a Kubernetes API server (etcd + kube-apiserver) beside the stack.
  if [[ -f "$ROOT/scripts/k8s/apiserver.sh" ]]; then bash "$ROOT/scripts/k8s/apiserver.sh" down || true; fi
  for ((i = ${#STACK_PARTS[@]} - 1; i >= 0; i--)); do
    part="${STACK_PARTS[$i]}"
    pid="$(part_pid "$part")"
    if ours_alive "$pid"; then
      say "stopping $part (pid $pid)"
      stop_part "$part"
    fi
  done
  # Anything of ours still alive (lost pid file, stray child) gets TERM then KILL.
  for pid in $(stack_pids); do
    warn "leftover stack process $(proc_desc "$pid"); stopping it"
    terminate_pid "$pid" 10
  done
  for pid in $(stack_pids); do
    warn "still running: $(proc_desc "$pid")"
    leftover=1
  done
  for part in "${STACK_PARTS[@]}"; do
    for port in ${PART_PORTS[$part]}; do
      if port_listening "$port"; then
        warn "port $port ($part) is still in use by $(port_pids "$port")"
        leftover=1
      fi
    done
  done
  if [[ "$purge" == --purge ]]; then
    say "purging $STACK_DIR"
    rm -rf "$STACK_DIR"
    if [[ -d "$PG_OUTSIDE_HOME" ]]; then
      say "purging $PG_OUTSIDE_HOME (postgres data outside the repo)"
      rm -rf "$PG_OUTSIDE_HOME"
    fi
  fi
  ((leftover == 0)) || die "down: some stack processes or ports remain (see above)"
  say "down: no stack process left${purge:+; .stack purged}"
}

cmd_status() {
  [[ -d "$STACK_DIR" ]] || {
    say "no stack at $STACK_DIR (run: npm run stack:up)"
    exit 1
  }
  resolve_pg_home
  PG_BIN_DIR="$(find_pg_bin_dir)"
  print_table
  local part
  for part in "${STACK_PARTS[@]}"; do
    part_external "$part" && continue
    ours_alive "$(part_pid "$part")" && "health_$part" >/dev/null 2>&1 || exit 1
  done
}

cmd_start() {
  local part="${1:-}"
  valid_part "$part" || die "unknown part '$part' (one of: ${STACK_PARTS[*]})"
  mkdir -p "$STACK_DIR" "$LOG_DIR" "$PID_DIR"
  ensure_installed
  prepare
  # MinIO posts its audit log to the recorder: bring that up first.
  [[ "$part" == minio ]] && ensure_part minio-audit
  ensure_part "$part"
  say "$part: ${RESULT[$part]}"
}

cmd_stop() {
  local part="${1:-}" pid
  valid_part "$part" || die "unknown part '$part' (one of: ${STACK_PARTS[*]})"
  part_external "$part" && die "$part is provided externally (GATEHOUSE_EXTERNAL_PARTS); manage it there"
  resolve_pg_home
  PG_BIN_DIR="$(find_pg_bin_dir)"
  pid="$(part_pid "$part")"
  if ! ours_alive "$pid"; then
    say "$part: not running"
    return 0
  fi
  stop_part "$part"
  local port
  for port in ${PART_PORTS[$part]}; do
    wait_until 10 bash -c "! ss -H -ltn 'sport = :$port' | grep -q ." ||
      die "$part stopped but port $port is still in use"
  done
  say "$part: stopped (pid $pid)"
}

cmd_reload_nginx() {
  prepare
  if ! ours_alive "$(part_pid nginx)"; then
    ensure_part nginx
    say "nginx: ${RESULT[nginx]}"
    return 0
  fi
  reload_nginx_if_changed force
  wait_until "${PART_TIMEOUT[nginx]}" health_nginx || fail_part nginx "not healthy after reload"
  say "nginx: reloaded (conf.d: $NGINX_CONF_DIR)"
}

cmd_env() {
  [[ -f "$ENV_FILE" ]] || die "no $ENV_FILE yet — run: npm run stack:up"
  cat "$ENV_FILE"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
  up) cmd_up ;;
  down) cmd_down "${1:-}" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  start) cmd_start "${1:-}" ;;
  stop) cmd_stop "${1:-}" ;;
  reload-nginx) cmd_reload_nginx ;;
  *)
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    [[ -z "$cmd" || "$cmd" == -h || "$cmd" == --help ]] || exit 2
    ;;
  esac
}

main "$@"
