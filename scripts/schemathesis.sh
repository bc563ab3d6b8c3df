#!/usr/bin/env bash
# Schemathesis against each service's OpenAPI document (GET /openapi.json, @fastify/swagger),
# checking that no generated request gets a 5xx and every status is one the operation declares.
#   bash scripts/schemathesis.sh [--max-examples N] [service…]     (default: 25; auth media feeds billing)
#   bash scripts/schemathesis.sh --install      only install it (e.g. before a run without network)
# Protected operations run with credentials (e2e/abuse/schemathesis-credentials.ts): media's and
# billing's API with a throwaway tenant's API key, their /internal/… routes with the internal token.
# SCHEMATHESIS_CHECKS overrides the checks (default not_a_server_error,status_code_conformance).
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
    --install) install_only=1; shift ;;
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
  [[ -z "${install_only:-}" ]] || exit 0
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
checks="${SCHEMATHESIS_CHECKS:-not_a_server_error,status_code_conformance}"
# A throwaway tenant's API key (media, billing) and the internal token of this run's services
# (/internal/…), so generated requests reach the handlers instead of stopping at 401/403.
creds="$("$ROOT/node_modules/.bin/node" "$ROOT/e2e/abuse/schemathesis-credentials.ts")"
api_key="$(sed -n 's/^SCHEMATHESIS_API_KEY=//p' <<<"$creds")"
internal_token="$(sed -n 's/^SCHEMATHESIS_INTERNAL_TOKEN=//p' <<<"$creds")"
[[ -n "$api_key" && -n "$internal_token" ]] || { echo "schemathesis.sh: no credentials from schemathesis-credentials.ts" >&2; exit 1; }

status=0
# run SERVICE LABEL [st options…]: one st run against SERVICE's document; log in $out/SERVICE-LABEL.log.
run() {
  local service="$1" label="$2"
  shift 2
  local port="${PORT[$service]}" log="$out/$service-$label.log"
  # From $out: st keeps its example database in ./.schemathesis, which must not land in the repo.
  if ! (cd "$out" && "$VENV/bin/st" run "$out/$service.openapi.json" --url "http://127.0.0.1:$port" \
    --checks "$checks" --max-examples "$max_examples" \
    --request-timeout 10 --no-color "$@") >"$log" 2>&1; then
    status=1
    echo "!! $service ($label) failed: $log"
  fi
  echo "-- $service ($label): $(grep -E '^  (Selected|Tested):|generated,' "$log" | tr -s ' ' | paste -sd ';' -)"
}

for service in "${services[@]}"; do
  port="${PORT[$service]}"
  schema="$out/$service.openapi.json"
  if ! curl -sf "http://127.0.0.1:$port/openapi.json" -o "$schema"; then
    echo "schemathesis.sh: $service on :$port serves no /openapi.json" >&2
    status=1
    continue
  fi
  echo "== $service ($(grep -o '"/[^"]*":' "$schema" | wc -l) paths), max $max_examples examples per operation, checks $checks"
  case "$service" in
    # Edge routes (credentials are tokens in the path) and the subscriber portal (cookies it sets
    # itself): no header.
    auth | feeds) run "$service" public ;;
    # The creator API with the tenant's key; /internal/… with the internal token.
    media | billing)
      run "$service" api --exclude-path-regex '^/internal/' -H "Authorization: Bearer $api_key"
      run "$service" internal --include-path-regex '^/internal/' -H "Authorization: Bearer $internal_token"
      ;;
  esac
done
exit "$status"
