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
fail() {
  printf 'test.sh: FAILED: %s\n' "$*" >&2
  exit 1
}

# npm scripts put node_modules/.bin (Node 24) first on PATH; make that true when this
# script is run directly too.
export PATH="$ROOT/node_modules/.bin:$PATH"
# shellcheck source=lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=lib/install.sh
source "$ROOT/scripts/lib/install.sh"

# Everything the tests drive is installed here, the way `stack.sh up` installs the servers, so
# no test skips for a missing tool: Chromium (the portal's browser tests) and the Kubernetes
# tools (the chart and reconciler tests). Each is a no-op once present.
step "test tools: chromium, helm/kubectl, etcd, kube-apiserver"
mkdir -p "$LOG_DIR"
ensure_chromium
bash scripts/k8s/install-tools.sh ||
  fail "scripts/k8s/install-tools.sh could not install helm/kubectl/etcd/kube-apiserver (see above); the chart tests need them"

step "local stack"
# The services the e2e harness starts listen on fixed ports: keep the kernel from handing them
# out as source ports (also inside the containers run's own network namespace, which has its own list).
reserve_ports
if [[ "${GATEHOUSE_STACK:-}" == containers ]]; then
  # The testcontainers option (docs/local-stack.md): the runner stays up while the tests run
  # and stops its containers when this script ends.
  # shellcheck source=lib/docker.sh
  source "$ROOT/scripts/lib/docker.sh"
  ensure_docker_engine
  step "images: scripts/images/build.sh (content-hashed tags: unchanged images are reused)"
  bash scripts/images/build.sh postgres redis nats minio stripe-mock minio-audit ||
    fail "scripts/images/build.sh could not build the containers' images (see above)"
  step "containers: scripts/stack-containers.ts"
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
  # This run's free ports (the host nginx, SMTP capture, the chart tests' API server): exported
  # so the tests and the scripts they call use them, never the standard stack's.
  set -a
  # shellcheck disable=SC1091
  source "${GATEHOUSE_STACK_DIR:-$ROOT/.stack}/host-ports.env"
  set +a
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

step "typecheck (pages): tsc -p services/web/ui/tsconfig.json"
npx tsc -p services/web/ui/tsconfig.json || failed_checks+=("typecheck of the pages (tsc, services/web/ui)")

# The web service serves the built pages and the browser tests drive them: build them first.
step "pages: npm run build:ui -w @gatehouse/web"
npm run --silent build:ui -w @gatehouse/web >/dev/null || fail "the pages did not build (npm run build:ui -w @gatehouse/web)"

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
    'scripts/k8s/ingress-nginx/**/*.test.ts'
    'nginx-ingress/src/**/*.test.ts'
    'charts/gatehouse/tests/*.test.ts'
  )
  # scripts/k8s/test/ is not here: those suites need the one-node cluster and run in
  # scripts/k8s/in-cluster.sh (the third part of .ci/run).
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
# A second reporter writes TAP to a file: the summary below names every skipped test from it.
tap="$LOG_DIR/test-results.tap"
# scripts/lib/blocking-stdio.mjs keeps --test-force-exit from dropping the last verdicts of a file.
test_cmd=(node --import "$ROOT/scripts/lib/blocking-stdio.mjs" --test --test-reporter=spec --test-reporter-destination=stdout
  --test-reporter=tap --test-reporter-destination="$tap"
  --test-concurrency=1 --test-force-exit
  --test-timeout="${TEST_TIMEOUT_MS:-300000}" "${args[@]}")
if [[ -n "${containers_pid:-}" ]]; then
  # The containers runner ends only on a signal or when the engine stops answering: whichever
  # of it and the tests ends first decides, so a dead engine fails the run now, not at a timeout.
  setsid "${test_cmd[@]}" &
  tests_pid=$!
  first_rc=0
  wait -n -p first_done "$tests_pid" "$containers_pid" || first_rc=$?
  if [[ "${first_done:-}" != "$tests_pid" ]]; then
    kill -TERM -- "-$tests_pid" 2>/dev/null || true
    wait "$tests_pid" 2>/dev/null || true
    bash scripts/lib/tap-skips.sh "$tap"
    fail "the containers runner ended during the tests (engine gone? see its line above); tests stopped"
  fi
  status=$first_rc
else
  "${test_cmd[@]}" || status=$?
fi
bash scripts/lib/tap-skips.sh "$tap"
if ((${#failed_checks[@]} > 0)); then
  echo "test.sh: FAILED ${failed_checks[*]} (see above)" >&2
  ((status != 0)) || status=1
fi
exit "$status"
