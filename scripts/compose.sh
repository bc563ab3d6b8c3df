#!/usr/bin/env bash
# The platform in containers on one Docker network (compose.yaml), on the local images:
#
#   scripts/compose.sh up      build/find the images, write secrets, start, migrate, seed a demo,
#                              then the checks below
#   scripts/compose.sh check   the checks again (the demo of the last `up`), through the edge: the
#                              private feed (200), a media URL (206), the pages (/app, /app/,
#                              /listen/…, an asset), web's /readyz (from the edge's container), its
#                              API and the operator API (401 without OPERATOR_API_KEY, 200 with),
#                              a portal sign-in mail reaching the mail relay (SMTP_URL), and the
#                              records shipper shipping the edge records
#   scripts/compose.sh ps      docker-compose ps
#   scripts/compose.sh down    stop and remove the containers and their volumes
#
# Uses `docker compose` when the plugin exists, else Debian's `docker-compose` (installed when
# missing, as root). Only the edge publishes a port, on a free host port of 127.0.0.1 chosen
# here (PUBLIC_BASE_URL must name it before the services start).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"
# shellcheck source=lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=lib/install.sh
source "$ROOT/scripts/lib/install.sh"
# shellcheck source=lib/docker.sh
source "$ROOT/scripts/lib/docker.sh"

COMPOSE_DIR="$STACK_DIR/compose"
SERVICES=(auth media feeds billing analytics web)
# Each service's port in compose.yaml (its default PORT).
SERVICE_PORTS_JSON='{"auth":53001,"media":53002,"feeds":53003,"billing":53004,"analytics":53005,"web":53006}'
PROJECT="${GATEHOUSE_COMPOSE_PROJECT:-gatehouse}"
IMAGES_ENV="${GATEHOUSE_IMAGES_ENV:-$HOME/.cache/gatehouse/images/images.env}"
say() { printf 'compose: %s\n' "$*"; }
die() {
  printf 'compose: ERROR: %s\n' "$*" >&2
  exit 1
}

compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -p "$PROJECT" -f "$ROOT/compose.yaml" "$@"
  else
    docker-compose -p "$PROJECT" -f "$ROOT/compose.yaml" "$@"
  fi
}

ensure_compose() {
  docker compose version >/dev/null 2>&1 && return 0
  command -v docker-compose >/dev/null 2>&1 || ensure_deb_packages docker-compose
}

# A running container of one compose service (docker-compose 1.x names it <project>_<service>_1,
# the compose plugin <project>-<service>-1: the labels are the same).
container_filter() { printf -- '--filter label=com.docker.compose.project=%s --filter label=com.docker.compose.service=%s' "$PROJECT" "$1"; }
container() {
  local id
  # shellcheck disable=SC2046 # the filter is two options on purpose
  id="$(docker ps -q $(container_filter "$1") | head -n1)"
  [[ -n "$id" ]] || die "no running container of the compose service '$1' (scripts/compose.sh ps)"
  printf '%s' "$id"
}

# `check` after an `up` of another shell: the edge port and the secrets that `up` wrote.
load_state() {
  [[ -f "$COMPOSE_DIR/platform.env" && -f "$COMPOSE_DIR/demo.txt" ]] || die "nothing is up (run scripts/compose.sh up)"
  EDGE_HOST_PORT="$(sed -n 's|^PUBLIC_BASE_URL=http://127.0.0.1:||p' "$COMPOSE_DIR/platform.env")"
  set -a
  # shellcheck disable=SC1091
  source "$COMPOSE_DIR/secrets.env"
  set +a
}

random() { node -e "process.stdout.write(require('node:crypto').randomBytes($1).toString('$2'))"; }

free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });'
}

