# shellcheck shell=bash
# Start / health / stop for each part of the local stack.
# Sourced by scripts/stack.sh after lib/common.sh and lib/install.sh.
# Each part P has: start_P (launch, no waiting), health_P (0 when it answers),
# and optionally after_P (one-time setup once healthy) and stop_P (default: pid file).

NGINX_BIN="${GATEHOUSE_NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}"
REDIS_SERVER_BIN="${GATEHOUSE_REDIS_SERVER_BIN:-$(command -v redis-server || echo /usr/bin/redis-server)}"
NODE_BIN="$ROOT/node_modules/.bin/node"
[[ -x "$NODE_BIN" ]] || NODE_BIN="$(command -v node || echo node)"

NGINX_DIR="$STACK_DIR/nginx"
NGINX_CONF="$NGINX_DIR/nginx.conf"
NGINX_CONF_DIR="$NGINX_DIR/conf.d"
NGINX_CACHE_DIR="$NGINX_DIR/cache"
WWW_DIR="$STACK_DIR/www"
MINIO_AUDIT_LOG="$LOG_DIR/minio-audit.jsonl"
MINIO_CREDENTIALS="$STACK_DIR/minio/credentials"
S3_BUCKET="gatehouse-media"
S3_REGION="us-east-1"
STRIPE_SECRET_KEY="sk_test_123"
DATABASE_URL="postgresql://gatehouse:gatehouse@127.0.0.1:55432/gatehouse"

part_log() {
  printf '%s/%s.log' "$LOG_DIR" "$1"
}

part_pid() {
  local part="$1"
  case "$part" in
  postgres) read_pid "$PG_DATA/postmaster.pid" ;;
  *) read_pid "$PID_DIR/$part.pid" ;;
  esac
}

# ---------------------------------------------------------------- postgres
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user with a
# data dir that user owns. When that user cannot reach the repo, the data lives under
# /var/tmp/gatehouse-<hash of repo path>/ instead.
PG_SYSTEM_USER="postgres"
PG_PORT=55432

resolve_pg_home() {
  local hash
  hash="$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
  PG_OUTSIDE_HOME="/var/tmp/gatehouse-$hash"
  if is_root && [[ -d "$PG_OUTSIDE_HOME/postgres" ]]; then
    PG_HOME="$PG_OUTSIDE_HOME/postgres"
  else
    PG_HOME="$STACK_DIR/postgres"
  fi
  PG_DATA="$PG_HOME/data"
  PG_SOCK_DIR="$PG_HOME/run"
  PG_LOG_FILE="$PG_HOME/postgres.log"
}

as_pg() {
  if is_root; then
    (cd / && runuser -u "$PG_SYSTEM_USER" -- "$@")
  else
    "$@"
  fi
}

ensure_pg_user() {
  is_root || return 0
  id "$PG_SYSTEM_USER" >/dev/null 2>&1 && return 0
  say "creating system user $PG_SYSTEM_USER"
  useradd --system --user-group --home-dir /var/lib/postgresql --shell /usr/sbin/nologin "$PG_SYSTEM_USER"
}

# Picks (once) where the data dir lives and makes it owned by the server's user.
prepare_pg_home() {
  ensure_pg_user
  if is_root && [[ "$PG_HOME" == "$STACK_DIR/postgres" ]]; then
    mkdir -p "$PG_HOME"
    chown "$PG_SYSTEM_USER:" "$PG_HOME"
    if ! runuser -u "$PG_SYSTEM_USER" -- test -w "$PG_HOME" -a -x "$PG_HOME"; then
      rmdir "$PG_HOME" 2>/dev/null || true
      say "postgres: user $PG_SYSTEM_USER cannot reach $STACK_DIR; data goes to $PG_OUTSIDE_HOME"
      PG_HOME="$PG_OUTSIDE_HOME/postgres"
      PG_DATA="$PG_HOME/data"
      PG_SOCK_DIR="$PG_HOME/run"
      PG_LOG_FILE="$PG_HOME/postgres.log"
      mkdir -p "$PG_HOME"
      chmod 755 "$PG_OUTSIDE_HOME"
      chown "$PG_SYSTEM_USER:" "$PG_HOME"
    fi
  else
    mkdir -p "$PG_HOME"
    is_root && chown "$PG_SYSTEM_USER:" "$PG_HOME"
  fi
  as_pg mkdir -p "$PG_SOCK_DIR"
  as_pg touch "$PG_LOG_FILE"
  # One place to look for every log, wherever the data lives.
  ln -sfn "$PG_LOG_FILE" "$LOG_DIR/postgres.log"
}

