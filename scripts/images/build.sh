#!/usr/bin/env bash
# Builds every image Gatehouse runs or tests with, locally (no registry needed), and writes their
# tags to the images env file (GATEHOUSE_IMAGE_<NAME>=gatehouse-local/<name>:<hash>).
#
#   scripts/images/build.sh [IMAGE...]     default: all, in dependency order
#
# IMAGE: base node auth media feeds billing analytics web migrate edge postgres redis nats minio
#        stripe-mock minio-audit
#
# base is `debootstrap --variant=minbase bookworm` imported into Docker; every other image
# builds FROM it (Dockerfiles in images/). A tag is the hash of the image's inputs (its
# Dockerfile, its staged context, its parent's tag), so an unchanged image is never rebuilt:
# `docker image inspect` finds it and the build is skipped. The base's root filesystem is kept
# in ~/.cache/gatehouse/images, so a wiped engine re-imports it instead of bootstrapping again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Node 24 and npm from the repository's node_modules (the system node may be older).
export PATH="$ROOT/node_modules/.bin:$PATH"
# shellcheck source=../lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=../lib/install.sh
source "$ROOT/scripts/lib/install.sh"
# shellcheck source=../lib/docker.sh
source "$ROOT/scripts/lib/docker.sh"

IMAGES_DIR="$ROOT/images"
CACHE_DIR="${GATEHOUSE_IMAGES_CACHE:-$HOME/.cache/gatehouse/images}"
# This run's staging directories (contexts with their node_modules): its own, so a concurrent build
# (another checkout's, even one without the lock below) never overwrites a context being built.
WORK="$CACHE_DIR/work/run.$$"
IMAGES_ENV="${GATEHOUSE_IMAGES_ENV:-$CACHE_DIR/images.env}"
BUILD_LOG_DIR="$CACHE_DIR/logs"
# Another prefix builds every image again from nothing (a fresh machine's build, measured here).
REPO_PREFIX="${GATEHOUSE_IMAGES_REPO:-gatehouse-local}"
DEBIAN_MIRROR="${GATEHOUSE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Bump to force a new base (the bootstrap itself is not byte-reproducible; its recipe is).
BASE_RECIPE="bookworm minbase ${DEBIAN_MIRROR} include=ca-certificates,bash rev=1"
ALL_IMAGES=(base node auth media feeds billing analytics web migrate postgres redis nats minio stripe-mock minio-audit edge)
declare -A SERVICE_PORT=([auth]=53001 [media]=53002 [feeds]=53003 [billing]=53004 [analytics]=53005 [web]=53006)
declare -A TAG=()

mkdir -p "$CACHE_DIR" "$WORK" "$BUILD_LOG_DIR" "$LOG_DIR"
say() { printf 'images: %s\n' "$*"; }
die() {
  printf 'images: ERROR: %s\n' "$*" >&2
  exit 1
}

# Content hash of a directory: names, modes and bytes, independent of timestamps and owners.
dir_hash() {
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf - . | sha256sum | cut -c1-16
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

image_size() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1000000 }'; }

# usage: docker_build NAME CONTEXT [--build-arg K=V ...]
# Tag = hash(context, build args); builds only when no image has that tag.
docker_build() {
  local name="$1" ctx="$2" t0 tag log
  shift 2
  tag="$REPO_PREFIX/$name:$({
    dir_hash "$ctx"
    printf '%s\n' "$@"
  } | sha256sum | cut -c1-16)"
  TAG[$name]="$tag"
  if image_exists "$tag"; then
    say "$name: $tag (cached, $(image_size "$tag"))"
    return 0
  fi
  log="$BUILD_LOG_DIR/$name.log"
  t0=$(now_s)
  say "$name: building $tag"
  # The classic builder: the engine needs no BuildKit and no registry (FROM names local tags).
  # The tag is applied last: an image with it is a finished build even if the client (seen under
  # heavy load) exits non-zero afterwards.
  if ! DOCKER_BUILDKIT=0 docker build --network host --force-rm -t "$tag" "$@" "$ctx" >"$log" 2>&1 &&
    ! image_exists "$tag"; then
    tail -n 25 "$log" >&2
    die "$name: docker build failed — log: $log"
  fi
  say "$name: built $tag in $(($(now_s) - t0))s ($(image_size "$tag"))"
}

# A fresh staging directory for one image's context, holding its Dockerfile.
stage() {
  local name="$1" dockerfile="$2" ctx="$WORK/$1"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp "$IMAGES_DIR/$dockerfile" "$ctx/Dockerfile"
  printf '%s' "$ctx"
}