# Secrets once (kept across `up`s so volumes stay readable); the edge port each `up`.
write_env() {
  mkdir -p "$COMPOSE_DIR" "$COMPOSE_DIR/mail"
  chmod 700 "$COMPOSE_DIR"
  if [[ ! -f "$COMPOSE_DIR/secrets.env" ]]; then
    cat >"$COMPOSE_DIR/secrets.env" <<EOF
MINIO_ROOT_USER=gatehouse-$(random 6 hex)
MINIO_ROOT_PASSWORD=$(random 24 hex)
TOKEN_KEYS=k1:$(random 32 base64url)
TOKEN_ACTIVE_KID=k1
STRIPE_WEBHOOK_SECRETS=whsec_$(random 24 hex)
INTERNAL_API_TOKEN=$(random 32 base64url)
SECURE_LINK_SECRET=$(random 32 base64url)
EOF
  fi
  # Secrets added since an older secrets.env was written.
  grep -q '^OPERATOR_API_KEY=' "$COMPOSE_DIR/secrets.env" ||
    printf 'OPERATOR_API_KEY=%s\n' "$(random 32 base64url)" >>"$COMPOSE_DIR/secrets.env"
  set -a
  # shellcheck disable=SC1091
  source "$COMPOSE_DIR/secrets.env"
  set +a
  EDGE_HOST_PORT="$(free_port)"
  printf 'MINIO_ROOT_USER=%s\nMINIO_ROOT_PASSWORD=%s\nMINIO_REGION=us-east-1\nMINIO_UPDATE=off\n' \
    "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >"$COMPOSE_DIR/minio.env"
  cat >"$COMPOSE_DIR/platform.env" <<EOF
HOST=0.0.0.0
LOG_LEVEL=info
DATABASE_URL=postgresql://gatehouse:gatehouse@postgres:5432/gatehouse
REDIS_URL=redis://redis:6379
NATS_URL=nats://nats:4222
S3_ENDPOINT=http://minio:9000
S3_REGION=us-east-1
S3_BUCKET=gatehouse-media
S3_ACCESS_KEY_ID=$MINIO_ROOT_USER
S3_SECRET_ACCESS_KEY=$MINIO_ROOT_PASSWORD
S3_FORCE_PATH_STYLE=true
STRIPE_API_HOST=stripe-mock
STRIPE_API_PORT=12111
STRIPE_API_PROTOCOL=http
STRIPE_SECRET_KEY=sk_test_123
SMTP_URL=${GATEHOUSE_SMTP_URL:-smtp://mail:2525}
PUBLIC_BASE_URL=http://127.0.0.1:$EDGE_HOST_PORT
MEDIA_PUBLIC_URL=http://127.0.0.1:$EDGE_HOST_PORT
MEDIA_INTERNAL_URL=http://media:53002
BILLING_URL=http://billing:53004
$(grep -E '^(TOKEN_KEYS|TOKEN_ACTIVE_KID|STRIPE_WEBHOOK_SECRETS|INTERNAL_API_TOKEN|SECURE_LINK_SECRET|OPERATOR_API_KEY)=' "$COMPOSE_DIR/secrets.env")
EOF
  chmod 600 "$COMPOSE_DIR"/*.env
  # The edge: nginx-ingress's `edge` target, pointed at the services and MinIO by name through
  # Docker's DNS (127.0.0.11). Every upstream the render knows becomes `<name>:<port>` (a service
  # compose.yaml does not run is an error here, not an nginx that cannot resolve it); the edge
  # records go to the volume the shipper shares.
  node --input-type=module -e '
    import { defaultValues } from "./nginx-ingress/src/edge-values.ts";
    const [secret, ports] = [process.argv[1], JSON.parse(process.argv[2])];
    const upstreams = {};
    for (const name of Object.keys(defaultValues("edge").upstreams)) {
      if (!ports[name]) throw new Error(`compose.sh: the edge render has an upstream "${name}" compose.yaml does not run`);
      upstreams[name] = { servers: [`${name}:${ports[name]}`] };
    }
    process.stdout.write(JSON.stringify({
      upstreams,
      origin: { allow: ["http://minio:9000"], resolver: "127.0.0.11 valid=10s ipv6=off" },
      secureLink: { secret },
      records: { enabled: true, path: "/var/log/gatehouse/edge-records.log" },
    }));' "$SECURE_LINK_SECRET" "$SERVICE_PORTS_JSON" >"$COMPOSE_DIR/edge-values.json"
  nginx-ingress/render.sh edge --values "$COMPOSE_DIR/edge-values.json" >"$COMPOSE_DIR/nginx.conf.tmp"
  mv "$COMPOSE_DIR/nginx.conf.tmp" "$COMPOSE_DIR/nginx.conf"
  chmod 644 "$COMPOSE_DIR/nginx.conf"
}

load_images() {
  bash scripts/images/build.sh "${SERVICES[@]}" migrate postgres redis nats minio stripe-mock edge
  set -a
  # shellcheck disable=SC1090
  source "$IMAGES_ENV"
  set +a
  export GATEHOUSE_EDGE_HOST_PORT="$EDGE_HOST_PORT"
}

# The demo seed (scripts/demo-seed.ts) runs on the compose network in the node image, with the
# repository mounted (it uses the dev dependencies), and reaches every part by name.
seed_demo() {
  local network="${PROJECT}_default"
  docker run --rm --network "$network" -v "$ROOT:/repo" -w /repo \
    --env-file "$COMPOSE_DIR/platform.env" -e EDGE_URL=http://edge:8080 \
    "$GATEHOUSE_IMAGE_NODE" node scripts/demo-seed.ts --fresh | tee "$COMPOSE_DIR/demo.txt"
}

check_demo() {
  local feed_url media_url code
  feed_url="$(sed -n 's/^private feed: *//p' "$COMPOSE_DIR/demo.txt")"
  media_url="$(sed -n 's/^media (premium): *//p' "$COMPOSE_DIR/demo.txt")"
  [[ -n "$feed_url" && -n "$media_url" ]] || die "the demo seed printed no feed/media URL (see above)"
  code="$(curl -sS --max-time 10 -o "$COMPOSE_DIR/demo-feed.xml" -w '%{http_code}' "$feed_url")" || code=000
  [[ "$code" == 200 ]] || die "private feed answered $code: $feed_url"
  grep -q '<enclosure' "$COMPOSE_DIR/demo-feed.xml" || die "the private feed has no enclosure ($COMPOSE_DIR/demo-feed.xml)"
  say "private feed through the edge: 200, $(grep -c '<item>' "$COMPOSE_DIR/demo-feed.xml") items — $feed_url"
  code="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -r 0-1 "$media_url")" || code=000
  [[ "$code" == 206 ]] || die "media URL answered $code to Range: bytes=0-1 (want 206): $media_url"
  say "media through the edge: 206 to Range: bytes=0-1 — $media_url"
  check_pages
  check_web
  check_mail
  check_records
}

# usage: edge_get PATH [CURL_ARG…] — the status code of a GET through the edge; the body in page.out.
edge_get() {
  local path="$1"
  shift
  : >"$COMPOSE_DIR/page.out"
  curl -sS --max-time 10 -o "$COMPOSE_DIR/page.out" -w '%{http_code}' "$@" "http://127.0.0.1:$EDGE_HOST_PORT$path" || echo 000
}

# The web service: healthy as the edge sees it (its /readyz from the edge's container, by name: the
# edge does not route /readyz to a service), its JSON API and the operator API through the edge —
# the latter with OPERATOR_API_KEY (it lists the demo tenant) and without (401).
check_web() {
  local code slug status
  status="$(docker exec "$(container edge)" bash -c \
    'exec 3<>/dev/tcp/web/53006 && printf "GET /readyz HTTP/1.0\r\nHost: web\r\n\r\n" >&3 && head -n1 <&3' 2>&1 | tr -d '\r')" || true
  [[ "$status" == *" 200 "* ]] || die "web's /readyz from the edge container answered '$status' (want 200)"
  code="$(edge_get /web/v1/session)"
  [[ "$code" == 401 ]] && grep -q '"code"' "$COMPOSE_DIR/page.out" ||
    die "/web/v1/session without a session answered $code (want 401 with an error code): $(head -c 200 "$COMPOSE_DIR/page.out")"
  code="$(edge_get /operator/v1/tenants)"
  [[ "$code" == 401 ]] || die "/operator/v1/tenants without the operator key answered $code (want 401)"
  slug="$(sed -n 's/^demo tenant: *\([^ ]*\).*/\1/p' "$COMPOSE_DIR/demo.txt")"
  code="$(edge_get /operator/v1/tenants -H "Authorization: Bearer $OPERATOR_API_KEY")"
  [[ "$code" == 200 ]] && grep -q "\"$slug\"" "$COMPOSE_DIR/page.out" ||
    die "/operator/v1/tenants with OPERATOR_API_KEY answered $code without the demo tenant '$slug': $(head -c 200 "$COMPOSE_DIR/page.out")"
  say "web through the edge: /readyz 200 (edge → web by name), /web/v1/session 401, /operator/v1/tenants 401 without the key, 200 with it (lists $slug)"
}

# Mail leaves the services through SMTP_URL: a listener's portal sign-in link (feeds) reaches the
# compose mail relay (its log) — or the relay GATEHOUSE_SMTP_URL names, whose inbox is not ours.
check_mail() {
  local slug code log="$COMPOSE_DIR/mail/mail.log" before after=0
  slug="$(sed -n 's/^demo tenant: *\([^ ]*\).*/\1/p' "$COMPOSE_DIR/demo.txt")"
  before="$(grep -c '^to: listener@example.com' "$log" 2>/dev/null || true)"
  : >"$COMPOSE_DIR/page.out"
  code="$(curl -sS --max-time 20 -o "$COMPOSE_DIR/page.out" -w '%{http_code}' -H 'content-type: application/json' \
    --data '{"email":"listener@example.com"}' "http://127.0.0.1:$EDGE_HOST_PORT/portal/$slug/api/sign-in-link")" || code=000
  [[ "$code" == 202 ]] || die "the portal sign-in link answered $code (want 202): $(head -c 200 "$COMPOSE_DIR/page.out")"
  if [[ -n "${GATEHOUSE_SMTP_URL:-}" ]]; then
    say "mail: the portal sign-in link was accepted (202); it went to GATEHOUSE_SMTP_URL, not checked here"
    return 0
  fi
  for _ in $(seq 1 30); do
    after="$(grep -c '^to: listener@example.com' "$log" 2>/dev/null || true)"
    ((${after:-0} > ${before:-0})) && break
    sleep 1
  done
  ((${after:-0} > ${before:-0})) || die "no sign-in mail reached the mail relay within 30s ($log; docker logs $(container mail))"
  say "mail: the portal sign-in link (202) reached the mail relay (smtp://mail:2525) — $log"
}

# The web service's pages through the edge: /app/ (the HTML shell of the single-page app) and the
# first script it loads (/ui/assets/…). Only when the edge render routes to the web service.
check_pages() {
  local base="http://127.0.0.1:$EDGE_HOST_PORT" code asset
  if ! grep -q 'upstream [a-z_]*web\b' "$COMPOSE_DIR/nginx.conf"; then
    say "pages: the edge render has no web upstream yet (nginx-ingress); /app is not checked"
    return 0
  fi
  for path in /app /app/ /listen/demo; do
    code="$(curl -sS --max-time 10 -o "$COMPOSE_DIR/page.html" -w '%{http_code}' "$base$path")" || code=000
    [[ "$code" == 200 ]] || die "$path through the edge answered $code (want 200)"
  done
  grep -q '<div id="root"' "$COMPOSE_DIR/page.html" || grep -qi '<script' "$COMPOSE_DIR/page.html" ||
    die "the page is not the app's HTML shell ($COMPOSE_DIR/page.html)"
  asset="$(grep -o '/ui/assets/[^"]*\.js' "$COMPOSE_DIR/page.html" | head -n1)"
  [[ -n "$asset" ]] || die "the page names no /ui/assets/*.js ($COMPOSE_DIR/page.html)"
  code="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$base$asset")" || code=000
  [[ "$code" == 200 ]] || die "$asset through the edge answered $code (want 200)"
  say "pages through the edge: 200 for /app, /app/, /listen/demo and $asset"
}

