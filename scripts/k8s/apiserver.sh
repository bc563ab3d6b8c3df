#!/usr/bin/env bash
# A real Kubernetes API server for tests, the envtest way: etcd + kube-apiserver on loopback,
# no kubelet/scheduler/controllers (pods never run; objects, validation, RBAC, admission and
# OpenAPI are all real). Binaries come from scripts/k8s/install-tools.sh.
#   apiserver.sh up      start (idempotent), wait for /readyz, write .stack/k8s/kubeconfig
#   apiserver.sh down    stop what `up` started
#   apiserver.sh status  exit 0 when it answers /readyz
# Ports: etcd 52379 (peer 52380), kube-apiserver 56443 — loopback only.
LOG_TAG=apiserver
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
DIR="${GATEHOUSE_K8S_DIR:-$ROOT/.stack/k8s}"
ETCD_PORT="${GATEHOUSE_K8S_ETCD_PORT:-52379}"
API_PORT="${GATEHOUSE_K8S_API_PORT:-56443}"

readyz() {
  curl -sf --max-time 2 --cacert "$DIR/pki/ca.crt" -H "Authorization: Bearer $(cat "$DIR/pki/admin-token" 2>/dev/null)" \
    "https://127.0.0.1:${API_PORT}/readyz" >/dev/null 2>&1
}

# The pid file's process is alive AND is still that program: after a reboot or hours later the pid
# may belong to something else (seen: a test runner), and waiting on it would never start the server.
alive() {
  local pid
  [[ -f "$DIR/$1.pid" ]] || return 1
  pid="$(cat "$DIR/$1.pid")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "/$1 "
}

gen_pki() {
  local pki="$DIR/pki"
  [[ -f "$pki/apiserver.crt" ]] && return
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca.key -out ca.crt -subj "/CN=gatehouse-test-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -out apiserver.crt -extfile apiserver.ext 2>/dev/null
    # Service-account tokens are signed with this pair (the API server requires one).
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    # A static bearer token for the admin user in system:masters; tests only, loopback only.
    token="$(openssl rand -hex 24)"
    printf '%s' "$token" >admin-token
    printf '%s,gatehouse-admin,gatehouse-admin,"system:masters"\n' "$token" >tokens.csv
    rm -f apiserver.csr apiserver.ext
  )
}

write_kubeconfig() {
  cat >"$DIR/kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
  - name: gatehouse-test
    cluster:
      server: https://127.0.0.1:${API_PORT}
      certificate-authority: $DIR/pki/ca.crt
users:
  - name: gatehouse-admin
    user:
      token: $(cat "$DIR/pki/admin-token")
contexts:
  - name: gatehouse-test
    context: { cluster: gatehouse-test, user: gatehouse-admin, namespace: default }
current-context: gatehouse-test
KCFG
  chmod 600 "$DIR/kubeconfig"
}

up() {
  for bin in etcd kube-apiserver; do
    if [[ ! -x "$TOOLS_DIR/$bin" ]]; then
      log "$TOOLS_DIR/$bin is missing: run scripts/k8s/install-tools.sh"
      exit 1
    fi
  done
  mkdir -p "$DIR"
  if alive kube-apiserver && readyz; then
    write_kubeconfig
    log "already up on https://127.0.0.1:${API_PORT}"
    return
  fi
  gen_pki
  if ! alive etcd; then
    "$TOOLS_DIR/etcd" --name gatehouse-test --data-dir "$DIR/etcd-data" \
      --listen-client-urls "http://127.0.0.1:${ETCD_PORT}" --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
      --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
      --initial-cluster "gatehouse-test=http://127.0.0.1:$((ETCD_PORT + 1))" \
      --unsafe-no-fsync --quota-backend-bytes 1073741824 \
      >"$DIR/etcd.log" 2>&1 &
    echo $! >"$DIR/etcd.pid"
  fi
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:${ETCD_PORT}/health" >/dev/null 2>&1 && break
    sleep 0.2
  done
  if ! alive kube-apiserver; then
    "$TOOLS_DIR/kube-apiserver" \
      --etcd-servers "http://127.0.0.1:${ETCD_PORT}" \
      --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "${API_PORT}" \
      --cert-dir "$DIR/pki" --tls-cert-file "$DIR/pki/apiserver.crt" --tls-private-key-file "$DIR/pki/apiserver.key" \
      --client-ca-file "$DIR/pki/ca.crt" --token-auth-file "$DIR/pki/tokens.csv" \
      --service-account-key-file "$DIR/pki/sa.pub" --service-account-signing-key-file "$DIR/pki/sa.key" \
      --service-account-issuer https://kubernetes.default.svc.cluster.local \
      --authorization-mode RBAC --allow-privileged=false \
      --service-cluster-ip-range 10.0.0.0/24 --disable-admission-plugins ServiceAccount \
      >"$DIR/kube-apiserver.log" 2>&1 &
    echo $! >"$DIR/kube-apiserver.pid"
  fi
  write_kubeconfig
  local start=$SECONDS
  until readyz; do
    if ! alive kube-apiserver; then
      log "kube-apiserver exited; last log lines:"
      tail -n 20 "$DIR/kube-apiserver.log" >&2
      exit 1
    fi
    if ((SECONDS - start > 90)); then
      log "kube-apiserver not ready after 90s; last log lines:"
      tail -n 20 "$DIR/kube-apiserver.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  log "ready in $((SECONDS - start))s: https://127.0.0.1:${API_PORT} (kubeconfig $DIR/kubeconfig)"
}

stop_one() {
  local name="$1"
  if alive "$name"; then
    local pid
    pid="$(cat "$DIR/$name.pid")"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/$name.pid"
}

down() {
  stop_one kube-apiserver
  stop_one etcd
  log "stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) readyz ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
