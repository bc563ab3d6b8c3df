# shellcheck shell=bash
# Installs what the stack needs, idempotently: Debian packages and Go-built servers.
# Sourced by scripts/stack.sh after lib/common.sh.

# Pinned Go-built servers. Bump deliberately: the binary's embedded module version is
# compared with these, so a stale binary in the tool dir is rebuilt.
MINIO_MODULE="github.com/minio/minio"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
NATS_MODULE="github.com/nats-io/nats-server/v2"
NATS_VERSION="v2.15.2" # JetStream API level needed by @nats-io/jetstream v3 (>= 2.11)
STRIPE_MOCK_MODULE="github.com/stripe/stripe-mock"
STRIPE_MOCK_VERSION="v0.203.0"

MINIO_BIN="$TOOLS_DIR/minio"
NATS_SERVER_BIN="$TOOLS_DIR/nats-server"
STRIPE_MOCK_BIN="$TOOLS_DIR/stripe-mock"

DEB_PACKAGES=(nginx redis-server redis-tools postgresql curl iproute2 procps util-linux)

deb_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# The servers of a part provided from elsewhere (GATEHOUSE_EXTERNAL_PARTS) are not needed —
# except by the test suite of the containers option (GATEHOUSE_STACK=containers): some tests
# start private servers of their own from these binaries (*_BIN in .stack/env).
not_installed_here() {
  [[ "${GATEHOUSE_STACK:-}" != containers ]] && part_external "$1"
}

deb_of_external_part() {
  case "$1" in
  postgresql) not_installed_here postgres ;;
  redis-server | redis-tools) not_installed_here redis ;;
  *) return 1 ;;
  esac
}

ensure_debian_packages() {
  local missing=() pkg
  for pkg in "${DEB_PACKAGES[@]}"; do
    deb_of_external_part "$pkg" && continue
    missing+=("$pkg")
  done
  ensure_deb_packages "${missing[@]}"
}

# usage: ensure_deb_packages PKG... — installs those not installed yet (as root; else one line
# naming the command to run).
ensure_deb_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    deb_installed "$pkg" || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  if ! is_root; then
    die "missing Debian packages: ${missing[*]} — install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  local t0
  t0=$(now_s)
  mkdir -p "$LOG_DIR"
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Update the package lists once, only when something is missing (apt-cache sees
  # nothing before the first update on a fresh machine).
  apt-get update -qq >"$LOG_DIR/apt-get.log" 2>&1 || {
    tail -n 20 "$LOG_DIR/apt-get.log" >&2
    die "apt-get update failed — log: $LOG_DIR/apt-get.log"
  }
  # The packages' own services (system nginx on :80, redis on :6379, a postgres cluster on
  # :5432) are not wanted, and failing to start one would fail the install: forbid service
  # starts during the install (Debian's policy-rc.d convention) unless a policy exists.
  local policy=/usr/sbin/policy-rc.d own_policy=""
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# temporary, scripts/stack.sh: no service starts during apt-get install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
  fi
  local rc=0
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt-get.log" 2>&1 || rc=$?
  [[ -n "$own_policy" ]] && rm -f "$policy"
  if ((rc != 0)); then
    tail -n 20 "$LOG_DIR/apt-get.log" >&2
    die "apt-get install ${missing[*]} failed — log: $LOG_DIR/apt-get.log"
  fi
  say "installed ${missing[*]} in $(($(now_s) - t0))s"
}

# Newest PostgreSQL server binaries Debian installed (/usr/lib/postgresql/<major>/bin).
find_pg_bin_dir() {
  local d best=""
  if [[ -n "${GATEHOUSE_PG_BIN_DIR:-}" ]]; then
    printf '%s' "$GATEHOUSE_PG_BIN_DIR"
    return 0
  fi
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/postgres" ]] || continue
    best="$d" # glob order is lexical; fine for 1x majors
  done
  if [[ -z "$best" ]] && command -v pg_config >/dev/null 2>&1; then
    best="$(pg_config --bindir)"
  fi
  [[ -n "$best" && -x "$best/initdb" ]] || die "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin)"
  printf '%s' "$best"
}

go_binary_version() {
  go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'
}

# usage: ensure_go_tool NAME MODULE VERSION
# Builds MODULE@VERSION into the tool dir unless a binary of exactly that version is already
# there. A matching binary in GOPATH/bin is copied instead of rebuilt (MinIO takes minutes).
ensure_go_tool() {
  local name="$1" module="$2" version="$3"
  local target="$TOOLS_DIR/$name"
  mkdir -p "$TOOLS_DIR"
  if [[ -x "$target" ]] && [[ "$(go_binary_version "$target")" == "$version" ]]; then
    return 0
  fi
  command -v go >/dev/null 2>&1 || die "Go is required to build $name ($module@$version) but 'go' is not on PATH"
  local gopath_bin
  gopath_bin="$(go env GOPATH 2>/dev/null)/bin/$name"
  if [[ -x "$gopath_bin" ]] && [[ "$(go_binary_version "$gopath_bin")" == "$version" ]]; then
    cp "$gopath_bin" "$target.tmp" && mv "$target.tmp" "$target"
    say "installed $name $version (copied from $gopath_bin)"
    return 0
  fi
  local t0 log="$LOG_DIR/go-install-$name.log"
  t0=$(now_s)
  say "installing $name: go install $module@$version → $TOOLS_DIR (this can take minutes)"
  if ! GOBIN="$TOOLS_DIR" go install "$module@$version" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "go install $module@$version failed — log: $log"
  fi
  say "installed $name $version in $(($(now_s) - t0))s"
}

ensure_installed() {
  ensure_debian_packages
  not_installed_here nats || ensure_go_tool nats-server "$NATS_MODULE" "$NATS_VERSION"
  not_installed_here stripe-mock || ensure_go_tool stripe-mock "$STRIPE_MOCK_MODULE" "$STRIPE_MOCK_VERSION"
  not_installed_here minio || ensure_go_tool minio "$MINIO_MODULE" "$MINIO_VERSION"
}

# ---------------------------------------------------------------------------------------------
# Chromium for the portal's browser test (services/feeds/test/portal.integration.test.ts drives
# /usr/bin/chromium through playwright-core). Added by the feeds engineer; called by
# scripts/test.sh before the tests, not by `stack.sh up` (the platform itself does not need it).
# Idempotent: nothing happens when /usr/bin/chromium exists.
ensure_chromium() {
  [[ -x /usr/bin/chromium ]] && return 0
  ensure_deb_packages chromium
  [[ -x /usr/bin/chromium ]] || die "chromium installed but /usr/bin/chromium is missing — log: $LOG_DIR/apt-get.log"
}
