#!/usr/bin/env bash
# Names every skipped test (and todo) of a node:test TAP file, one line each with its reason,
# so a run's summary says what did not run and why. usage: tap-skips.sh FILE
set -euo pipefail
tap="$1"
[[ -f "$tap" ]] || exit 0
# node:test writes `ok N - name # SKIP reason` (subtests indented); a file's own line carries
# its path. Suites skipped as a whole appear once, with their reason.
mapfile -t skips < <(grep -E '^\s*ok [0-9]+ - .* # (SKIP|TODO)' "$tap" | sed -E 's/^\s*ok [0-9]+ - //' || true)
printf '\ntest.sh: %d skipped\n' "${#skips[@]}"
for line in "${skips[@]}"; do
  printf '  skipped: %s\n' "$line"
done