build_base() {
  local hash tag rootfs t0 log tmp
  hash="$(printf '%s\n' "$BASE_RECIPE" | sha256sum | cut -c1-16)"
  tag="$REPO_PREFIX/base:$hash"
  TAG[base]="$tag"
  if image_exists "$tag"; then
    say "base: $tag (cached, $(image_size "$tag"))"
    return 0
  fi
  rootfs="$CACHE_DIR/base-$hash.tar"
  if [[ ! -s "$rootfs" ]]; then
    command -v debootstrap >/dev/null || ensure_deb_packages debootstrap
    is_root || die "debootstrap needs root"
    tmp="$WORK/base-rootfs"
    log="$BUILD_LOG_DIR/base.log"
    rm -rf "$tmp"
    t0=$(now_s)
    say "base: debootstrap --variant=minbase bookworm (about a minute)"
    if ! debootstrap --variant=minbase --include=ca-certificates,bash bookworm "$tmp" "$DEBIAN_MIRROR" >"$log" 2>&1; then
      tail -n 20 "$log" >&2
      die "base: debootstrap failed — log: $log"
    fi
    # Package lists, caches and docs are not needed at run time; images that install
    # packages run apt-get update themselves.
    rm -rf "$tmp"/var/lib/apt/lists/* "$tmp"/var/cache/apt/*.bin "$tmp"/var/cache/apt/archives/*.deb \
      "$tmp"/usr/share/doc/* "$tmp"/usr/share/man/* "$tmp"/usr/share/locale/* "$tmp"/var/log/*
    printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$DEBIAN_MIRROR" "$DEBIAN_MIRROR" >"$tmp/etc/apt/sources.list"
    tar --numeric-owner --sort=name -C "$tmp" -cf "$rootfs.tmp" .
    mv "$rootfs.tmp" "$rootfs"
    rm -rf "$tmp"
    say "base: root filesystem in $(($(now_s) - t0))s ($(du -m "$rootfs" | cut -f1) MB, kept in $rootfs)"
  fi
  docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    "$rootfs" "$tag" >/dev/null
  say "base: imported $tag ($(image_size "$tag"))"
}

node_binary() {
  local bin
  bin="$(cd "$ROOT" && node -e 'process.stdout.write(process.execPath)')"
  [[ "$("$bin" --version)" == v24.* ]] || die "node: $bin is not Node 24 (run npm ci: the node npm package pins it)"
  printf '%s' "$bin"
}

build_node() {
  local ctx
  ctx="$(stage node node.Dockerfile)"
  cp "$(node_binary)" "$ctx/node"
  docker_build node "$ctx" --build-arg "BASE=${TAG[base]}"
}

# The workspace packages a workspace needs at run time: its @gatehouse/* dependencies, transitively.
workspace_packages() {
  node -e '
    const fs = require("node:fs");
    const read = (dir) => JSON.parse(fs.readFileSync(`${dir}/package.json`, "utf8"));
    const dirOf = Object.fromEntries(fs.readdirSync("packages").map((d) => [read(`packages/${d}`).name, `packages/${d}`]));
    // Declared dependencies, and the @gatehouse/* packages its sources import (a manifest may
    // miss one the monorepo hoisting hides), outside tests.
    const imported = (dir) => fs.readdirSync(`${dir}/src`, { recursive: true })
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .flatMap((f) => [...fs.readFileSync(`${dir}/src/${f}`, "utf8").matchAll(/from "(@gatehouse\/[a-z0-9-]+)|from \x27(@gatehouse\/[a-z0-9-]+)/g)].map((m) => m[1] ?? m[2]));
    const seen = new Set();
    const walk = (dir) => {
      for (const name of [...Object.keys(read(dir).dependencies ?? {}), ...imported(dir)])
        if (dirOf[name] && !seen.has(dirOf[name])) { seen.add(dirOf[name]); walk(dirOf[name]); }
    };
    walk(process.argv[1]);
    console.log([...seen].sort().join("\n"));' "$1"
}

# The files of the repository a workspace image needs: the root manifests, every workspace's
# package.json (npm checks the lockfile against all of them), the sources of the workspace and of
# the packages it depends on, without tests. Working-tree content, so uncommitted edits are what
# gets built; an edit elsewhere (a test, a dev-only package) leaves the tag unchanged.
stage_sources() {
  local dest="$1" workspace="$2" deps
  mkdir -p "$dest"
  (
    cd "$ROOT"
    mapfile -t deps < <(workspace_packages "$workspace" | grep . || true)
    {
      git ls-files -z --cached --others --exclude-standard -- package.json package-lock.json \
        'packages/*/package.json' 'services/*/package.json' 'e2e/package.json'
      git ls-files -z --cached --others --exclude-standard -- "${deps[@]}" "$workspace" |
        grep -zvE '(^|/)test/|\.test\.ts$|(^|/)Dockerfile$'
    } | sort -zu | while IFS= read -r -d '' f; do [[ -f "$f" ]] && printf '%s\0' "$f"; done |
      tar --null -T - -cf - | tar -C "$dest" -xf -
    # The Prisma client is generated code (gitignored); the services import it.
    cp -r packages/db/src/generated "$dest/packages/db/src/generated"
  )
}

# usage: npm_ci LOG_NAME DIR NPM_CI_ARGS...
npm_ci() {
  local log="$BUILD_LOG_DIR/$1-npm.log" dir="$2"
  shift 2
  if ! (cd "$dir" && npm ci --no-audit --no-fund "$@") >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "$(basename "$dir"): npm ci $* failed — log: $log"
  fi
}

# usage: build_workspace NAME WORKSPACE_DIR NPM_CI_ARGS...
# web has its own recipe (images/web.Dockerfile): a build stage runs the Vite build of its pages
# on a second copy of the sources (ui-build/) that gets the workspace's dev dependencies.
build_workspace() {
  local name="$1" workspace="$2" ctx app hash tag dockerfile=service.Dockerfile
  shift 2
  [[ "$name" != web ]] || dockerfile=web.Dockerfile
  ctx="$(stage "$name" "$dockerfile")"
  app="$ctx/app"
  stage_sources "$app" "$workspace"
  [[ "$name" != web ]] || stage_sources "$ctx/ui-build" "$workspace"
  # The tag depends on the sources, not on the installed tree: hash before installing, and
  # install only when that image does not exist yet.
  hash="$({
    dir_hash "$ctx"
    printf '%s\n' "${TAG[node]}" "$*"
  } | sha256sum | cut -c1-16)"
  tag="$REPO_PREFIX/$name:$hash"
  TAG[$name]="$tag"
  if image_exists "$tag"; then
    say "$name: $tag (cached, $(image_size "$tag"))"
    return 0
  fi
  local t0 t_npm
  t0=$(now_s)
  npm_ci "$name" "$app" "$@"
  if [[ "$name" == web ]]; then
    # The build stage: the workspace with its dev dependencies; only its ui/dist ships.
    npm_ci web-ui "$ctx/ui-build" --ignore-scripts -w @gatehouse/web
    # The runtime gets the built pages from that stage, not the page sources.
    rm -rf "$app/services/web/ui"
  fi
  # npm links only declared workspace dependencies; link the imported ones it missed.
  local dir pkg
  for dir in "$app"/packages/*/; do
    [[ -d "$dir/src" ]] || continue
    pkg="$(node -p "require('$dir/package.json').name")"
    [[ -e "$app/node_modules/$pkg" ]] || ln -s "../../packages/$(basename "$dir")" "$app/node_modules/$pkg"
  done
  # Manifests of the other workspaces were only needed by npm.
  rm -rf "$app/e2e" "$app/package-lock.json"
  find "$app/services" -mindepth 1 -maxdepth 1 ! -path "$app/$workspace" -exec rm -rf {} +
  t_npm=$(($(now_s) - t0))
  say "$name: building $tag"
  if ! DOCKER_BUILDKIT=0 docker build --force-rm -t "$tag" --build-arg "NODE_IMAGE=${TAG[node]}" \
    --build-arg "WORKDIR=$workspace" --build-arg "PORT=${SERVICE_PORT[$name]:-8080}" "$ctx" \
    >"$BUILD_LOG_DIR/$name.log" 2>&1 && ! image_exists "$tag"; then
    tail -n 25 "$BUILD_LOG_DIR/$name.log" >&2
    die "$name: docker build failed — log: $BUILD_LOG_DIR/$name.log"
  fi
  say "$name: built $tag in $(($(now_s) - t0))s, npm ci ${t_npm}s of it ($(image_size "$tag"))"
}

