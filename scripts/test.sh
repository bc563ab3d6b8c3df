#!/usr/bin/env bash
# THE test command (`npm test`): brings up the local stack, prepares the database,
# type-checks, lints, then runs every test file in one node:test run.
# Narrow the run with TEST_FILES (space-separated files or globs), e.g.
#   TEST_FILES='packages/testkit/test/*.test.ts' npm test
# Exit code: the test runner's; if the tests pass but the type-check or lint failed, 1.
# (Type and lint errors do not stop the tests, so one run shows every problem.)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n== %s\n' "$*"; }

# npm scripts put node_modules/.bin (Node 24) first on PATH; make that true when this
# script is run directly too.
export PATH="$ROOT/node_modules/.bin:$PATH"

step "local stack"
if [[ "${GATEHOUSE_STACK:-}" == containers ]]; then
  # The testcontainers option (docs/local-stack.md): the runner stays up while the tests run
  # and stops its containers when this script ends.
  ready="${GATEHOUSE_STACK_DIR:-$ROOT/.stack}/containers.ready"
  rm -f "$ready"
  node scripts/stack-containers.ts &
  containers_pid=$!
  trap 'kill -TERM "$containers_pid" 2>/dev/null || true; wait "$containers_pid" 2>/dev/null || true' EXIT
  until [[ -f "$ready" ]]; do
    if ! kill -0 "$containers_pid" 2>/dev/null; then
      wait "$containers_pid" || true
      exit 1
    fi
    sleep 1
  done
else
  bash scripts/stack.sh up
fi
set -a
# shellcheck disable=SC1091
source .stack/env
set +a

has_db_script() {
  node -e 'const s = require("./packages/db/package.json").scripts ?? {}; process.exit(s[process.argv[1]] ? 0 : 1)' "$1" 2>/dev/null
}
if [[ -f packages/db/package.json ]]; then
  for script in generate migrate:deploy; do
    if has_db_script "$script"; then
      step "npm run $script -w @gatehouse/db"
      npm run --silent "$script" -w @gatehouse/db
    fi
  done
fi

failed_checks=()
step "typecheck: tsc -p tsconfig.json"
npx tsc -p tsconfig.json || failed_checks+=("typecheck (tsc)")

step "lint: biome check ."
npx biome check . || failed_checks+=("lint (biome)")

# Only globs that match something: node --test fails on a pattern with no file.
shopt -s nullglob globstar
patterns=()
if [[ -n "${TEST_FILES:-}" ]]; then
  read -r -a patterns <<<"$TEST_FILES"
else
  patterns=(
    'packages/*/src/**/*.test.ts'
    'packages/*/test/**/*.test.ts'
    'services/*/src/**/*.test.ts'
    'services/*/test/**/*.test.ts'
    'e2e/**/*.test.ts'
    'scripts/test/**/*.test.ts'
    'charts/gatehouse/tests/*.test.ts'
  )
fi
args=()
for pattern in "${patterns[@]}"; do
  # shellcheck disable=SC2206 # the pattern is expanded here on purpose
  matches=($pattern)
  ((${#matches[@]} > 0)) && args+=("$pattern")
done
if ((${#args[@]} == 0)); then
  echo "test.sh: no test file matches: ${patterns[*]}" >&2
  exit 1
fi

# e2e: a reused service (one on a standard port the harness did not start) that rejects the
# harness's secrets fails its suite here instead of skipping it (e2e/support/e2e-secrets.ts).
export GATEHOUSE_E2E_STRICT=1
step "node --test ${args[*]}"
node --version
status=0
# --test-force-exit: a file whose tests finished but that left a handle open (a server,
# a client) must not hang the whole run until CI's time runs out. --test-timeout bounds
# any single test (override with TEST_TIMEOUT_MS).
node --test --test-reporter=spec --test-concurrency=1 --test-force-exit \
  --test-timeout="${TEST_TIMEOUT_MS:-300000}" "${args[@]}" || status=$?
if ((${#failed_checks[@]} > 0)); then
  echo "test.sh: FAILED ${failed_checks[*]} (see above)" >&2
  ((status != 0)) || status=1
fi
exit "$status"
