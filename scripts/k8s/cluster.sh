#!/usr/bin/env bash
# A one-node Kubernetes cluster on this machine, from parts the registries give
# (docs/cluster.md): etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and
# kube-proxy built from the Kubernetes Go module (scripts/k8s/install-tools.sh cluster),
# containerd + runc + CNI plugins from Debian, the images of scripts/k8s/images.sh, and the
# add-ons CoreDNS, kube-router's NetworkPolicy controller and metrics-server.
#
#   cluster.sh up               install what is missing, start or reuse every part, wait Ready
#   cluster.sh down [--purge]   stop every part (keep data; --purge also removes pods, the
#                               bridge, kube-proxy's rules and .stack/k8s/cluster)
#   cluster.sh status           one line per part; exit 1 if one is down
#   cluster.sh env              print KUBECONFIG=… for this cluster
#
# Everything lives under .stack/k8s/cluster (logs in logs/). Runs as root (kubelet, CNI).
# Network: pods 10.244.0.0/24 on bridge gh-k8s0 (host side 10.244.0.1, where the API server
# and kubelet listen), Services 10.97.0.0/24, DNS 10.97.0.10. Other ports: loopback only.
LOG_TAG=cluster
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
DIR="${GATEHOUSE_K8S_CLUSTER_DIR:-$ROOT/.stack/k8s/cluster}"
LOGS="$DIR/logs"
PKI="$DIR/pki"
NODE="${GATEHOUSE_K8S_NODE:-gatehouse-node}"
BRIDGE=gh-k8s0
POD_CIDR=10.244.0.0/24
NODE_IP=10.244.0.1
SVC_CIDR=10.97.0.0/24
API_SVC_IP=10.97.0.1
DNS_IP=10.97.0.10
# Below the kernel's ephemeral range (32768–60999 here: an outgoing connection of anything on
# the machine may take a port there, which once took the kubelet's healthz port), and away
# from the local stack, the chart tests' API server (scripts/k8s/apiserver.sh, which other
# worktrees also start on shifted 5xxxx ports) and the Kubernetes defaults.
ETCD_PORT="${GATEHOUSE_K8S_CLUSTER_ETCD_PORT:-23790}"
API_PORT="${GATEHOUSE_K8S_CLUSTER_API_PORT:-26443}"
KCM_PORT=20257
SCHED_PORT=20259
KUBELET_PORT=20250
KUBELET_HEALTHZ_PORT=20248
PROXY_HEALTHZ_PORT=20256
PROXY_METRICS_PORT=20249
ROUTER_HEALTH_PORT=20244
CONTAINERD_SOCK="$DIR/containerd/containerd.sock"
KUBECTL="$TOOLS_DIR/kubectl"
# Start order; `down` stops in reverse.
PARTS=(etcd kube-apiserver containerd kube-controller-manager kube-scheduler kubelet kube-proxy kube-router)

# One line naming the part, what went wrong and its log, then the log's tail.
fail_part() {
  local part="$1" reason="$2" file="${3:-$LOGS/$1.log}"
  printf 'cluster: FAILED %s: %s — log: %s\n' "$part" "$reason" "$file" >&2
  [[ -f "$file" ]] && tail -n 20 "$file" | sed 's/^/  | /' >&2
  exit 1
}

