# The preamble every scripts/k8s tool starts with. Sourced, never run:
#   LOG_TAG=name; source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# Strict mode, ROOT (the repository), TOOLS_DIR (where install-tools.sh puts binaries) and
# log(), which prefixes each line with [$LOG_TAG] on stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
TOOLS_DIR="${GATEHOUSE_TOOLS_DIR:-$HOME/.cache/gatehouse/bin}"
log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
