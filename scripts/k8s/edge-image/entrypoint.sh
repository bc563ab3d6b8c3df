#!/bin/sh
# The chart's edge Deployment follows the official nginx image's entrypoint contract: when the
# command starts with `nginx`, every `*.template` in NGINX_ENVSUBST_TEMPLATE_DIR is written to
# NGINX_ENVSUBST_OUTPUT_DIR without the suffix, with `${VAR}` / `$VAR` replaced for the
# environment variables whose names match NGINX_ENVSUBST_FILTER (the chart: ^GATEHOUSE_, so
# nginx's own `$uri` etc. are left alone). The local edge image (Debian's nginx) has no such
# entrypoint; this is that step, nothing more. awk, not sed: a secret may hold `/`, `&` or `\`.
set -eu
if [ "${1:-}" = nginx ] && [ -n "${NGINX_ENVSUBST_TEMPLATE_DIR:-}" ]; then
  out="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
  for template in "$NGINX_ENVSUBST_TEMPLATE_DIR"/*.template; do
    [ -f "$template" ] || continue
    name="$(basename "$template" .template)"
    awk -v filter="${NGINX_ENVSUBST_FILTER:-.}" '
      # Replace every literal occurrence of `from` in `line` by `to` (no regex, no & expansion).
      function swap(line, from, to,    i, done) {
        done = ""
        while ((i = index(line, from)) > 0) {
          done = done substr(line, 1, i - 1) to
          line = substr(line, i + length(from))
        }
        return done line
      }
      BEGIN { for (k in ENVIRON) if (k ~ filter) vars[k] = ENVIRON[k] }
      {
        for (k in vars) {
          $0 = swap($0, "${" k "}", vars[k])
          # $NAME only when the name ends there (not a prefix of a longer name).
          rest = $0; $0 = ""
          while ((i = index(rest, "$" k)) > 0) {
            next_char = substr(rest, i + 1 + length(k), 1)
            if (next_char ~ /[A-Za-z0-9_]/) { $0 = $0 substr(rest, 1, i + length(k)); rest = substr(rest, i + 1 + length(k)); continue }
            $0 = $0 substr(rest, 1, i - 1) vars[k]
            rest = substr(rest, i + 1 + length(k))
          }
          $0 = $0 rest
        }
        print
      }' "$template" >"$out/$name"
    echo "edge-entrypoint: $template -> $out/$name" >&2
  done
fi
exec "$@"
