#!/usr/bin/env bash
# Gatehouse in the one-node cluster (issue 13, docs/cluster.md "Gatehouse in the cluster"):
#
#   in-cluster.sh            all of it: up, images, install, test, faults, ingress-nginx (the one
#                            command; prints the time of each step)
#   in-cluster.sh up         the cluster (scripts/k8s/cluster.sh up: reused when it runs)
#   in-cluster.sh images     build the local images (scripts/images/build.sh), tag them for the
#                            cluster and import the ones containerd lacks
#   in-cluster.sh install    backing parts (scripts/k8s/ci/backing.yaml), then `helm upgrade
#                            --install` of charts/gatehouse with charts/gatehouse/ci/cluster-values.yaml;
#                            waits for the migration hook and every pod Ready
#   in-cluster.sh backing    only the backing parts (and the volumes), for debugging them
#   in-cluster.sh test       the in-cluster suites (scripts/k8s/test/cluster.test.ts,
#                            in-cluster.test.ts and in-cluster-reconciler.test.ts)
#   in-cluster.sh faults     faults under traffic (scripts/k8s/test/in-cluster-faults.test.ts)
#   in-cluster.sh ingress-nginx  the release upgraded to edge.mode=ingress-nginx
#                            (charts/gatehouse/ci/cluster-ingress-nginx-values.yaml) behind the
#                            controller stand-in of scripts/k8s/ingress-nginx/ on 10.97.0.2, then
#                            in-cluster.test.ts again through it
#   in-cluster.sh upgrade [HELM ARGS…]  helm upgrade of the release with the same values plus ARGS
#   in-cluster.sh uninstall  remove the release and the backing parts (the cluster keeps running)
#
# Addresses: the edge Service is pinned at 10.97.0.2 (port 80), Postgres .3, Redis .4, NATS .5,
# MinIO .6, stripe-mock .7 — the host reaches them through kube-proxy, the pods by DNS. In the
# ingress-nginx step the controller stand-in's Service takes the edge's address.
LOG_TAG=in-cluster
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
DIR="${GATEHOUSE_K8S_CLUSTER_DIR:-$ROOT/.stack/k8s/cluster}"
KUBECTL="$TOOLS_DIR/kubectl"
HELM="$TOOLS_DIR/helm"
CONTAINERD_SOCK="$DIR/containerd/containerd.sock"
NS=gatehouse-ci
DEPS_NS=gatehouse-deps
RELEASE=gh
EDGE_IP=10.97.0.2
VALUES="$ROOT/charts/gatehouse/ci/cluster-values.yaml"
INGRESS_NGINX_VALUES="$ROOT/charts/gatehouse/ci/cluster-ingress-nginx-values.yaml"
CONTROLLER_NS=ingress-nginx
IMAGES_ENV="${GATEHOUSE_IMAGES_ENV:-$HOME/.cache/gatehouse/images/images.env}"
REFS="$DIR/images/gatehouse.env"
TIMES="$DIR/in-cluster-times.txt"
APP_IMAGES=(auth media feeds billing analytics web migrate)
DEPS_IMAGES=(postgres redis nats minio stripe-mock)
NODE_BIN="$ROOT/node_modules/.bin/node"

k() { "$KUBECTL" --kubeconfig "$DIR/kubeconfig" "$@"; }
h() { "$HELM" --kubeconfig "$DIR/kubeconfig" "$@"; }
die() {
  printf '[%s] FAILED: %s\n' "$LOG_TAG" "$*" >&2
  exit 1
}

# timed STEP CMD…: runs CMD and appends "STEP SECONDS" to $TIMES.
timed() {
  local step="$1" start=$SECONDS
  shift
  "$@"
  printf '%-10s %4ds\n' "$step" $((SECONDS - start)) | tee -a "$TIMES" >&2
}

up() { bash "$ROOT/scripts/k8s/cluster.sh" up; }

# --- images ----------------------------------------------------------------------------------