alive() { [[ -f "$DIR/$1.pid" ]] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

# start_part NAME CMD…: runs CMD in the background with its log, unless NAME is running.
start_part() {
  local name="$1"
  shift
  alive "$name" && return 0
  "$@" >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$DIR/$name.pid"
}

# wait_for NAME SECONDS CHECK…: waits until CHECK succeeds; fails naming NAME if it exits or
# times out.
wait_for() {
  local name="$1" limit="$2" start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    alive "$name" || fail_part "$name" "exited"
    ((SECONDS - start > limit)) && fail_part "$name" "not ready after ${limit}s"
    sleep 0.5
  done
}

stop_part() {
  local name="$1" pid
  if alive "$name"; then
    pid="$(cat "$DIR/$name.pid")"
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/$name.pid"
}

k() { "$KUBECTL" --kubeconfig "$DIR/kubeconfig" "$@"; }

# --- prerequisites -------------------------------------------------------------------------

require() {
  [[ "$(id -u)" == 0 ]] || fail_part cluster "must run as root (kubelet, containerd and CNI need it)" /dev/null
  local missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  [[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
  command -v conntrack >/dev/null || missing+=(conntrack)
  command -v iptables >/dev/null || missing+=(iptables)
  # kube-router's NetworkPolicy controller programs ipsets (a fresh machine has no ipset tool).
  command -v ipset >/dev/null || missing+=(ipset)
  command -v file >/dev/null || missing+=(file)
  [[ -x /bin/busybox ]] && file -L /bin/busybox | grep -q 'statically linked' || missing+=(busybox-static)
  if ((${#missing[@]})); then
    log "installing from Debian: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >"$LOGS/apt.log" 2>&1 ||
      fail_part apt "apt-get install ${missing[*]} failed" "$LOGS/apt.log"
  fi
  bash "$ROOT/scripts/k8s/install-tools.sh" cluster 2>"$LOGS/install-tools.log" ||
    fail_part install-tools "building the cluster's binaries failed" "$LOGS/install-tools.log"
}

# --- certificates (one CA; EC keys are quick to make) --------------------------------------

# cert NAME SUBJECT EXTENSIONS: a key and a certificate signed by the cluster CA.
cert() {
  local name="$1" subject="$2" ext="$3"
  [[ -f "$PKI/$name.crt" ]] && return
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/$name.key" \
    -out "$PKI/$name.csr" -subj "$subject" 2>/dev/null
  printf '%s\n' "$ext" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -out "$PKI/$name.crt" -extfile "$PKI/$name.ext" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

client_cert() { cert "$1" "$2" "extendedKeyUsage=clientAuth"; }

# Makes what is missing (a part added later gets its certificate on the next `up`).
gen_pki() {
  mkdir -p "$PKI"
  [[ -f "$PKI/ca.crt" ]] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -subj "/CN=gatehouse-cluster-ca" 2>/dev/null
  cert apiserver "/CN=kube-apiserver" \
    "subjectAltName=IP:$NODE_IP,IP:127.0.0.1,IP:$API_SVC_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth"
  cert kubelet-serving "/CN=$NODE" "subjectAltName=IP:$NODE_IP,DNS:$NODE
extendedKeyUsage=serverAuth"
  client_cert admin "/O=system:masters/CN=gatehouse-admin"
  client_cert kube-controller-manager "/CN=system:kube-controller-manager"
  client_cert kube-scheduler "/CN=system:kube-scheduler"
  client_cert kubelet "/O=system:nodes/CN=system:node:$NODE"
  client_cert kube-proxy "/CN=system:kube-proxy"
  client_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  client_cert front-proxy-client "/CN=front-proxy-client"
  client_cert kube-router "/CN=system:kube-router"
  # Service-account tokens are signed with this pair.
  if [[ ! -f "$PKI/sa.pub" ]]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  chmod 600 "$PKI"/*.key
}

# kubeconfig NAME: $DIR/NAME.kubeconfig with NAME's client certificate ("admin" → $DIR/kubeconfig).
kubeconfig() {
  local name="$1" file="$DIR/$1.kubeconfig"
  [[ "$name" == admin ]] && file="$DIR/kubeconfig"
  cat >"$file" <<KCFG
apiVersion: v1
kind: Config
clusters:
  - name: gatehouse-cluster
    cluster:
      server: https://$NODE_IP:$API_PORT
      certificate-authority: $PKI/ca.crt
users:
  - name: $name
    user:
      client-certificate: $PKI/$name.crt
      client-key: $PKI/$name.key
contexts:
  - name: gatehouse-cluster
    context: { cluster: gatehouse-cluster, user: $name, namespace: default }
current-context: gatehouse-cluster
KCFG
  chmod 600 "$file"
}

# --- configuration files --------------------------------------------------------------------

# put FILE: writes stdin to FILE only when it differs (kube-proxy exits when its config file
# changes, so an idempotent `up` must not touch it).
put() {
  cat >"$1.new"
  if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv "$1.new" "$1"; fi
}

write_configs() {
  local refs="$DIR/images/refs.env"
  # shellcheck disable=SC1090
  source "$refs"
  mkdir -p "$DIR/containerd" "$DIR/cni/net.d" "$DIR/kubelet" "$DIR/pod-logs"
  # containerd of our own: its own root, state and socket, so it never meets dockerd's
  # (/run/docker/containerd) or a system one (/run/containerd). cgroupfs like the host (v1).
  put "$DIR/containerd/config.toml" <<TOML
version = 2
root = "$DIR/containerd/root"
state = "$DIR/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$DIR/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  enable_selinux = false
  netns_mounts_under_state_dir = true
  # This machine gives root no CAP_SYS_RESOURCE, so nothing may lower an oom_score_adj (the
  # kubelet asks -998 for sandboxes): keep every container at or above containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$DIR/cni/net.d"
    max_conf_num = 1
TOML
  # Bridge + host-local IPAM; portmap for hostPort; firewall lets pod traffic through the
  # FORWARD chain (dockerd sets its policy to DROP). containerd adds loopback itself.
  put "$DIR/cni/net.d/10-gatehouse.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "gatehouse-k8s",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$POD_CIDR", "gateway": "$NODE_IP" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$DIR/cni/ipam"
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } },
    { "type": "firewall", "backend": "iptables" }
  ]
}
JSON
  put "$DIR/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $PKI/ca.crt }
authorization: { mode: Webhook }
# This host runs cgroup v1 (maintenance mode since 1.31: allowed, not failed on) with cgroupfs.
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
podLogsDir: $DIR/pod-logs
# A shared machine: small static reservations, and image GC / eviction only when the disk
# is really full (the images here cannot be pulled again).
systemReserved: { cpu: 100m, memory: 256Mi }
kubeReserved: { cpu: 100m, memory: 128Mi }
imageGCHighThresholdPercent: 98
imageGCLowThresholdPercent: 95
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  imagefs.available: 2%
  nodefs.inodesFree: 2%
maxPods: 110
serializeImagePulls: false
YAML
  put "$DIR/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: { kubeconfig: $DIR/kube-proxy.kubeconfig }
hostnameOverride: $NODE
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:$PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$PROXY_METRICS_PORT
clusterCIDR: $POD_CIDR
# NodePorts only on the bridge address, not on the machine's own interfaces.
nodePortAddresses: [$NODE_IP/32]
iptables: { localhostNodePorts: false, masqueradeAll: false }
# Leave the host's conntrack table size alone (it is not ours to change).
conntrack: { maxPerCore: 0 }
YAML
}

# The bridge exists before the API server binds its address (CNI reuses it for pods).
ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  ip addr show dev "$BRIDGE" | grep -q "inet $NODE_IP/" || ip addr add "$NODE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  ensure_service_route_guard
  ensure_host_service_route
}

# A pod's packet to a Service address that kube-proxy did not translate (the Service has no
# ready endpoint) must stop here. kube-proxy's REJECT for such a Service sits in FORWARD after
# kube-router's chain, which ACCEPTs pod traffic its policies allow, so without this rule the
# packet follows the default route off the machine, is masqueraded, and whatever answers out
# there answers for the Service (seen: an edge kept such a connection to a foreign server and
# relayed its 404s for minutes while auth had no ready pod). Translated packets already carry a
# pod address and never match.
SERVICE_GUARD_PRIORITY=9797
ensure_service_route_guard() {
  ip rule show priority "$SERVICE_GUARD_PRIORITY" | grep -q . ||
    ip rule add priority "$SERVICE_GUARD_PRIORITY" iif "$BRIDGE" to "$SVC_CIDR" unreachable
}
remove_service_route_guard() {
  while ip rule del priority "$SERVICE_GUARD_PRIORITY" 2>/dev/null; do :; done
}

# The host's own packets to a Service address take the bridge, never the default route. The
# route lookup happens at connect(), before kube-proxy's DNAT in OUTPUT, so the guard above
# (an unreachable rule) cannot serve here: it would refuse translated Services too. Through the
# bridge a translated packet is re-routed to its pod as before, and an address kube-proxy has
# not programmed yet finds no neighbour and fails (EHOSTUNREACH) instead of reaching whatever
# answers beyond the default gateway (seen in CI: a foreign server's 404 on a fresh Service's
# address, and the client's kept-alive connection went on getting it after kube-proxy caught
# up). The route goes when the bridge does.
ensure_host_service_route() {
  ip route replace "$SVC_CIDR" dev "$BRIDGE" src "$NODE_IP"
}

# --- readiness checks -------------------------------------------------------------------------

etcd_ready() { curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"; }
api_ready() { k get --raw /readyz; }
containerd_ready() { ctr --address "$CONTAINERD_SOCK" version; }
secure_healthz() { curl -skf --max-time 2 "https://127.0.0.1:$1/healthz"; }
kubelet_ready() { curl -sf --max-time 2 "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz"; }
router_ready() { curl -sf --max-time 2 "http://127.0.0.1:$ROUTER_HEALTH_PORT/healthz"; }
proxy_ready() { curl -sf --max-time 2 "http://127.0.0.1:$PROXY_HEALTHZ_PORT/healthz"; }
node_ready() {
  [[ "$(k get node "$NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

# --- up ----------------------------------------------------------------------------------------

start_etcd() {
  start_part etcd "$TOOLS_DIR/etcd" --name gatehouse-cluster --data-dir "$DIR/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "gatehouse-cluster=http://127.0.0.1:$((ETCD_PORT + 1))" \
    --listen-metrics-urls "" --unsafe-no-fsync --quota-backend-bytes 2147483648
  wait_for etcd 30 etcd_ready
}

start_apiserver() {
  start_part kube-apiserver "$TOOLS_DIR/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$API_PORT" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --allow-privileged=true --service-cluster-ip-range "$SVC_CIDR" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" \
    --kubelet-preferred-address-types InternalIP \
    --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
    --requestheader-client-ca-file "$PKI/ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- --enable-aggregator-routing=true \
    --profiling=false
  wait_for kube-apiserver 120 api_ready
}

start_containerd() {
  start_part containerd containerd --config "$DIR/containerd/config.toml"
  wait_for containerd 30 containerd_ready
  bash "$ROOT/scripts/k8s/images.sh" import "$CONTAINERD_SOCK" 2>>"$LOGS/images.log" ||
    fail_part images "building or importing the cluster's images failed" "$LOGS/images.log"
}

start_controllers() {
  # No node IPAM: the CNI's host-local IPAM hands out pod addresses.
  start_part kube-controller-manager "$TOOLS_DIR/kube-controller-manager" \
    --kubeconfig "$DIR/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$DIR/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$DIR/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --leader-elect=false \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --use-service-account-credentials --allocate-node-cidrs=false \
    --service-cluster-ip-range "$SVC_CIDR" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --profiling=false
  start_part kube-scheduler "$TOOLS_DIR/kube-scheduler" \
    --kubeconfig "$DIR/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$DIR/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "$DIR/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --leader-elect=false --profiling=false
  wait_for kube-controller-manager 60 secure_healthz "$KCM_PORT"
  wait_for kube-scheduler 60 secure_healthz "$SCHED_PORT"
}

start_kubelet() {
  start_part kubelet "$TOOLS_DIR/kubelet" --config "$DIR/kubelet/config.yaml" \
    --kubeconfig "$DIR/kubelet.kubeconfig" --root-dir "$DIR/kubelet/root" \
    --container-runtime-endpoint "unix://$CONTAINERD_SOCK" \
    --hostname-override "$NODE" --node-ip "$NODE_IP"
  wait_for kubelet 60 kubelet_ready
  wait_for kubelet 120 node_ready
}

start_proxy() {
  start_part kube-proxy "$TOOLS_DIR/kube-proxy" --config "$DIR/kube-proxy.yaml"
  wait_for kube-proxy 60 proxy_ready
}

# NetworkPolicy enforcement: kube-router's firewall controller alone (no routing, no service
# proxy, no CNI config: the bridge CNI and kube-proxy do those), on the host like kube-proxy.
# It filters pod traffic with iptables + ipset.
start_router() {
  k apply -f "$ROOT/scripts/k8s/kube-router-rbac.yaml" >"$LOGS/kube-router-rbac.log" 2>&1 ||
    fail_part kube-router "its RBAC could not be applied" "$LOGS/kube-router-rbac.log"
  # shellcheck source=lib/versions.sh
  source "$ROOT/scripts/k8s/lib/versions.sh"
  start_part kube-router "$TOOLS_DIR/kube-router-$KUBE_ROUTER_VERSION" \
    --kubeconfig "$DIR/kube-router.kubeconfig" --hostname-override "$NODE" \
    --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
    --service-cluster-ip-range "$SVC_CIDR" --health-port "$ROUTER_HEALTH_PORT" --metrics-port 0
  wait_for kube-router 60 router_ready
}

# The add-ons' manifests (scripts/k8s/addons/) with this cluster's image refs and addresses.
apply_addons() {
  # shellcheck disable=SC1090
  source "$DIR/images/refs.env"
  local f
  for f in "$ROOT"/scripts/k8s/addons/*.yaml; do
    sed -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|g" -e "s|@METRICS_SERVER_IMAGE@|$METRICS_SERVER_IMAGE|g" \
      -e "s|@DNS_IP@|$DNS_IP|g" "$f"
    echo "---"
  done | k apply -f - >"$LOGS/addons.log" 2>&1 || fail_part addons "kubectl apply failed" "$LOGS/addons.log"
  k -n kube-system rollout status deployment/coredns --timeout=180s >>"$LOGS/addons.log" 2>&1 ||
    fail_part addons "coredns did not become Ready" "$LOGS/addons.log"
  k -n kube-system rollout status deployment/metrics-server --timeout=180s >>"$LOGS/addons.log" 2>&1 ||
    fail_part addons "metrics-server did not become Ready" "$LOGS/addons.log"
}

up() {
  local start=$SECONDS
  mkdir -p "$LOGS"
  require
  gen_pki
  local c
  for c in admin kube-controller-manager kube-scheduler kubelet kube-proxy kube-router; do kubeconfig "$c"; done
  bash "$ROOT/scripts/k8s/images.sh" build 2>>"$LOGS/images.log" ||
    fail_part images "building the cluster's images failed" "$LOGS/images.log"
  write_configs
  ensure_bridge
  start_etcd
  start_apiserver
  start_containerd
  start_controllers
  start_kubelet
  start_proxy
  start_router
  apply_addons
  log "up in $((SECONDS - start))s: KUBECONFIG=$DIR/kubeconfig (node $NODE Ready)"
}

# --- down ----------------------------------------------------------------------------------------

# Stops every container of our containerd (the pods) and the shims it started; the next `up`
# lets the kubelet clean and restart its pods, like after a reboot.
stop_containers() {
  containerd_ready >/dev/null 2>&1 || return 0
  local id
  for id in $(ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
  done
  sleep 1
}

# Shims outlive containerd; these are ours by the socket in their command line.
stop_shims() {
  local pid
  for pid in $(grep -lsF -- "$CONTAINERD_SOCK" /proc/[0-9]*/cmdline | cut -d/ -f3); do
    [[ "$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null)" == *containerd-shim* ]] && kill -9 "$pid" 2>/dev/null || true
  done
}

# kube-router's filter chains and ipsets (a later `up` would rebuild them; --purge leaves the
# host as it was).
purge_router_rules() {
  local rule chain set
  iptables -S | grep -E '^-A (INPUT|FORWARD|OUTPUT) .*-j KUBE-ROUTER-' | sed 's/^-A/-D/' |
    while read -r rule; do eval "iptables $rule" || true; done
  for chain in $(iptables -S | awk '/^-N (KUBE-ROUTER-|KUBE-POD-FW-|KUBE-NWPLCY-)/ {print $2}'); do
    iptables -F "$chain" || true
  done
  for chain in $(iptables -S | awk '/^-N (KUBE-ROUTER-|KUBE-POD-FW-|KUBE-NWPLCY-)/ {print $2}'); do
    iptables -X "$chain" || true
  done
  for set in $(ipset list -n 2>/dev/null | grep -E '^KUBE-(SRC|DST)-'); do ipset destroy "$set" || true; done
}

down() {
  local purge="${1:-}"
  stop_part kube-router
  stop_part kube-proxy
  stop_part kubelet
  stop_part kube-scheduler
  stop_part kube-controller-manager
  stop_containers
  stop_part containerd
  stop_shims
  stop_part kube-apiserver
  stop_part etcd
  if [[ "$purge" == --purge ]]; then
    [[ -x "$TOOLS_DIR/kube-proxy" ]] && "$TOOLS_DIR/kube-proxy" --cleanup >/dev/null 2>&1 || true
    purge_router_rules
    # The kubelet's volume mounts (secrets are tmpfs) and the pods' network namespaces
    # (pinned under containerd's state directory: netns_mounts_under_state_dir).
    grep -F " $DIR/" /proc/mounts | cut -d' ' -f2 | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    ip link del "$BRIDGE" 2>/dev/null || true
    remove_service_route_guard
    rm -rf "$DIR" 2>"$LOGS.purge" || fail_part purge "could not remove $DIR" "$LOGS.purge"
    rm -f "$LOGS.purge"
    log "stopped and purged"
  else
    log "stopped"
  fi
}

status() {
  local bad=0 p
  for p in "${PARTS[@]}"; do
    if alive "$p"; then
      printf '%-24s up (pid %s)\n' "$p" "$(cat "$DIR/$p.pid")"
    else
      printf '%-24s down\n' "$p"
      bad=1
    fi
  done
  if ((bad == 0)) && node_ready 2>/dev/null; then
    printf '%-24s Ready\n' "node $NODE"
  else
    printf '%-24s not Ready\n' "node $NODE"
    bad=1
  fi
  return "$bad"
}

case "${1:-}" in
  up) up ;;
  down) down "${2:-}" ;;
  status) status ;;
  env) printf 'KUBECONFIG=%s\n' "$DIR/kubeconfig" ;;
  *)
    echo "usage: $0 up | down [--purge] | status | env" >&2
    exit 2
    ;;
esac
