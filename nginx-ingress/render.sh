#!/usr/bin/env bash
# Renders the edge configuration for a target (see README.md):
#   nginx-ingress/render.sh local|edge|ingress-nginx [--values file.json]
#   nginx-ingress/render.sh print [target]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || dirname "$here")"
exec "$root/node_modules/.bin/node" "$here/src/render.ts" "$@"