# The cluster's names: gatehouse.local/ci/gatehouse-<service>:<one tag for the seven app images>
# (the chart names every app image with one tag), gatehouse.local/ci/<part>:<its own tag> for
# the backing parts and the edge.
tag_images() {
  # shellcheck disable=SC1090
  source "$IMAGES_ENV"
  local name var src app_tag edge_src edge_tag
  app_tag="$(for name in "${APP_IMAGES[@]}"; do
    var="GATEHOUSE_IMAGE_$(echo "$name" | tr 'a-z-' 'A-Z_')"
    echo "${!var:?$var missing in $IMAGES_ENV}"
  done | sha256sum | cut -c1-12)"
  : >"$REFS.tmp"
  for name in "${APP_IMAGES[@]}"; do
    var="GATEHOUSE_IMAGE_$(echo "$name" | tr 'a-z-' 'A-Z_')"
    docker tag "${!var}" "gatehouse.local/ci/gatehouse-$name:$app_tag"
    echo "gatehouse.local/ci/gatehouse-$name:$app_tag" >>"$REFS.tmp"
  done
  echo "APP_TAG=$app_tag" >"$REFS"
  for name in "${DEPS_IMAGES[@]}"; do
    var="GATEHOUSE_IMAGE_$(echo "$name" | tr 'a-z-' 'A-Z_')"
    src="${!var:?$var missing in $IMAGES_ENV}"
    docker tag "$src" "gatehouse.local/ci/$name:${src##*:}"
    echo "gatehouse.local/ci/$name:${src##*:}" >>"$REFS.tmp"
    echo "$(echo "$name" | tr 'a-z-' 'A-Z_')_IMAGE=gatehouse.local/ci/$name:${src##*:}" >>"$REFS"
  done
  # The edge: the local nginx image plus the template step of the official image's entrypoint.
  edge_src="${GATEHOUSE_IMAGE_EDGE:?GATEHOUSE_IMAGE_EDGE missing in $IMAGES_ENV}"
  edge_tag="$({
    echo "$edge_src"
    cat "$ROOT/scripts/k8s/edge-image/Dockerfile" "$ROOT/scripts/k8s/edge-image/entrypoint.sh"
  } | sha256sum | cut -c1-12)"
  if ! docker image inspect "gatehouse.local/ci/gatehouse-edge:$edge_tag" >/dev/null 2>&1; then
    DOCKER_BUILDKIT=0 docker build -q --build-arg "EDGE_IMAGE=$edge_src" \
      -t "gatehouse.local/ci/gatehouse-edge:$edge_tag" "$ROOT/scripts/k8s/edge-image" >"$DIR/logs/edge-image.log" 2>&1 ||
      die "building the cluster edge image failed — log: $DIR/logs/edge-image.log"
  fi
  echo "gatehouse.local/ci/gatehouse-edge:$edge_tag" >>"$REFS.tmp"
  echo "EDGE_IMAGE_REPOSITORY=gatehouse.local/ci/gatehouse-edge" >>"$REFS"
  echo "EDGE_IMAGE_TAG=$edge_tag" >>"$REFS"
  mv "$REFS.tmp" "$DIR/images/gatehouse.refs"
}