start_postgres() {
  prepare_pg_home
  if [[ ! -s "$PG_DATA/PG_VERSION" ]]; then
    say "postgres: initdb $PG_DATA"
    as_pg "$PG_BIN_DIR/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --no-locale >>"$PG_LOG_FILE" 2>&1 || fail_part postgres "initdb failed"
    # A throwaway dev/test database: durability settings off for speed. Enough
    # connections for four services' pools plus parallel test files.
    as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null <<EOF

# --- gatehouse local stack (scripts/stack.sh) ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK_DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi
  rm -f "$PID_DIR/postgres.pid"
  # setsid: the postmaster must outlive the shell that ran `up`.
  as_pg setsid "$PG_BIN_DIR/pg_ctl" -D "$PG_DATA" -l "$PG_LOG_FILE" -s start >>"$PG_LOG_FILE" 2>&1 ||
    fail_part postgres "pg_ctl start failed"
}

pg_super_psql() {
  as_pg "$PG_BIN_DIR/psql" -h "$PG_SOCK_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

health_postgres() {
  "$PG_BIN_DIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 &&
    PGCONNECT_TIMEOUT=3 "$PG_BIN_DIR/psql" "$DATABASE_URL" -qAt -c 'select 1' | grep -qx 1
}

# The server answers before the app role exists; health_postgres needs the role.
ready_postgres() {
  "$PG_BIN_DIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2
}

after_postgres() {
  pg_super_psql <<'SQL' >/dev/null
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gatehouse') THEN
    -- CREATEDB: Prisma's migrate dev needs a shadow database.
    CREATE ROLE gatehouse LOGIN CREATEDB PASSWORD 'gatehouse';
  END IF;
END
$$;
SQL
  if [[ "$(pg_super_psql -c "SELECT 1 FROM pg_database WHERE datname = 'gatehouse'")" != 1 ]]; then
    pg_super_psql -c 'CREATE DATABASE gatehouse OWNER gatehouse' >/dev/null
  fi
}

stop_postgres() {
  local pid
  pid="$(part_pid postgres)"
  ours_alive "$pid" || return 0
  as_pg "$PG_BIN_DIR/pg_ctl" -D "$PG_DATA" stop -m fast -w -t 30 -s >>"$PG_LOG_FILE" 2>&1 || true
  terminate_pid "$pid" 10
}

# ---------------------------------------------------------------- redis
start_redis() {
  mkdir -p "$STACK_DIR/redis"
  launch redis "$STACK_DIR/redis" "$(part_log redis)" "$REDIS_SERVER_BIN" \
    --bind 127.0.0.1 --port 56379 --save '' --appendonly no --daemonize no \
    --dir "$STACK_DIR/redis" --logfile ''
}

health_redis() {
  [[ "$(redis-cli -h 127.0.0.1 -p 56379 ping 2>/dev/null)" == PONG ]]
}

# ---------------------------------------------------------------- nats
start_nats() {
  mkdir -p "$STACK_DIR/nats/jetstream"
  launch nats "$STACK_DIR/nats" "$(part_log nats)" "$NATS_SERVER_BIN" \
    --server_name gatehouse-local -a 127.0.0.1 -p 54222 -m 58222 \
    -js -sd "$STACK_DIR/nats/jetstream"
}

health_nats() {
  http_ok 'http://127.0.0.1:58222/healthz?js-enabled-only=true'
}

# ---------------------------------------------------------------- minio-audit
start_minio-audit() {
  mkdir -p "$STACK_DIR/minio-audit"
  launch minio-audit "$STACK_DIR/minio-audit" "$(part_log minio-audit)" "$NODE_BIN" \
    "$ROOT/scripts/minio-audit-recorder.mjs" --host 127.0.0.1 --port 52600 --out "$MINIO_AUDIT_LOG"
}

health_minio-audit() {
  http_ok http://127.0.0.1:52600/healthz
}

# ---------------------------------------------------------------- minio
# Root credentials are generated once per stack and kept until `down --purge`.
load_minio_credentials() {
  if [[ ! -s "$MINIO_CREDENTIALS" ]]; then
    mkdir -p "$(dirname "$MINIO_CREDENTIALS")"
    (
      umask 077
      printf 'gatehouse-%s\n%s\n' "$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')" \
        "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >"$MINIO_CREDENTIALS"
    )
  fi
  S3_ACCESS_KEY_ID="$(sed -n 1p "$MINIO_CREDENTIALS")"
  S3_SECRET_ACCESS_KEY="$(sed -n 2p "$MINIO_CREDENTIALS")"
}

start_minio() {
  mkdir -p "$STACK_DIR/minio/data"
  # Audit webhook → minio-audit recorder: tests count origin GETs per object from it.
  launch minio "$STACK_DIR/minio" "$(part_log minio)" env \
    MINIO_ROOT_USER="$S3_ACCESS_KEY_ID" MINIO_ROOT_PASSWORD="$S3_SECRET_ACCESS_KEY" \
    MINIO_REGION="$S3_REGION" \
    MINIO_AUDIT_WEBHOOK_ENABLE_gatehouse=on \
    MINIO_AUDIT_WEBHOOK_ENDPOINT_gatehouse=http://127.0.0.1:52600/ \
    MINIO_PROMETHEUS_AUTH_TYPE=public \
    MINIO_UPDATE=off \
    "$MINIO_BIN" server --address 127.0.0.1:59000 --console-address 127.0.0.1:59001 \
    "$STACK_DIR/minio/data"
}

health_minio() {
  http_ok http://127.0.0.1:59000/minio/health/live
}

s3_curl() {
  # curl signs the request itself (SigV4), so no AWS CLI is needed.
  curl -sS --max-time 10 --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY_ID:$S3_SECRET_ACCESS_KEY" \
    -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' "$@"
}

after_minio() {
  local code
  code="$(s3_curl -o /dev/null -w '%{http_code}' -I "http://127.0.0.1:59000/$S3_BUCKET")"
  [[ "$code" == 200 ]] && return 0
  code="$(s3_curl -o "$STACK_DIR/minio/create-bucket.out" -w '%{http_code}' -X PUT "http://127.0.0.1:59000/$S3_BUCKET")"
  if [[ "$code" != 200 ]]; then
    cat "$STACK_DIR/minio/create-bucket.out" >&2 || true
    fail_part minio "creating bucket $S3_BUCKET answered HTTP $code"
  fi
  say "minio: created bucket $S3_BUCKET"
}

# ---------------------------------------------------------------- stripe-mock
start_stripe-mock() {
  launch stripe-mock "$STACK_DIR/stripe-mock" "$(part_log stripe-mock)" "$STRIPE_MOCK_BIN" \
    -http-addr 127.0.0.1:52111 -https-addr 127.0.0.1:52112
}

health_stripe-mock() {
  http_ok -H "Authorization: Bearer $STRIPE_SECRET_KEY" http://127.0.0.1:52111/v1/customers
}

# ---------------------------------------------------------------- nginx
# The Debian binary with its own prefix: pid, temp dirs, logs and cache under .stack/nginx;
# /etc/nginx and the system nginx are never touched.
nginx_cmd() {
  "$NGINX_BIN" -p "$NGINX_DIR/" -c "$NGINX_CONF" -e "$NGINX_DIR/logs/error.log" "$@"
}

nginx_worker_user() {
  local u
  for u in www-data nobody; do
    if id "$u" >/dev/null 2>&1; then
      printf '%s %s' "$u" "$(id -gn "$u")"
      return 0
    fi
  done
}

write_nginx_conf() {
  local user_line="" worker
  mkdir -p "$NGINX_CONF_DIR" "$NGINX_DIR/logs" "$NGINX_CACHE_DIR" "$WWW_DIR" \
    "$NGINX_DIR"/tmp/{client_body,proxy,fastcgi,uwsgi,scgi}
  if is_root; then
    worker="$(nginx_worker_user)"
    user_line="user ${worker};"
    # Workers (not root) write temp files and the cache, and read the static files.
    chown -R "${worker% *}:${worker#* }" "$NGINX_DIR/tmp" "$NGINX_CACHE_DIR"
  fi
  chmod 755 "$STACK_DIR" "$NGINX_DIR" "$WWW_DIR"
  cat >"$NGINX_CONF" <<EOF
# Generated by scripts/stack.sh — do not edit; add servers as conf.d/*.conf.
$user_line
worker_processes 2;
daemon off;
pid "$NGINX_DIR/nginx.pid";
error_log "$NGINX_DIR/logs/error.log" notice;

events {
  worker_connections 4096;
}

http {
  include "$NGINX_DIR/mime.types";
  default_type application/octet-stream;
  access_log "$NGINX_DIR/logs/access.log";
  client_body_temp_path "$NGINX_DIR/tmp/client_body";
  proxy_temp_path "$NGINX_DIR/tmp/proxy";
  fastcgi_temp_path "$NGINX_DIR/tmp/fastcgi";
  uwsgi_temp_path "$NGINX_DIR/tmp/uwsgi";
  scgi_temp_path "$NGINX_DIR/tmp/scgi";
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 100000;
  server_tokens off;

  include "$NGINX_CONF_DIR/*.conf";
}
EOF
  # Our own small type map: the stack does not read /etc/nginx.
  cat >"$NGINX_DIR/mime.types" <<'EOF'
types {
  text/html html htm;
  text/plain txt;
  text/css css;
  application/javascript js mjs;
  application/json json;
  application/xml xml;
  application/rss+xml rss;
  image/jpeg jpg jpeg;
  image/png png;
  image/webp webp;
  audio/mpeg mp3;
  audio/mp4 m4a;
  audio/aac aac;
  audio/ogg ogg oga;
  audio/opus opus;
  video/mp4 mp4 m4v;
  application/pdf pdf;
  application/zip zip;
}
EOF
  # Baseline for benchmarks: plain nginx serving .stack/www.
  cat >"$NGINX_CONF_DIR/static.conf" <<EOF
# Generated by scripts/stack.sh: nginx serving .stack/www as static files (benchmark baseline).
server {
  listen 127.0.0.1:$STATIC_PORT;
  server_name _;
  root "$WWW_DIR";
  location / {
    try_files \$uri =404;
  }
}
EOF
  [[ -f "$WWW_DIR/healthz" ]] || printf 'ok\n' >"$WWW_DIR/healthz"
  [[ -f "$WWW_DIR/index.html" ]] || printf '<!doctype html><title>gatehouse stack</title>\n' >"$WWW_DIR/index.html"
  chmod -R a+rX "$WWW_DIR"
  render_edge_conf
}

# nginx-ingress/render.sh (owned by the edge config) renders the edge server for the local
# stack from the same text as the cluster targets. It runs with the stack's env exported.
render_edge_conf() {
  local renderer="$ROOT/nginx-ingress/render.sh" out="$NGINX_CONF_DIR/edge.conf"
  if [[ ! -x "$renderer" ]]; then
    rm -f "$out"
    return 0
  fi
  if ! (
    set -a
    # shellcheck disable=SC1090
    source "$ENV_FILE"
    set +a
    # The containers option's ports and storage origin (scripts/stack-containers.ts).
    values=()
    if [[ "${GATEHOUSE_STACK:-}" == containers && -f "$STACK_DIR/edge-values.json" ]]; then
      values=(--values "$STACK_DIR/edge-values.json")
    fi
    cd "$ROOT" && "$renderer" local "${values[@]}"
  ) >"$out.tmp" 2>"$LOG_DIR/nginx-render.log"; then
    rm -f "$out.tmp"
    tail -n 20 "$LOG_DIR/nginx-render.log" | sed 's/^/  | /' >&2
    fail_part nginx "nginx-ingress/render.sh local failed" "$LOG_DIR/nginx-render.log"
  fi
  mv "$out.tmp" "$out"
}

nginx_conf_digest() {
  cat "$NGINX_CONF" "$NGINX_DIR/mime.types" "$NGINX_CONF_DIR"/*.conf 2>/dev/null | sha256sum | cut -c1-16
}

test_nginx_conf() {
  if ! nginx_cmd -t -q >"$LOG_DIR/nginx-configtest.log" 2>&1; then
    sed 's/^/  | /' "$LOG_DIR/nginx-configtest.log" >&2
    fail_part nginx "nginx -t rejected the config (conf.d: $NGINX_CONF_DIR)" "$LOG_DIR/nginx-configtest.log"
  fi
}

start_nginx() {
  write_nginx_conf
  test_nginx_conf
  nginx_conf_digest >"$NGINX_DIR/loaded.digest"
  launch nginx "$NGINX_DIR" "$(part_log nginx)" "$NGINX_BIN" -p "$NGINX_DIR/" -c "$NGINX_CONF" \
    -e "$NGINX_DIR/logs/error.log"
}

health_nginx() {
  http_ok "http://127.0.0.1:$STATIC_PORT/healthz" || return 1
  if [[ -f "$NGINX_CONF_DIR/edge.conf" ]]; then
    # Any HTTP answer from the edge will do: its routes need the services behind it.
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$EDGE_PORT/" || true)" != 000 ]]
  fi
}

# Re-render and reload a running nginx when its config changed (graceful: HUP).
reload_nginx_if_changed() {
  local force="${1:-}"
  write_nginx_conf
  if [[ -z "$force" && "$(nginx_conf_digest)" == "$(cat "$NGINX_DIR/loaded.digest" 2>/dev/null)" ]]; then
    return 1
  fi
  test_nginx_conf
  kill -HUP "$(part_pid nginx)"
  nginx_conf_digest >"$NGINX_DIR/loaded.digest"
  return 0
}

after_nginx() { :; }
