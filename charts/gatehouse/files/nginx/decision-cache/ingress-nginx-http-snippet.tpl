# Gatehouse edge (nginx-ingress/, rendered by render.sh). Do not edit the rendered text.
# Services behind the edge; keepalive makes the auth hop of every media request cheap.
upstream gh_auth {
  server {{ include "gatehouse.fullname" $ }}-auth.{{ $.Release.Namespace }}.svc:80 max_fails=0;
  keepalive 64;
  keepalive_requests 100000;
  keepalive_timeout 60s;
  keepalive_time 60s;
}
upstream gh_media {
  server {{ include "gatehouse.fullname" $ }}-media.{{ $.Release.Namespace }}.svc:80 max_fails=0;
  keepalive 32;
  keepalive_requests 100000;
  keepalive_timeout 60s;
  keepalive_time 60s;
}
upstream gh_feeds {
  server {{ include "gatehouse.fullname" $ }}-feeds.{{ $.Release.Namespace }}.svc:80 max_fails=0;
  keepalive 32;
  keepalive_requests 100000;
  keepalive_timeout 60s;
  keepalive_time 60s;
}
upstream gh_billing {
  server {{ include "gatehouse.fullname" $ }}-billing.{{ $.Release.Namespace }}.svc:80 max_fails=0;
  keepalive 32;
  keepalive_requests 100000;
  keepalive_timeout 60s;
  keepalive_time 60s;
}
upstream gh_analytics {
  server {{ include "gatehouse.fullname" $ }}-analytics.{{ $.Release.Namespace }}.svc:80 max_fails=0;
  keepalive 32;
  keepalive_requests 100000;
  keepalive_timeout 60s;
  keepalive_time 60s;
}
upstream gh_web {
  server {{ include "gatehouse.fullname" $ }}-web.{{ $.Release.Namespace }}.svc:80 max_fails=0;
  keepalive 32;
  keepalive_requests 100000;
  keepalive_timeout 60s;
  keepalive_time 60s;
}

# Media cache, keyed by object key (+ slice range): one entry per object however many subscribers.
proxy_cache_path /var/cache/gatehouse/media levels=1:2 keys_zone=gh_media:64m max_size={{ $.Values.edge.cacheMaxSize }} inactive=7d use_temp_path=off;

# The media paths nginx asks auth about (docs/edge-protocol.md, "Media: the cached decision").
# Raw $request_uri keeps the client's %-encoding for auth; only strictly shaped paths map
# (no dot segments can hide in them), anything else is refused before auth is asked.
map $request_uri $gh_decide_uri {
  default "";
  "~^/m(/[A-Za-z0-9_-]{1,1024}/[0-9a-f-]{36}/[A-Za-z0-9._~%!&'()*+,=:@-]{1,765})(?:\?|$)" /edge/decide/media$1;
  "~^/d(/[A-Za-z0-9_-]{1,1024}/[A-Za-z0-9._~%!&'()*+,=:@-]{1,765})(?:\?|$)" /edge/decide/download$1;
  "~^/pub(/[0-9a-f-]{36}/[A-Za-z0-9._~%!&'()*+,=:@-]{1,765})(?:\?|$)" /edge/decide/public$1;
}
# auth could not decide (503): the client may retry in a second.
map $gh_deny_status $gh_retry_after {
  default "";
  503 1;
}
# Internal targets a grant may name; anything else (or ..) lands on a 502.
map $gh_target_raw $gh_target {
  default /_gh/origin/refused;
  /_gh/origin/s3 /_gh/origin/s3;
  "~^/_gh/origin/local/(?!.*\.\.)[A-Za-z0-9._/-]+$" $gh_target_raw;
}
# A 416 carries `Content-Range: bytes */size` (RFC 9110): nginx's range filter writes one
# itself; a 416 from storage gets it from the size in the grant.
map $sent_http_content_range $gh_unsatisfied_range {
  "" "bytes */$gh_size";
  default "";
}
# Auth grants for at most 100 ms: the key carries the current window of $msec, so a
# grant is never reused after its window (revocation reaches the edge within it).
proxy_cache_path /var/cache/gatehouse/auth levels=1:2 keys_zone=gh_auth_decisions:16m max_size=256m inactive=10s use_temp_path=off;
map $msec $gh_decide_slot {
  default "";
  "~^(\d+)\.0" $1:0;
  "~^(\d+)\.1" $1:1;
  "~^(\d+)\.2" $1:2;
  "~^(\d+)\.3" $1:3;
  "~^(\d+)\.4" $1:4;
  "~^(\d+)\.5" $1:5;
  "~^(\d+)\.6" $1:6;
  "~^(\d+)\.7" $1:7;
  "~^(\d+)\.8" $1:8;
  "~^(\d+)\.9" $1:9;
}
# The web service's immutable assets (/ui/assets/, hashed names); pages and JSON never.
proxy_cache_path /var/cache/gatehouse/web levels=1:2 keys_zone=gh_web_assets:8m max_size=256m inactive=7d use_temp_path=off;
# Only a 200 is stored, whatever the answer's own Cache-Control says (a 404 is not immutable).
map $upstream_status $gh_web_no_store {
  default 1;
  200 0;
}

# SSRF guard: nginx fetches only from these storage origins (scheme://host:port).
map $gh_origin $gh_origin_allowed {
  default 0;
{{- range $o := include "gatehouse.originAllow" $ | fromJsonArray }}
  "~{{ include "gatehouse.originPattern" $o }}" 1;{{ end }}
}
map $gh_redirect $gh_redirect_allowed {
  default 0;
{{- range $o := include "gatehouse.originAllow" $ | fromJsonArray }}
  "~{{ include "gatehouse.originPattern" $o }}" 1;{{ end }}
}
