# shellcheck shell=bash
# A Docker engine for the image build and the containers suite. Sourced after lib/common.sh
# and lib/install.sh. Finds one (DOCKER_HOST, else /var/run/docker.sock); on a machine without
# one, as root, installs Debian's docker.io and starts dockerd (overlay2), which then outlives
# the run like a system service. Anything else ends with one line saying what to do.
DOCKERD_LOG="${GATEHOUSE_DOCKERD_LOG:-/var/log/gatehouse-dockerd.log}"

docker_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

ensure_docker_engine() {
  if ! command -v docker >/dev/null 2>&1; then
    is_root || die "no docker client: install Docker (Debian: sudo apt-get install -y docker.io)"
    ensure_deb_packages docker.io
  fi
  docker_answers && return 0
  [[ -z "${DOCKER_HOST:-}" ]] || die "the Docker engine at DOCKER_HOST=$DOCKER_HOST does not answer"
  is_root || die "no Docker engine answers at /var/run/docker.sock; start one (sudo dockerd) or set DOCKER_HOST"
  command -v dockerd >/dev/null 2>&1 || ensure_deb_packages docker.io
  say "starting dockerd (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  (exec setsid dockerd </dev/null >>"$DOCKERD_LOG" 2>&1) &
  wait_until 60 docker_answers || {
    tail -n 20 "$DOCKERD_LOG" >&2
    die "dockerd did not answer within 60s — log: $DOCKERD_LOG"
  }
  say "dockerd $(docker version --format '{{.Server.Version}}') up"
}