build_service() { build_workspace "$1" "services/$1" --omit=dev -w "@gatehouse/$1"; }

# Migrations run Prisma's schema engine (wasm) from @gatehouse/db's own dependencies.
build_migrate() { build_workspace migrate packages/db -w @gatehouse/db; }

build_debian_server() {
  local name="$1" ctx
  ctx="$(stage "$name" "$name.Dockerfile")"
  [[ "$name" != postgres ]] || cp "$IMAGES_DIR/postgres-entrypoint.sh" "$ctx/"
  docker_build "$name" "$ctx" --build-arg "BASE=${TAG[base]}"
}

# NATS, MinIO, stripe-mock: the pinned binaries scripts/stack.sh builds (scripts/lib/install.sh).
build_go_server() {
  local name="$1" bin module version ctx
  case "$name" in
  nats) bin=nats-server module="$NATS_MODULE" version="$NATS_VERSION" ;;
  minio) bin=minio module="$MINIO_MODULE" version="$MINIO_VERSION" ;;
  stripe-mock) bin=stripe-mock module="$STRIPE_MOCK_MODULE" version="$STRIPE_MOCK_VERSION" ;;
  esac
  ensure_go_tool "$bin" "$module" "$version"
  ctx="$(stage "$name" go-server.Dockerfile)"
  mkdir -p "$ctx/bin"
  cp "$TOOLS_DIR/$bin" "$ctx/bin/"
  docker_build "$name" "$ctx" --build-arg "BASE=${TAG[base]}" --build-arg "BIN=$bin"
}