# Imports (docker save | ctr import) the refs containerd does not have yet, in one stream so
# shared layers (the base, Node) travel once.
import_images() {
  local have missing=()
  have="$(ctr --address "$CONTAINERD_SOCK" --namespace k8s.io images ls -q)"
  while read -r ref; do
    grep -qxF "$ref" <<<"$have" || missing+=("$ref")
  done <"$DIR/images/gatehouse.refs"
  if ((${#missing[@]} == 0)); then
    log "images: all $(wc -l <"$DIR/images/gatehouse.refs") already in containerd"
    return
  fi
  log "images: importing ${#missing[@]} into containerd: ${missing[*]##*/}"
  docker save "${missing[@]}" | ctr --address "$CONTAINERD_SOCK" --namespace k8s.io images import - >/dev/null
}

images() {
  bash "$ROOT/scripts/images/build.sh" "${APP_IMAGES[@]}" "${DEPS_IMAGES[@]}" edge >"$DIR/logs/images-build.log" 2>&1 ||
    {
      tail -n 20 "$DIR/logs/images-build.log" >&2
      die "scripts/images/build.sh failed — log: $DIR/logs/images-build.log"
    }
  tag_images
  import_images
}

# --- install ---------------------------------------------------------------------------------

# Static volumes on the node (no provisioner runs here): one per NATS node and the edge cache,
# each bound in advance to the claim that will ask for it.
volumes() {
  local pv claim ns dir
  k apply -f - >/dev/null <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: gatehouse-static }
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
reclaimPolicy: Retain
EOF
  for pv in "$DEPS_NS/data-nats-0" "$DEPS_NS/data-nats-1" "$DEPS_NS/data-nats-2" "$NS/$RELEASE-gatehouse-edge-cache"; do
    ns="${pv%%/*}" claim="${pv#*/}"
    dir="$DIR/volumes/$ns-$claim"
    mkdir -p "$dir"
    # The pods run as several non-root users and fsGroup does not apply to hostPath volumes.
    chmod 0777 "$dir"
    k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolume
metadata: { name: $ns-$claim }
spec:
  capacity: { storage: 1Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: gatehouse-static
  claimRef: { namespace: $ns, name: $claim }
  hostPath: { path: $dir, type: Directory }
EOF
  done
}

backing() {
  # shellcheck disable=SC1090
  source "$REFS"
  export POSTGRES_IMAGE REDIS_IMAGE NATS_IMAGE MINIO_IMAGE STRIPE_MOCK_IMAGE
  envsubst '${POSTGRES_IMAGE} ${REDIS_IMAGE} ${NATS_IMAGE} ${MINIO_IMAGE} ${STRIPE_MOCK_IMAGE}' \
    <"$ROOT/scripts/k8s/ci/backing.yaml" | k apply -f - >/dev/null
  local what
  for what in deployment/postgres deployment/redis deployment/minio deployment/stripe-mock statefulset/nats; do
    k -n "$DEPS_NS" rollout status "$what" --timeout=300s >/dev/null ||
      die "$what in $DEPS_NS is not Ready (kubectl -n $DEPS_NS describe $what)"
  done
  # The bucket (curl signs SigV4 itself).
  local s3=(curl -sS --max-time 10 --aws-sigv4 aws:amz:us-east-1:s3 --user gatehouse-ci:gatehouse-ci-minio-secret
    -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  # A rollout can report Ready a moment before kube-proxy routes the Service (seen on a fresh
  # machine for NATS): retry for up to a minute.
  local tries=0
  until [[ "$("${s3[@]}" -o /dev/null -w '%{http_code}' -I http://10.97.0.6:9000/gatehouse-media 2>/dev/null)" == 200 ]] ||
    [[ "$("${s3[@]}" -o /dev/null -w '%{http_code}' -X PUT http://10.97.0.6:9000/gatehouse-media 2>/dev/null)" == 200 ]]; do
    ((++tries < 60)) || die "creating the bucket gatehouse-media in the cluster's MinIO failed"
    sleep 1
  done
  # The streams, replicated on the three nodes before any service creates them with one replica.
  "$NODE_BIN" "$ROOT/scripts/k8s/ci/replicated-streams.ts" nats://10.97.0.5:4222 ||
    die "creating the replicated JetStream streams failed"
}

# The edge Service with a fixed address, made before the release from the chart's own template
# and handed to Helm (its ownership labels and annotations): the chart has no clusterIP value,
# and the feed's URLs must name an address the host reaches.
edge_service() {
  k -n "$NS" get service "$RELEASE-gatehouse-edge" >/dev/null 2>&1 && return
  # shellcheck disable=SC1090
  source "$REFS"
  h template "$RELEASE" "$ROOT/charts/gatehouse" -n "$NS" -f "$VALUES" --show-only templates/edge-service.yaml \
    --set "edge.image.repository=$EDGE_IMAGE_REPOSITORY,edge.image.tag=$EDGE_IMAGE_TAG,image.tag=$APP_TAG" |
    sed "s/^spec:$/spec:\n  clusterIP: $EDGE_IP/" | k -n "$NS" create -f - >/dev/null
  k -n "$NS" annotate service "$RELEASE-gatehouse-edge" "meta.helm.sh/release-name=$RELEASE" \
    "meta.helm.sh/release-namespace=$NS" >/dev/null
}

# helm upgrade --install with the CI values, the imported images' tags and any extra ARGS;
# waits for every resource (the migration hook first: it is a pre-install/pre-upgrade hook).
release() {
  # shellcheck disable=SC1090
  source "$REFS"
  h upgrade --install "$RELEASE" "$ROOT/charts/gatehouse" -n "$NS" -f "$VALUES" \
    --set "image.tag=$APP_TAG" \
    --set "edge.image.repository=$EDGE_IMAGE_REPOSITORY" --set "edge.image.tag=$EDGE_IMAGE_TAG" \
    "$@" --wait=watcher --timeout 15m >"$DIR/logs/helm.log" 2>&1 || {
    tail -n 20 "$DIR/logs/helm.log" >&2
    k -n "$NS" get pods -o wide >&2 || true
    die "helm upgrade --install failed — log: $DIR/logs/helm.log"
  }
}

install() {
  [[ -s "$REFS" ]] || die "no image refs ($REFS): run in-cluster.sh images first"
  # shellcheck disable=SC1090
  source "$REFS"
  k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $NS
  labels:
    pod-security.kubernetes.io/enforce: restricted
EOF
  # The ingress-nginx step's controller holds the edge's address: an install in edge mode first
  # removes it (nothing to do when it never ran).
  remove_controller
  volumes
  backing
  edge_service
  release
  [[ "$(k -n "$NS" get job "$RELEASE-gatehouse-migration" -o jsonpath='{.status.succeeded}')" == 1 ]] ||
    die "the migration hook Job did not succeed (kubectl -n $NS logs job/$RELEASE-gatehouse-migration)"
  # Every Deployment rolled out: its new pods Ready, the old ones gone (a plain `kubectl wait
  # pod --all` trips over the old pods being deleted).
  local deploy
  for deploy in $(k -n "$NS" get deployments -o name); do
    k -n "$NS" rollout status "$deploy" --timeout=300s >/dev/null ||
      die "$deploy in $NS is not Ready (kubectl -n $NS describe $deploy)"
  done
  log "installed: $(k -n "$NS" get pods --no-headers | wc -l) pods in $NS, $(k -n "$DEPS_NS" get pods --no-headers | wc -l) in $DEPS_NS; edge http://$EDGE_IP/"
}

# --- ingress-nginx mode ----------------------------------------------------------------------

remove_controller() {
  k delete namespace "$CONTROLLER_NS" --ignore-not-found --wait=true >/dev/null
  k delete ingressclass nginx --ignore-not-found >/dev/null
}

# The release in edge.mode=ingress-nginx behind the controller stand-in (scripts/k8s/ingress-nginx/).
# Done as an operator would: helm upgrade (the edge Deployment and Service go away, the Ingresses
# and the snippets ConfigMap come), the snippets copied into the controller's ConfigMap, then the
# controller (here: its configuration written once by controller-conf.ts, served by nginx).
ingress_nginx() {
  # shellcheck disable=SC1090
  source "$REFS"
  release -f "$INGRESS_NGINX_VALUES"
  local work="$DIR/ingress-nginx"
  mkdir -p "$work"
  k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: $CONTROLLER_NS
  labels:
    pod-security.kubernetes.io/enforce: restricted
YAML
  k -n "$NS" get configmap "$RELEASE-gatehouse-ingress-nginx-snippets" -o json >"$work/snippets.json" ||
    die "the release has no ingress-nginx snippets ConfigMap"
  "$NODE_BIN" -e '
    const cm = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    process.stdout.write(JSON.stringify({
      apiVersion: "v1", kind: "ConfigMap",
      metadata: { name: "ingress-nginx-controller", namespace: process.argv[2] },
      data: { "http-snippet": cm.data["http-snippet"], "server-snippet": cm.data["server-snippet"] },
    }));' "$work/snippets.json" "$CONTROLLER_NS" | k apply -f - >/dev/null
  k -n "$CONTROLLER_NS" get configmap ingress-nginx-controller -o json >"$work/controller-configmap.json"
  k get ingresses -A -o json >"$work/ingresses.json"
  k get services -A -o json >"$work/services.json"
  "$NODE_BIN" "$ROOT/scripts/k8s/ingress-nginx/controller-conf.ts" --class nginx \
    --resolver "$(k -n kube-system get service kube-dns -o jsonpath='{.spec.clusterIP}')" \
    --ingresses "$work/ingresses.json" --services "$work/services.json" \
    --config-map "$work/controller-configmap.json" >"$work/nginx.conf" ||
    die "writing the controller's nginx.conf failed"
  k -n "$CONTROLLER_NS" create configmap ingress-nginx-controller-conf --from-file=nginx.conf="$work/nginx.conf" \
    --dry-run=client -o yaml | k apply -f - >/dev/null
  export EDGE_IMAGE="$EDGE_IMAGE_REPOSITORY:$EDGE_IMAGE_TAG" CONTROLLER_IP="$EDGE_IP"
  CONF_SHA="$(sha256sum "$work/nginx.conf" | cut -c1-12)"
  export CONF_SHA
  # helm deleted the edge Service; its address can take a moment to be free again.
  local tries=0
  until envsubst '${EDGE_IMAGE} ${CONTROLLER_IP} ${CONF_SHA}' <"$ROOT/scripts/k8s/ingress-nginx/controller.yaml" |
    k apply -f - >"$work/apply.log" 2>&1; do
    ((++tries < 30)) || die "the controller stand-in was not created: $(cat "$work/apply.log")"
    sleep 1
  done
  k -n "$CONTROLLER_NS" rollout status deployment/ingress-nginx-controller --timeout=180s >/dev/null || {
    k -n "$CONTROLLER_NS" logs deployment/ingress-nginx-controller --tail=20 >&2 || true
    die "the ingress-nginx controller stand-in is not Ready"
  }
  # The address belonged to the edge Service a moment ago: kube-proxy can route the new Service a
  # little after its pod is Ready (seen: the suite's first requests refused). Wait for an answer.
  tries=0
  until curl -s -o /dev/null --max-time 2 "http://$EDGE_IP/app"; do
    ((++tries < 60)) || die "the controller stand-in is Ready but http://$EDGE_IP/ does not answer"
    sleep 1
  done
  log "ingress-nginx mode: controller stand-in Ready on http://$EDGE_IP/ ($(grep -c '^    ## start server' "$work/nginx.conf") servers)"
}

# The black-box suite again, through the controller stand-in (the suite checks the mode's pods).
run_ingress_nginx_tests() { GATEHOUSE_K8S_EDGE_MODE=ingress-nginx run_tests in-cluster.test.ts; }

# run_tests FILE…: in-cluster suites (files under scripts/k8s/test/), one after another.
run_tests() {
  local files=("${@/#/scripts/k8s/test/}")
  (cd "$ROOT" && GATEHOUSE_K8S_CLUSTER=1 KUBECONFIG="$DIR/kubeconfig" "$NODE_BIN" \
    --import "$ROOT/scripts/lib/blocking-stdio.mjs" --test --test-concurrency=1 \
    --test-force-exit "${files[@]}")
}

uninstall() {
  remove_controller
  h uninstall "$RELEASE" -n "$NS" --wait >/dev/null 2>&1 || true
  k delete namespace "$NS" "$DEPS_NS" --ignore-not-found --wait=true >/dev/null
  k delete pv "$DEPS_NS-data-nats-0" "$DEPS_NS-data-nats-1" "$DEPS_NS-data-nats-2" \
    "$NS-$RELEASE-gatehouse-edge-cache" --ignore-not-found >/dev/null
  rm -rf "$DIR/volumes"
}

case "${1:-all}" in
  all)
    mkdir -p "$DIR"
    : >"$TIMES"
    timed up up
    timed images images
    timed install install
    timed test run_tests cluster.test.ts in-cluster.test.ts in-cluster-reconciler.test.ts
    timed faults run_tests in-cluster-faults.test.ts
    timed ingress-nginx ingress_nginx
    timed ingress-nginx-test run_ingress_nginx_tests
    ;;
  up) up ;;
  images) images ;;
  install) install ;;
  backing)
    volumes
    backing
    ;;
  test) run_tests cluster.test.ts in-cluster.test.ts in-cluster-reconciler.test.ts ;;
  faults) run_tests in-cluster-faults.test.ts ;;
  ingress-nginx)
    ingress_nginx
    run_ingress_nginx_tests
    ;;
  upgrade)
    shift
    release "$@"
    ;;
  uninstall) uninstall ;;
  *)
    sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
