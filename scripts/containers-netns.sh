#!/usr/bin/env bash
# Runs the containers suite (or COMMAND) in a private network namespace, so it can run beside
# another checkout's platform that holds the fixed ports (the services' 53001–53006, the stack's
# own): inside, every loopback port is free and the e2e harness starts its services on the
# standard ports as always. The containers still run on the host's engine (the Docker socket is
# a file); their published host ports are reached through a Unix-socket relay
# (scripts/netns-relay.ts outside, GATEHOUSE_NETNS_RELAY read by scripts/stack-containers.ts
# inside). Needs root (unshare --net). The namespace has loopback only, so what the suite installs
# is installed here first, outside it (each a no-op once present): Chromium and the Kubernetes
# tools (as npm test does), the schemathesis venv (e2e/abuse), the backing parts' images.
# GATEHOUSE_NETNS_NO_INSTALL=1 skips that (a run already known to have everything).
#
#   bash scripts/containers-netns.sh                  GATEHOUSE_STACK=containers npm test
#   bash scripts/containers-netns.sh COMMAND [ARG…]   any command, e.g. env TEST_FILES=… npm test
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"
# shellcheck source=lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=lib/install.sh
source "$ROOT/scripts/lib/install.sh"
die() {
  printf 'containers-netns: ERROR: %s\n' "$*" >&2
  exit 1
}
[[ "$(id -u)" == 0 ]] || die "needs root (unshare --net)"
command -v unshare >/dev/null && command -v ip >/dev/null || die "needs unshare (util-linux) and ip (iproute2)"
(($# > 0)) || set -- npm test

if [[ -z "${GATEHOUSE_NETNS_NO_INSTALL:-}" ]]; then
  mkdir -p "$LOG_DIR"
  ensure_chromium
  bash scripts/k8s/install-tools.sh || die "scripts/k8s/install-tools.sh failed (see above)"
  bash scripts/schemathesis.sh --install || die "scripts/schemathesis.sh --install failed (see above)"
  bash scripts/images/build.sh postgres redis nats minio stripe-mock minio-audit ||
    die "scripts/images/build.sh could not build the backing parts' images (see above)"
fi

dir="$(mktemp -d /tmp/gatehouse-netns.XXXXXX)"
chmod 700 "$dir"
sock="$dir/relay.sock"
node scripts/netns-relay.ts "$sock" &
relay_pid=$!
trap 'kill -TERM "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  [[ -S "$sock" ]] && break
  kill -0 "$relay_pid" 2>/dev/null || die "the relay (scripts/netns-relay.ts) exited"
  sleep 0.1
done
[[ -S "$sock" ]] || die "the relay socket $sock did not appear"

status=0
unshare --net --fork -- bash -c 'ip link set lo up && exec "$@"' containers-netns \
  env GATEHOUSE_STACK=containers GATEHOUSE_NETNS_RELAY="$sock" "$@" || status=$?
exit "$status"
