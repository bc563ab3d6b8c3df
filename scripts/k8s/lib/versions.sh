# Versions of the cluster's add-ons (scripts/k8s/install-tools.sh builds them, images.sh
# packs them). Sourced; override any through the environment.
COREDNS_VERSION="${COREDNS_VERSION:-v1.15.0}"
METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-v0.9.0}"
KUBE_ROUTER_VERSION="${KUBE_ROUTER_VERSION:-v2.1.0}"
