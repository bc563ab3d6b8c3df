#!/usr/bin/env bash
# Schemathesis against each service's OpenAPI document (GET /openapi.json, @fastify/swagger),
# checking at least that no generated request gets a 5xx.
#   bash scripts/schemathesis.sh [--max-examples N] [service…]     (default: 25; auth media feeds billing)
# Installs schemathesis (PyPI) into .stack/schemathesis-venv on first use. The services are
# started for the run (e2e/support/platform.ts) unless they already run; needs the local stack.
# Exit code: non-zero if any service had a failing check.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VERSION=4.32.5
VENV="$ROOT/.stack/schemathesis-venv"
max_examples=25
services=()
while (($#)); do
  case "$1" in
    --max-examples) max_examples="$2"; shift 2 ;;
    --inner) inner=1; shift ;;
    auth | media | feeds | billing) services+=("$1"); shift ;;
    *) echo "schemathesis.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
((${#services[@]})) || services=(auth media feeds billing)

if [[ -z "${inner:-}" ]]; then
  if [[ ! -x "$VENV/bin/st" ]] || ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$VERSION"; then
    echo "schemathesis.sh: installing schemathesis $VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis==$VERSION"
  fi
  set -a
  # shellcheck disable=SC1091
  source "$ROOT/.stack/env"
  set +a
  exec "$ROOT/node_modules/.bin/node" "$ROOT/e2e/abuse/with-platform.ts" -- \
    bash "$ROOT/scripts/schemathesis.sh" --inner --max-examples "$max_examples" "${services[@]}"
fi

declare -A PORT=([auth]=53001 [media]=53002 [feeds]=53003 [billing]=53004)
out="$ROOT/.stack/schemathesis"
mkdir -p "$out"
status=0
for service in "${services[@]}"; do
  port="${PORT[$service]}"
  schema="$out/$service.openapi.json"
  if ! curl -sf "http://127.0.0.1:$port/openapi.json" -o "$schema"; then
    echo "schemathesis.sh: $service on :$port serves no /openapi.json" >&2
    status=1
    continue
  fi
  echo "== $service ($(grep -o '"/[^"]*":' "$schema" | wc -l) paths), max $max_examples examples per operation"
  # No credentials: protected operations answer 401/403, which must still never be a 5xx.
  if ! "$VENV/bin/st" run "$schema" --url "http://127.0.0.1:$port" \
    --checks not_a_server_error --max-examples "$max_examples" \
    --request-timeout 10 --no-color >"$out/$service.log" 2>&1; then
    status=1
  fi
  tail -n 25 "$out/$service.log"
done
exit "$status"