# MinIO's audit webhook recorder (scripts/minio-audit-recorder.mjs) on the node image.
build_minio_audit() {
  local ctx
  ctx="$(stage minio-audit node.Dockerfile)"
  mkdir -p "$ctx/app"
  cp "$ROOT/scripts/minio-audit-recorder.mjs" "$ctx/app/"
  cat >"$ctx/Dockerfile" <<'EOF'
ARG NODE_IMAGE
FROM ${NODE_IMAGE}
COPY app /app
USER 10001:10001
CMD ["node", "/app/minio-audit-recorder.mjs", "--host", "0.0.0.0", "--port", "52600", "--out", "/audit/minio-audit.jsonl"]
EOF
  docker_build minio-audit "$ctx" --build-arg "NODE_IMAGE=${TAG[node]}"
}

# The edge: Debian's nginx; its rendered nginx.conf is mounted at run time (images/edge.Dockerfile).
build_edge() { build_debian_server edge; }

build_one() {
  case "$1" in
  base) build_base ;;
  node) build_node ;;
  auth | media | feeds | billing | analytics | web) build_service "$1" ;;
  migrate) build_migrate ;;
  postgres | redis) build_debian_server "$1" ;;
  nats | minio | stripe-mock) build_go_server "$1" ;;
  minio-audit) build_minio_audit ;;
  edge) build_edge ;;
  *) die "unknown image '$1' (one of: ${ALL_IMAGES[*]})" ;;
  esac
}

# Parents are built (or found) first: their tags are inputs of their children's tags.
needs() {
  case "$1" in
  base) ;;
  node | postgres | redis | nats | minio | stripe-mock | edge) echo base ;;
  *) echo base node ;;
  esac
}

write_images_env() {
  local name var tmp="$IMAGES_ENV.tmp.$$"
  [[ -f "$IMAGES_ENV" ]] && grep -v '^#' "$IMAGES_ENV" >"$tmp" || : >"$tmp"
  for name in "${!TAG[@]}"; do
    var="GATEHOUSE_IMAGE_$(printf '%s' "$name" | tr 'a-z-' 'A-Z_')"
    grep -v "^export $var=" "$tmp" >"$tmp.2" || true
    printf 'export %s=%s\n' "$var" "${TAG[$name]}" >>"$tmp.2"
    mv "$tmp.2" "$tmp"
  done
  {
    echo "# Written by scripts/images/build.sh: local image tags (content hashes)."
    sort "$tmp"
  } >"$IMAGES_ENV"
  rm -f "$tmp"
}

main() {
  local requested=("$@") name dep t0
  ((${#requested[@]} > 0)) || requested=("${ALL_IMAGES[@]}")
  [[ "${requested[0]}" != -h && "${requested[0]}" != --help ]] || {
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
  }
  ensure_docker_engine
  # One build at a time per cache: the second finds the first's images cached instead of building
  # them twice (at the same time, on two shared cores).
  exec 9>"$CACHE_DIR/build.lock"
  if ! flock -n 9; then
    say "waiting for another scripts/images/build.sh (lock: $CACHE_DIR/build.lock)"
    flock 9
  fi
  # Staging directories of runs that ended without cleaning up (killed).
  local run
  for run in "$CACHE_DIR"/work/run.*; do
    if [[ -d "$run" ]] && ! kill -0 "${run##*.}" 2>/dev/null; then rm -rf "$run"; fi
  done
  trap 'rm -rf "$WORK"' EXIT
  t0=$(now_s)
  declare -A done_=()
  for name in "${requested[@]}"; do
    for dep in $(needs "$name") "$name"; do
      [[ -n "${done_[$dep]:-}" ]] && continue
      build_one "$dep"
      done_[$dep]=1
      write_images_env
    done
  done
  say "done in $(($(now_s) - t0))s; tags: $IMAGES_ENV"
}

main "$@"
