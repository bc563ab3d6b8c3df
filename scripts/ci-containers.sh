#!/usr/bin/env bash
# CI's containers steps (issue 12), for .ci/run to call after `npm ci`:
#   1. tools    what the suite drives, installed outside the namespace (it has no route out):
#               Chromium, helm/kubectl/etcd/kube-apiserver, schemathesis (no-ops once present)
#   2. images   scripts/images/build.sh — every image; an unchanged one is found by its
#               content-hashed tag and not rebuilt (cache: ~/.cache/gatehouse/images + Docker's)
#   3. suite    the containers suite in a private network namespace (scripts/containers-netns.sh:
#               GATEHOUSE_STACK=containers npm test), so it cannot meet a platform on the fixed ports
#   4. compose  scripts/compose.sh up (start, migrate, seed, check through the edge), check, down
# Each step's wall time and the load average are printed as it ends and again at the end. Exit
# non-zero if any step failed; a failed image build skips the steps that need the images, a failed
# suite does not skip compose (one run shows every problem). Compose is always taken down.
# TEST_FILES narrows the suite as in `npm test`. Needs root (dockerd, unshare --net).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"

declare -a timings=()
failed=()
load() { cut -d' ' -f1-3 /proc/loadavg; }

# usage: step NAME COMMAND… — runs it, records "NAME  Ns  ok|FAILED (exit N)  load …".
step() {
  local name="$1" t0=$SECONDS rc=0
  shift
  printf '\n== ci-containers: %s (load %s)\n' "$name" "$(load)"
  "$@" || rc=$?
  local line
  line="$(printf '%-8s %5ds  %s  load at end %s' "$name" $((SECONDS - t0)) \
    "$([[ $rc == 0 ]] && echo ok || echo "FAILED (exit $rc)")" "$(load)")"
  timings+=("$line")
  printf '== ci-containers: %s\n' "$line"
  ((rc == 0)) || failed+=("$name")
  return "$rc"
}

tools() {
  # shellcheck source=lib/common.sh
  source "$ROOT/scripts/lib/common.sh"
  # shellcheck source=lib/install.sh
  source "$ROOT/scripts/lib/install.sh"
  mkdir -p "$LOG_DIR"
  ensure_chromium && bash scripts/k8s/install-tools.sh && bash scripts/schemathesis.sh --install
}

compose_cycle() {
  local rc=0
  bash scripts/compose.sh up && bash scripts/compose.sh check || rc=$?
  bash scripts/compose.sh down || { ((rc)) || rc=1; }
  return "$rc"
}

t_all=$SECONDS
if step tools tools && step images bash scripts/images/build.sh; then
  step suite bash scripts/containers-netns.sh
  step compose compose_cycle
fi

printf '\n== ci-containers: timings (total %ds)\n' $((SECONDS - t_all))
printf '  %s\n' "${timings[@]}"
if ((${#failed[@]} > 0)); then
  printf 'ci-containers: FAILED: %s\n' "${failed[*]}" >&2
  exit 1
fi
echo "ci-containers: every step passed"
