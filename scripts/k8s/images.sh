#!/usr/bin/env bash
# The cluster's own images (no registry is reachable here): each is one OCI image made of a
# root filesystem assembled on this machine, tagged by its content (an unchanged image keeps
# its tag), written as an OCI layout tar and imported into the cluster's containerd.
#   pause        the pod sandbox: images/k8s/pause (a few lines of Go, static)
#   testbox      Debian's busybox-static (sh, httpd, wget, nc, nslookup) for test pods
#   coredns, metrics-server   the add-on binaries alone
#                (scripts/k8s/install-tools.sh cluster builds them)
# Usage: images.sh build            build the tars, print NAME=REF lines to $DIR/images/refs.env
#        images.sh import SOCKET    import the built tars into containerd (namespace k8s.io)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_DIR="${GATEHOUSE_TOOLS_DIR:-$HOME/.cache/gatehouse/bin}"
DIR="${GATEHOUSE_K8S_CLUSTER_DIR:-$ROOT/.stack/k8s/cluster}"
OUT="$DIR/images"
# shellcheck source=lib/versions.sh
source "$ROOT/scripts/k8s/lib/versions.sh"
log() { printf '[images] %s\n' "$*" >&2; }

sha() { sha256sum "$1" | cut -d' ' -f1; }

# oci_image NAME ROOTFS CONFIG_JSON: writes $OUT/NAME.tar and appends NAME=REF to refs.env.
# The layer tar is reproducible (sorted, fixed times and owners), so the tag only changes
# when the files do.
oci_image() {
  local name="$1" rootfs="$2" config="$3" work="$OUT/$1.oci"
  rm -rf "$work"
  mkdir -p "$work/blobs/sha256"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$work/layer.tar" .
  local diff_id
  diff_id="$(sha "$work/layer.tar")"
  gzip -n -c "$work/layer.tar" >"$work/layer.tgz"
  rm "$work/layer.tar"
  local layer
  layer="$(sha "$work/layer.tgz")"
  mv "$work/layer.tgz" "$work/blobs/sha256/$layer"
  printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$config" "$diff_id" >"$work/config.json"
  local cfg
  cfg="$(sha "$work/config.json")"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
    "$cfg" "$(stat -c %s "$work/config.json")" "$layer" "$(stat -c %s "$work/blobs/sha256/$layer")" >"$work/manifest.json"
  mv "$work/config.json" "$work/blobs/sha256/$cfg"
  local man tag ref
  man="$(sha "$work/manifest.json")"
  tag="${cfg:0:12}"
  ref="gatehouse.local/k8s/$name:$tag"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$man" "$(stat -c %s "$work/manifest.json")" "$ref" "$tag" >"$work/index.json"
  mv "$work/manifest.json" "$work/blobs/sha256/$man"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"
  tar -C "$work" -cf "$OUT/$name.tar" oci-layout index.json blobs
  rm -rf "$work"
  printf '%s=%s\n' "$(echo "$name" | tr 'a-z-' 'A-Z_')_IMAGE" "$ref" >>"$OUT/refs.env"
  log "$ref ($(du -h "$OUT/$name.tar" | cut -f1))"
}

# An image holding one static binary (plus /etc/passwd for a non-root user and /tmp).
binary_image() {
  local name="$1" bin="$2" dest="$3" user="$4"
  shift 4
  local rootfs="$OUT/$name.rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs/etc" "$rootfs/tmp" "$(dirname "$rootfs$dest")"
  chmod 1777 "$rootfs/tmp"
  install -m 0755 "$bin" "$rootfs$dest"
  printf 'root:x:0:0:root:/:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  local entry
  entry="$(printf '"%s",' "$dest" "$@")"
  oci_image "$name" "$rootfs" "{\"Entrypoint\":[${entry%,}],\"User\":\"$user\",\"Env\":[\"PATH=/\"]}"
  rm -rf "$rootfs"
}

build_pause() {
  local bin="$OUT/pause.bin"
  (
    cd "$ROOT/images/k8s/pause"
    CGO_ENABLED=0 GOTOOLCHAIN="${GOTOOLCHAIN:-local}" nice -n 19 go build -p 1 -trimpath -ldflags='-s -w' -o "$bin" .
  )
  binary_image pause "$bin" /pause 65535
  rm -f "$bin"
}

build_testbox() {
  local busybox=/bin/busybox rootfs="$OUT/testbox.rootfs"
  if ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
    log "busybox-static is missing: apt-get install busybox-static"
    exit 1
  fi
  rm -rf "$rootfs"
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/www"
  chmod 1777 "$rootfs/tmp"
  install -m 0755 "$busybox" "$rootfs/bin/busybox"
  local applet
  for applet in $("$busybox" --list); do
    [[ "$applet" == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  printf 'gatehouse-testbox\n' >"$rootfs/www/index.html"
  oci_image testbox "$rootfs" '{"Cmd":["/bin/sh"],"User":"65534","Env":["PATH=/bin"],"WorkingDir":"/"}'
  rm -rf "$rootfs"
}

# What the images are made of: nothing newer than refs.env means the tars are current.
inputs() {
  printf '%s\n' "$ROOT/images/k8s/pause/main.go" /bin/busybox "${BASH_SOURCE[0]}" \
    "$TOOLS_DIR/coredns-$COREDNS_VERSION" "$TOOLS_DIR/metrics-server-$METRICS_SERVER_VERSION"
}

build() {
  if [[ -s "$OUT/refs.env" ]] && [[ -z "$(inputs | xargs -I{} find -L {} -newer "$OUT/refs.env" 2>/dev/null)" ]] &&
    [[ "$(ls "$OUT"/*.tar 2>/dev/null | wc -l)" == "$(wc -l <"$OUT/refs.env")" ]]; then
    log "images unchanged ($(wc -l <"$OUT/refs.env") in $OUT)"
    return
  fi
  mkdir -p "$OUT"
  rm -f "$OUT"/*.tar
  : >"$OUT/refs.env"
  build_pause
  build_testbox
  binary_image coredns "$TOOLS_DIR/coredns-$COREDNS_VERSION" /coredns 65534
  binary_image metrics-server "$TOOLS_DIR/metrics-server-$METRICS_SERVER_VERSION" /metrics-server 65534
}

import() {
  local sock="$1" tar
  for tar in "$OUT"/*.tar; do
    ctr --address "$sock" --namespace k8s.io images import "$tar" >/dev/null
  done
  log "imported $(ls "$OUT"/*.tar | wc -l) images into containerd ($sock)"
}

case "${1:-}" in
  build) build ;;
  import) import "${2:?containerd socket}" ;;
  *)
    echo "usage: $0 build | import SOCKET" >&2
    exit 2
    ;;
esac
