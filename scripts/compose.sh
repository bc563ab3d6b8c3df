#!/usr/bin/env bash
# The platform in containers on one Docker network (compose.yaml), on the local images:
#
#   scripts/compose.sh up      build/find the images, write secrets, start, migrate, seed a demo,
#                              check its private feed and a media URL through the edge
#   scripts/compose.sh check   the feed/media check again (the demo of the last `up`)
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

random() { node -e "process.stdout.write(require('node:crypto').randomBytes($1).toString('$2'))"; }

free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });'
}

# Secrets once (kept across `up`s so volumes stay readable); the edge port each `up`.
write_env() {
  mkdir -p "$COMPOSE_DIR"
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
SMTP_URL=smtp://127.0.0.1:2525
PUBLIC_BASE_URL=http://127.0.0.1:$EDGE_HOST_PORT
MEDIA_PUBLIC_URL=http://127.0.0.1:$EDGE_HOST_PORT
MEDIA_INTERNAL_URL=http://media:53002
BILLING_URL=http://billing:53004
$(grep -E '^(TOKEN_KEYS|TOKEN_ACTIVE_KID|STRIPE_WEBHOOK_SECRETS|INTERNAL_API_TOKEN|SECURE_LINK_SECRET)=' "$COMPOSE_DIR/secrets.env")
EOF
  chmod 600 "$COMPOSE_DIR"/*.env
  # The edge: nginx-ingress's `edge` target, pointed at the services and MinIO by name through
  # Docker's DNS (127.0.0.11).
  node -e '
    const [secret] = process.argv.slice(1);
    const up = (s) => ({ servers: [s] });
    process.stdout.write(JSON.stringify({
      upstreams: { auth: up("auth:53001"), media: up("media:53002"), feeds: up("feeds:53003"), billing: up("billing:53004") },
      origin: { allow: ["http://minio:9000"], resolver: "127.0.0.11 valid=10s ipv6=off" },
      secureLink: { secret },
    }));' "$SECURE_LINK_SECRET" >"$COMPOSE_DIR/edge-values.json"
  nginx-ingress/render.sh edge --values "$COMPOSE_DIR/edge-values.json" >"$COMPOSE_DIR/nginx.conf.tmp"
  mv "$COMPOSE_DIR/nginx.conf.tmp" "$COMPOSE_DIR/nginx.conf"
  chmod 644 "$COMPOSE_DIR/nginx.conf"
}

load_images() {
  bash scripts/images/build.sh auth media feeds billing migrate postgres redis nats minio stripe-mock edge
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
  for service in auth media feeds billing; do
    wait_until 120 bash -c "docker exec ${PROJECT}_${service}_1 node -e \"fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))\"" ||
      die "$service not ready within 120s (docker logs ${PROJECT}_${service}_1)"
  done
  say "platform up in $(($(now_s) - t0))s; edge: http://127.0.0.1:$EDGE_HOST_PORT"
  seed_demo
  check_demo
  ;;
check)
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
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