# The requests above wrote edge records; the shipper publishes them to JetStream.
check_records() {
  local shipped=0
  for _ in $(seq 1 30); do
    shipped="$(docker exec "$(container edge-records-shipper)" node -e "fetch('http://127.0.0.1:9464/metrics').then(r=>r.text()).then(t=>{let n=0;for(const l of t.split('\n'))if(l.startsWith('edge_records_shipped_total'))n+=Number(l.split(' ').pop());console.log(n)})" 2>/dev/null || echo 0)"
    [[ "${shipped:-0}" != 0 ]] && break
    sleep 1
  done
  [[ "${shipped:-0}" != 0 ]] || die "the records shipper shipped nothing within 30s (docker logs $(container edge-records-shipper))"
  say "edge records: the shipper has shipped $shipped record(s) to JetStream"
}

case "${1:-}" in
up)
  ensure_docker_engine
  ensure_compose
  t0=$(now_s)
  write_env
  load_images
  compose up -d --remove-orphans
  wait_until 180 bash -c "curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:$EDGE_HOST_PORT/healthz" ||
    die "the edge did not answer on 127.0.0.1:$EDGE_HOST_PORT within 180s (scripts/compose.sh ps; docker-compose logs)"
  # A bound, not a delay: on a loaded shared machine a service can take minutes to connect (it
  # exits and compose restarts it until Postgres answers in time).
  for service in "${SERVICES[@]}"; do
    wait_until 300 bash -c "docker exec \$(docker ps -q $(container_filter "$service")) node -e \"fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))\"" ||
      die "$service not ready within 300s (docker logs $(container "$service"))"
  done
  say "platform up in $(($(now_s) - t0))s; edge: http://127.0.0.1:$EDGE_HOST_PORT"
  seed_demo
  check_demo
  ;;
check)
  load_state
  check_demo
  ;;
ps)
  ensure_compose
  GATEHOUSE_EDGE_HOST_PORT=0 compose ps
  ;;
down)
  ensure_compose
  set -a
  # shellcheck disable=SC1090
  [[ -f "$IMAGES_ENV" ]] && source "$IMAGES_ENV"
  set +a
  GATEHOUSE_EDGE_HOST_PORT=0 compose down -v --remove-orphans
  ;;
*)
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
