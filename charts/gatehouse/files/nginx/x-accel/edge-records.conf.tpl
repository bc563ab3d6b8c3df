# Gatehouse edge nginx.conf — rendered by nginx-ingress/render.sh edge; do not edit.
worker_processes auto;
pid /tmp/nginx.pid;
error_log /dev/stderr notice;
events {
  worker_connections 8192;
}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log /dev/stdout;
  client_body_temp_path /tmp/client_body;
  proxy_temp_path /tmp/proxy;
  fastcgi_temp_path /tmp/fastcgi;
  uwsgi_temp_path /tmp/uwsgi;
  scgi_temp_path /tmp/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 100000;
  server_tokens off;

  # Gatehouse edge (nginx-ingress/, rendered by render.sh). Do not edit the rendered text.
  # Services behind the edge; keepalive makes the auth hop of every media request cheap.
  upstream gh_auth {
    server {{ include "gatehouse.fullname" $ }}-auth:80 max_fails=0;
    keepalive 64;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    keepalive_time 60s;
  }
  upstream gh_media {
    server {{ include "gatehouse.fullname" $ }}-media:80 max_fails=0;
    keepalive 32;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    keepalive_time 60s;
  }
  upstream gh_feeds {
    server {{ include "gatehouse.fullname" $ }}-feeds:80 max_fails=0;
    keepalive 32;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    keepalive_time 60s;
  }
  upstream gh_billing {
    server {{ include "gatehouse.fullname" $ }}-billing:80 max_fails=0;
    keepalive 32;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    keepalive_time 60s;
  }
  upstream gh_analytics {
    server {{ include "gatehouse.fullname" $ }}-analytics:80 max_fails=0;
    keepalive 32;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    keepalive_time 60s;
  }
  upstream gh_web {
    server {{ include "gatehouse.fullname" $ }}-web:80 max_fails=0;
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

  # Edge records: one JSON line per record; unset variables are logged as "-" (the shipper reads that as null).
  log_format gh_edge_records escape=json '{"req":"$pid.$connection.$connection_requests","msec":"$msec","kind":"$gh_record_kind","method":"$request_method","status":"$status","bytes":"$body_bytes_sent","range":"$http_range","contentRange":"$sent_http_content_range","size":"$gh_size","grant":"$gh_grant","tenant":"$gh_tenant","subscriber":"$gh_subscriber","ua":"$http_user_agent","addr":"$remote_addr"}';

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

  server {
    listen 8080;
    server_name _;
    server_tokens off;
    client_max_body_size 10m;
{{- if $.Values.edge.trustedProxies }}
{{- range $c := $.Values.edge.trustedProxies }}
    set_real_ip_from {{ $c }};
{{- end }}
    real_ip_header {{ $.Values.edge.realIpHeader }};
    real_ip_recursive on;
{{- end }}
    location = /healthz {
      access_log off;
      default_type text/plain;
      return 200 "ok\n";
    }
    max_ranges 4;
    # The hidden storage-header list outgrows the default header hash.
    proxy_headers_hash_max_size 1024;
    proxy_headers_hash_bucket_size 128;
    # Media (x-accel): the auth hop, then the origin from the shared cache.
    location ^~ /m/ {
      set $gh_record_kind media;
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      types { }
      default_type text/plain;
      # Only strictly shaped paths are asked about (map in the http text).
      if ($gh_accel_uri = "") { return 404 "not found\n"; }
      proxy_pass http://gh_auth$gh_accel_uri;
      # HEAD or GET, auth answers the same grant; the redirect keeps the client's method.
      proxy_method GET;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Range "";
      proxy_set_header If-Range "";
      proxy_set_header If-Match "";
      proxy_set_header If-None-Match "";
      proxy_set_header If-Modified-Since "";
      proxy_set_header If-Unmodified-Since "";
      proxy_set_header Cookie "";
      proxy_set_header Authorization "";
      proxy_set_header X-Original-Method $request_method;
      proxy_hide_header X-Media-Origin;
      proxy_hide_header X-Media-Key;
      proxy_hide_header X-Media-Size;
      proxy_connect_timeout 2s;
      proxy_read_timeout 10s;
      # Only the headers nginx copies across an X-Accel-Redirect (Content-Type, Content-Disposition,
      # Cache-Control, Expires, Accept-Ranges, Set-Cookie) reach the media response; the X-Media-*
      # headers are read by the internal location and hidden on every other answer.
      proxy_intercept_errors on;
      error_page 500 502 503 504 = @gh_media_unavailable;
    }
    location ^~ /d/ {
      set $gh_record_kind download;
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      types { }
      default_type text/plain;
      # Only strictly shaped paths are asked about (map in the http text).
      if ($gh_accel_uri = "") { return 404 "not found\n"; }
      proxy_pass http://gh_auth$gh_accel_uri;
      # HEAD or GET, auth answers the same grant; the redirect keeps the client's method.
      proxy_method GET;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Range "";
      proxy_set_header If-Range "";
      proxy_set_header If-Match "";
      proxy_set_header If-None-Match "";
      proxy_set_header If-Modified-Since "";
      proxy_set_header If-Unmodified-Since "";
      proxy_set_header Cookie "";
      proxy_set_header Authorization "";
      proxy_set_header X-Original-Method $request_method;
      proxy_hide_header X-Media-Origin;
      proxy_hide_header X-Media-Key;
      proxy_hide_header X-Media-Size;
      proxy_connect_timeout 2s;
      proxy_read_timeout 10s;
      # Only the headers nginx copies across an X-Accel-Redirect (Content-Type, Content-Disposition,
      # Cache-Control, Expires, Accept-Ranges, Set-Cookie) reach the media response; the X-Media-*
      # headers are read by the internal location and hidden on every other answer.
      proxy_intercept_errors on;
      error_page 500 502 503 504 = @gh_media_unavailable;
    }
    location ^~ /pub/ {
      set $gh_record_kind public;
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      types { }
      default_type text/plain;
      # Only strictly shaped paths are asked about (map in the http text).
      if ($gh_accel_uri = "") { return 404 "not found\n"; }
      proxy_pass http://gh_auth$gh_accel_uri;
      # HEAD or GET, auth answers the same grant; the redirect keeps the client's method.
      proxy_method GET;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Range "";
      proxy_set_header If-Range "";
      proxy_set_header If-Match "";
      proxy_set_header If-None-Match "";
      proxy_set_header If-Modified-Since "";
      proxy_set_header If-Unmodified-Since "";
      proxy_set_header Cookie "";
      proxy_set_header Authorization "";
      proxy_set_header X-Original-Method $request_method;
      proxy_hide_header X-Media-Origin;
      proxy_hide_header X-Media-Key;
      proxy_hide_header X-Media-Size;
      proxy_connect_timeout 2s;
      proxy_read_timeout 10s;
      # Only the headers nginx copies across an X-Accel-Redirect (Content-Type, Content-Disposition,
      # Cache-Control, Expires, Accept-Ranges, Set-Cookie) reach the media response; the X-Media-*
      # headers are read by the internal location and hidden on every other answer.
      proxy_intercept_errors on;
      error_page 500 502 503 504 = @gh_media_unavailable;
    }
    location @gh_media_unavailable {
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      types { }
      default_type text/plain;
      add_header Cache-Control no-store always;
      add_header Retry-After 1 always;
      return 503 "temporarily unable to decide; retry\n";
    }
    location = /_gh/origin/s3 {
      internal;
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      open_file_cache max=10000 inactive=30s;
      open_file_cache_valid 30s;
      open_file_cache_errors on;
      # X-Accel-Redirect: auth's answer is still r->upstream here, so its X-Media-* headers are
      # $upstream_http_* until proxy_pass starts the storage request: copy them first.
      set $gh_origin $upstream_http_x_media_origin;
      set $gh_key $upstream_http_x_media_key;
      set $gh_size $upstream_http_x_media_size;
      set $gh_grant $upstream_http_x_gatehouse_grant;
      if ($gh_origin_allowed = 0) { return 502; }
      if ($gh_key = "") { return 502; }
      # Slices: a range in the middle of a big file fetches only the slices it covers.
      slice 1m;
      proxy_cache_key $gh_key$slice_range;
      proxy_cache gh_media;
      proxy_cache_valid 200 206 30d;
      proxy_cache_lock on;
      proxy_cache_lock_timeout 120s;
      proxy_cache_lock_age 120s;
      proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
      proxy_cache_background_update on;
      proxy_cache_revalidate on;
      proxy_ignore_headers Set-Cookie Cache-Control Expires Vary X-Accel-Expires X-Accel-Redirect X-Accel-Limit-Rate X-Accel-Buffering X-Accel-Charset;
      proxy_pass_request_headers off;
      proxy_set_header Range $slice_range;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $proxy_host;
      proxy_set_header Authorization "";
      proxy_set_header Cookie "";
      proxy_set_header User-Agent "gatehouse-edge";
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      resolver_timeout 5s;
      resolver {{ $.Values.edge.resolver }};
      proxy_ssl_server_name on;
      proxy_ssl_verify on;
      proxy_ssl_verify_depth 3;
      proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;
      proxy_ssl_protocols TLSv1.2 TLSv1.3;
      proxy_connect_timeout 5s;
      proxy_read_timeout 60s;
      proxy_buffering on;
      proxy_hide_header Server;
      proxy_hide_header Set-Cookie;
      proxy_hide_header Vary;
      proxy_hide_header X-Amz-Request-Id;
      proxy_hide_header X-Amz-Id-2;
      proxy_hide_header X-Amz-Version-Id;
      proxy_hide_header X-Amz-Delete-Marker;
      proxy_hide_header X-Amz-Expiration;
      proxy_hide_header X-Amz-Restore;
      proxy_hide_header X-Amz-Storage-Class;
      proxy_hide_header X-Amz-Replication-Status;
      proxy_hide_header X-Amz-Server-Side-Encryption;
      proxy_hide_header X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id;
      proxy_hide_header X-Amz-Server-Side-Encryption-Bucket-Key-Enabled;
      proxy_hide_header X-Amz-Website-Redirect-Location;
      proxy_hide_header X-Amz-Object-Lock-Mode;
      proxy_hide_header X-Amz-Object-Lock-Retain-Until-Date;
      proxy_hide_header X-Amz-Object-Lock-Legal-Hold;
      proxy_hide_header X-Amz-Mp-Parts-Count;
      proxy_hide_header X-Amz-Tagging-Count;
      proxy_hide_header X-Amz-Checksum-Crc32;
      proxy_hide_header X-Amz-Checksum-Crc32c;
      proxy_hide_header X-Amz-Checksum-Sha1;
      proxy_hide_header X-Amz-Checksum-Sha256;
      proxy_hide_header X-Amz-Checksum-Type;
      proxy_hide_header X-Amz-Bucket-Region;
      proxy_hide_header X-Amz-Meta-Sha256;
      proxy_hide_header X-Amz-Meta-Checksum;
      proxy_hide_header X-Minio-Deployment-Id;
      proxy_hide_header X-Ratelimit-Limit;
      proxy_hide_header X-Ratelimit-Remaining;
      proxy_hide_header X-Xss-Protection;
      proxy_hide_header X-Content-Type-Options;
      proxy_hide_header Strict-Transport-Security;
      proxy_hide_header Content-Security-Policy;
      proxy_hide_header Content-Type;
      proxy_hide_header Content-Disposition;
      proxy_hide_header Cache-Control;
      proxy_hide_header Expires;
      add_header X-Cache-Status $upstream_cache_status always;
      add_header X-Content-Type-Options nosniff always;
      # Storage redirects are followed inside nginx; storage errors never reach the client.
      proxy_intercept_errors on;
      error_page 301 302 303 307 308 = @gh_origin_redirect;
      error_page 416 = @gh_range_not_satisfiable;
      error_page 400 401 403 404 405 409 410 411 412 500 501 502 503 504 =502 @gh_origin_failed;
      proxy_pass $gh_origin;
    }
    location @gh_origin_redirect {
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      open_file_cache max=10000 inactive=30s;
      open_file_cache_valid 30s;
      open_file_cache_errors on;
      set $gh_redirect $upstream_http_location;
      if ($gh_redirect_allowed = 0) { return 502; }
      # Slices: a range in the middle of a big file fetches only the slices it covers.
      slice 1m;
      proxy_cache_key $gh_key$slice_range;
      proxy_cache gh_media;
      proxy_cache_valid 200 206 30d;
      proxy_cache_lock on;
      proxy_cache_lock_timeout 120s;
      proxy_cache_lock_age 120s;
      proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
      proxy_cache_background_update on;
      proxy_cache_revalidate on;
      proxy_ignore_headers Set-Cookie Cache-Control Expires Vary X-Accel-Expires X-Accel-Redirect X-Accel-Limit-Rate X-Accel-Buffering X-Accel-Charset;
      proxy_pass_request_headers off;
      proxy_set_header Range $slice_range;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $proxy_host;
      proxy_set_header Authorization "";
      proxy_set_header Cookie "";
      proxy_set_header User-Agent "gatehouse-edge";
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      resolver_timeout 5s;
      resolver {{ $.Values.edge.resolver }};
      proxy_ssl_server_name on;
      proxy_ssl_verify on;
      proxy_ssl_verify_depth 3;
      proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;
      proxy_ssl_protocols TLSv1.2 TLSv1.3;
      proxy_connect_timeout 5s;
      proxy_read_timeout 60s;
      proxy_buffering on;
      proxy_hide_header Server;
      proxy_hide_header Set-Cookie;
      proxy_hide_header Vary;
      proxy_hide_header X-Amz-Request-Id;
      proxy_hide_header X-Amz-Id-2;
      proxy_hide_header X-Amz-Version-Id;
      proxy_hide_header X-Amz-Delete-Marker;
      proxy_hide_header X-Amz-Expiration;
      proxy_hide_header X-Amz-Restore;
      proxy_hide_header X-Amz-Storage-Class;
      proxy_hide_header X-Amz-Replication-Status;
      proxy_hide_header X-Amz-Server-Side-Encryption;
      proxy_hide_header X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id;
      proxy_hide_header X-Amz-Server-Side-Encryption-Bucket-Key-Enabled;
      proxy_hide_header X-Amz-Website-Redirect-Location;
      proxy_hide_header X-Amz-Object-Lock-Mode;
      proxy_hide_header X-Amz-Object-Lock-Retain-Until-Date;
      proxy_hide_header X-Amz-Object-Lock-Legal-Hold;
      proxy_hide_header X-Amz-Mp-Parts-Count;
      proxy_hide_header X-Amz-Tagging-Count;
      proxy_hide_header X-Amz-Checksum-Crc32;
      proxy_hide_header X-Amz-Checksum-Crc32c;
      proxy_hide_header X-Amz-Checksum-Sha1;
      proxy_hide_header X-Amz-Checksum-Sha256;
      proxy_hide_header X-Amz-Checksum-Type;
      proxy_hide_header X-Amz-Bucket-Region;
      proxy_hide_header X-Amz-Meta-Sha256;
      proxy_hide_header X-Amz-Meta-Checksum;
      proxy_hide_header X-Minio-Deployment-Id;
      proxy_hide_header X-Ratelimit-Limit;
      proxy_hide_header X-Ratelimit-Remaining;
      proxy_hide_header X-Xss-Protection;
      proxy_hide_header X-Content-Type-Options;
      proxy_hide_header Strict-Transport-Security;
      proxy_hide_header Content-Security-Policy;
      proxy_hide_header Content-Type;
      proxy_hide_header Content-Disposition;
      proxy_hide_header Cache-Control;
      proxy_hide_header Expires;
      add_header X-Cache-Status $upstream_cache_status always;
      add_header X-Content-Type-Options nosniff always;
      proxy_intercept_errors on;
      error_page 416 = @gh_range_not_satisfiable;
      error_page 301 302 303 307 308 400 401 403 404 405 409 410 411 412 500 501 502 503 504 =502 @gh_origin_failed;
      proxy_pass $gh_redirect;
    }
    location @gh_origin_failed {
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      # A client request for /_gh/origin/s3 is refused by `internal` (404) with no grant, and
      # that 404 passes through this location too: keep it a 404, not an origin failure.
      uninitialized_variable_warn off;
      if ($gh_origin = "") { return 404; }
      default_type text/plain;
      add_header Cache-Control no-store always;
      return 502 "origin unavailable\n";
    }
    location @gh_range_not_satisfiable {
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      types { }
      default_type text/plain;
      add_header X-Cache-Status MISS always;
      add_header Content-Range $gh_unsatisfied_range always;
      return 416 "range not satisfiable\n";
    }
    location ^~ /_gh/origin/local/ {
      internal;
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      open_file_cache max=10000 inactive=30s;
      open_file_cache_valid 30s;
      open_file_cache_errors on;
      set $gh_grant $upstream_http_x_gatehouse_grant;
      # Protected directory driver (seed 002): object keys are [A-Za-z0-9/._-] paths under it.
      alias /srv/gatehouse/protected/;
      # The type comes with the grant, not from the file extension.
      types { }
      default_type "";
      add_header X-Cache-Status LOCAL always;
      add_header X-Content-Type-Options nosniff always;
    }
    location = /_gh/origin/refused {
      internal;
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      # A grant naming a target outside the known internal locations (map in the http text).
      types { }
      default_type text/plain;
      add_header Cache-Control no-store always;
      return 502 "origin unavailable
";
    }
    # Nothing under /_gh/ is reachable from outside.
    location ^~ /_gh/ {
      internal;
    }
    location ^~ /internal/ {
      access_log off;
      return 404;
    }
    location ^~ /edge/ {
      access_log off;
      return 404;
    }
    location ~ "^/s/(?<gh_sl_path>(?:private\/)[A-Za-z0-9._~-][A-Za-z0-9/._~-]*)$" {
      secure_link $arg_md5,$arg_expires;
      secure_link_md5 "$secure_link_expires$uri ${GATEHOUSE_SECURE_LINK_SECRET}";
      if ($secure_link = "") { return 403; }
      if ($secure_link = "0") { return 410; }
      alias /srv/gatehouse/protected/$gh_sl_path;
      add_header Cache-Control "private, max-age=3600" always;
      add_header X-Content-Type-Options nosniff always;
    }
    location /s/ {
      return 404;
    }
    location ^~ /f/ {
      set $gh_record_kind feed;
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      auth_request /_gh/auth;
      auth_request_set $gh_tenant $upstream_http_x_gatehouse_tenant_id;
      auth_request_set $gh_subscriber $upstream_http_x_gatehouse_subscriber_id;
      auth_request_set $gh_generation $upstream_http_x_gatehouse_generation;
      auth_request_set $gh_deny_reason $upstream_http_x_gatehouse_deny_reason;
      auth_request_set $gh_deny_status $upstream_http_x_gatehouse_deny_status;
      # auth_request passes only 401/403: the status auth meant (410 for a reset link) is in a header.
      error_page 401 403 = @gh_feed_denied;
      proxy_pass http://gh_feeds;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      # Set after the clearing above: these overwrite anything the client sent.
      proxy_set_header X-Gatehouse-Tenant-Id $gh_tenant;
      proxy_set_header X-Gatehouse-Subscriber-Id $gh_subscriber;
      proxy_set_header X-Gatehouse-Generation $gh_generation;
      add_header X-Gatehouse-Deny-Reason $gh_deny_reason always;
    }
    location @gh_feed_denied {
      access_log /var/log/gatehouse/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;
      uninitialized_variable_warn off;
      types { }
      default_type text/plain;
      charset utf-8;
      add_header Cache-Control no-store always;
      add_header X-Content-Type-Options nosniff always;
      add_header X-Gatehouse-Deny-Reason $gh_deny_reason always;
      if ($gh_deny_status = 410) { return 410 "this feed link has been replaced; use your new link\n"; }
      if ($gh_deny_status = 401) { return 401 "invalid feed link\n"; }
      # 403, or an auth that sends no deny status.
      return 403 "not entitled\n";
    }
    location = /_gh/auth {
      internal;
      proxy_pass http://gh_auth/edge/authorize;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Range "";
      proxy_set_header If-Range "";
      proxy_set_header If-Match "";
      proxy_set_header If-None-Match "";
      proxy_set_header If-Modified-Since "";
      proxy_set_header If-Unmodified-Since "";
      proxy_set_header Cookie "";
      proxy_set_header Authorization "";
      proxy_set_header X-Original-Method $request_method;
      proxy_hide_header X-Media-Origin;
      proxy_hide_header X-Media-Key;
      proxy_hide_header X-Media-Size;
      proxy_connect_timeout 2s;
      proxy_read_timeout 10s;
      proxy_set_header X-Original-URI $request_uri;
    }
    location ^~ /p/ {
      proxy_pass http://gh_feeds;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
    }
    location ^~ /portal/ {
      proxy_pass http://gh_feeds;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      client_max_body_size 64k;
    }
    # The creators' analytics API (tenant API key) is served by the analytics service.
    location ^~ /api/v1/analytics/ {
      proxy_pass http://gh_analytics;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      client_max_body_size 64k;
    }
    location ^~ /api/ {
      proxy_pass http://gh_media;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      # Media's JSON bodies reach 1m (episode descriptions of 100k characters, a 10k-part upload's
      # part list: the service refuses more). Bytes uploaded through the service: uploadBodyLimit.
      client_max_body_size 1m;
      location ~ "^/api/v1/(uploads/[^/]+/content|private-files/.+|shows/[^/]+/artwork|episodes/[^/]+/(transcript|chapters))$" {
        proxy_pass http://gh_media;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Gatehouse-Tenant-Id "";
        proxy_set_header X-Gatehouse-Subscriber-Id "";
        proxy_set_header X-Gatehouse-Generation "";
        proxy_set_header X-Gatehouse-Deny-Reason "";
        client_max_body_size {{ include "gatehouse.uploadBodyLimit" $ }};
        # Streamed on as it arrives (media counts and refuses past its own maximum): no spooling to disk.
        proxy_request_buffering off;
      }
    }
    location ^~ /billing/ {
      proxy_pass http://gh_billing;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_request_buffering on;
      client_max_body_size 64k;
      # Stripe's signed events can be large; billing's webhook parser takes up to 1 MiB.
      location ^~ /billing/webhooks/ {
        proxy_pass http://gh_billing;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Gatehouse-Tenant-Id "";
        proxy_set_header X-Gatehouse-Subscriber-Id "";
        proxy_set_header X-Gatehouse-Generation "";
        proxy_set_header X-Gatehouse-Deny-Reason "";
        proxy_request_buffering on;
        client_max_body_size 1m;
      }
    }
    # The pages (web service) and the web player's download links (auth).
    location = /app {
      client_max_body_size 64k;
      proxy_pass http://gh_web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_hide_header X-Frame-Options;
      proxy_hide_header X-Content-Type-Options;
      proxy_hide_header Referrer-Policy;
      add_header X-Frame-Options DENY always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
    }
    location ^~ /app/ {
      client_max_body_size 64k;
      proxy_pass http://gh_web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_hide_header X-Frame-Options;
      proxy_hide_header X-Content-Type-Options;
      proxy_hide_header Referrer-Policy;
      add_header X-Frame-Options DENY always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
    }
    location = /listen {
      client_max_body_size 64k;
      proxy_pass http://gh_web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_hide_header X-Frame-Options;
      proxy_hide_header X-Content-Type-Options;
      proxy_hide_header Referrer-Policy;
      add_header X-Frame-Options DENY always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
    }
    location ^~ /listen/ {
      client_max_body_size 64k;
      proxy_pass http://gh_web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_hide_header X-Frame-Options;
      proxy_hide_header X-Content-Type-Options;
      proxy_hide_header Referrer-Policy;
      add_header X-Frame-Options DENY always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
    }
    location ^~ /ui/ {
      client_max_body_size 64k;
      proxy_pass http://gh_web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_hide_header X-Frame-Options;
      proxy_hide_header X-Content-Type-Options;
      proxy_hide_header Referrer-Policy;
      add_header X-Frame-Options DENY always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
    }
    location ^~ /web/ {
      client_max_body_size 64k;
      proxy_pass http://gh_web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_hide_header X-Frame-Options;
      proxy_hide_header X-Content-Type-Options;
      proxy_hide_header Referrer-Policy;
      add_header X-Frame-Options DENY always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
    }
    location ^~ /operator/ {
      client_max_body_size 64k;
      proxy_pass http://gh_web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_hide_header X-Frame-Options;
      proxy_hide_header X-Content-Type-Options;
      proxy_hide_header Referrer-Policy;
      add_header X-Frame-Options DENY always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
    }
    location ^~ /ui/assets/ {
      client_max_body_size 64k;
      proxy_pass http://gh_web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
      proxy_hide_header X-Frame-Options;
      proxy_hide_header X-Content-Type-Options;
      proxy_hide_header Referrer-Policy;
      add_header X-Frame-Options DENY always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
      # Hashed file names: the same bytes for everyone. No cookie or credential goes to the web
      # service, only 200s are stored, and nginx never stores an answer carrying Set-Cookie.
      proxy_set_header Cookie "";
      proxy_set_header Authorization "";
      proxy_cache gh_web_assets;
      proxy_cache_key $uri;
      proxy_cache_valid 200 7d;
      proxy_no_cache $gh_web_no_store;
      proxy_cache_lock on;
      proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
      add_header X-Cache-Status $upstream_cache_status always;
    }
    location = /v1/download-links {
      client_max_body_size 64k;
      # Only the 405 answered here uses it; auth types its own answers.
      default_type text/plain;
      if ($request_method != POST) {
        add_header Allow POST always;
        return 405 "method not allowed\n";
      }
      proxy_pass http://gh_auth;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Gatehouse-Tenant-Id "";
      proxy_set_header X-Gatehouse-Subscriber-Id "";
      proxy_set_header X-Gatehouse-Generation "";
      proxy_set_header X-Gatehouse-Deny-Reason "";
    }
    location / {
      return 404;
    }
  }
}
