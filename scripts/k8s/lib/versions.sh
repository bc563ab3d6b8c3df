# Versions of the cluster's add-ons (scripts/k8s/install-tools.sh builds them, images.sh
# packs them). Sourced; override any through the environment.
COREDNS_VERSION="${COREDNS_VERSION:-v1.15.0}"
NETPOL_VERSION="${NETPOL_VERSION:-v0.8.0}"
METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-v0.9.0}"
