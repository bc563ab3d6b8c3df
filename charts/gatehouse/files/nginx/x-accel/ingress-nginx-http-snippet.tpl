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

# x-accel front door (docs/edge-protocol.md, "Media: auth → nginx (X-Accel-Redirect)"): the same
# strictly shaped paths, proxied to the X-Accel responders; anything else is 404 without auth.
map $request_uri $gh_accel_uri {
  default "";
  "~^/m(/[A-Za-z0-9_-]{1,1024}/[0-9a-f-]{36}/[A-Za-z0-9._~%!&'()*+,=:@-]{1,765})(?:\?|$)" /edge/media$1;
  "~^/d(/[A-Za-z0-9_-]{1,1024}/[A-Za-z0-9._~%!&'()*+,=:@-]{1,765})(?:\?|$)" /edge/download$1;
  "~^/pub(/[0-9a-f-]{36}/[A-Za-z0-9._~%!&'()*+,=:@-]{1,765})(?:\?|$)" /edge/public$1;
}
# A 416 carries `Content-Range: bytes */size` (RFC 9110): nginx's range filter writes one
# itself; a 416 from storage gets it from the size in the grant.
map $sent_http_content_range $gh_unsatisfied_range {
  "" "bytes */$gh_size";
  default "";
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
