import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { renderEdge, renderIngressNginx, renderLocal, renderTarget } from './edge-targets.ts';
import { AUTH_MODES, type AuthMode, resolveValues, ValuesError, type ValuesOverride } from './edge-values.ts';
import { originPattern } from './http-context.ts';
import { NGINX_BIN, nginxTest, wrapHttp } from './nginx-check.ts';
import { INTERNAL_PREFIXES, MEDIA_UPLOAD_THROUGH_SERVICE, WEB_LOCATIONS } from './server-locations.ts';

const UPLOAD_LOCATION = `location ~ "${MEDIA_UPLOAD_THROUGH_SERVICE}"`;

const env = { STACK_DIR: '/srv/stack' };
const local = () => renderLocal(resolveValues('local', undefined, env));

/** Cluster values usable by `nginx -t` here (names resolve, paths under the temp prefix). */
const clusterValues = (dir: string): ValuesOverride => ({
  upstreams: {
    auth: { servers: ['127.0.0.1:53001'], keepalive: 64 },
    media: { servers: ['127.0.0.1:53002'], keepalive: 8 },
    feeds: { servers: ['127.0.0.1:53003'], keepalive: 8 },
    billing: { servers: ['127.0.0.1:53004'], keepalive: 8 },
    analytics: { servers: ['127.0.0.1:53005'], keepalive: 8 },
    web: { servers: ['127.0.0.1:53006'], keepalive: 8 },
  },
  cache: { path: `${dir}/media` },
  webCache: { path: `${dir}/web` },
  authCache: { path: `${dir}/auth` },
  origin: {
    allow: ['https://s3.eu-west-1.amazonaws.com', 'http://minio.storage:9000', 'http://10.1.2.3:9000'],
    // An address, not a name: nginx resolves an upstream's name at start (and `nginx -t` would fail).
    pooled: ['http://10.1.2.3:9000'],
    resolver: '127.0.0.1',
  },
  secureLink: { secret: 'a-test-secret-of-24-chars' },
});

/** One location block of the rendered text, by its head. */
function location(text: string, head: string): string {
  const start = text.indexOf(`${head} {`);
  assert.ok(start >= 0, `no ${head}`);
  const end = text.indexOf('\n  }\n', start);
  return text.slice(start, end);
}

describe('local target', () => {
  test('media routes: auth_request to the decision, grant variables, deny mapping, try_files target', () => {
    const text = local();
    for (const prefix of ['/m/', '/d/', '/pub/']) {
      const route = location(text, `location ^~ ${prefix}`);
      for (const directive of [
        'access_log off;',
        'auth_request /_gh/decide;',
        'auth_request_set $gh_target_raw $upstream_http_x_media_target;',
        'auth_request_set $gh_origin $upstream_http_x_media_origin;',
        'auth_request_set $gh_key $upstream_http_x_media_key;',
        'auth_request_set $gh_deny_status $upstream_http_x_media_deny_status;',
        'error_page 401 403 = @gh_media_denied;',
        'error_page 500 502 503 504 = @gh_media_unavailable;',
        'try_files /.gh $gh_target;',
        'open_file_cache_errors on;',
      ]) {
        assert.ok(route.includes(directive), `${prefix}: ${directive}`);
      }
    }
    assert.ok(
      text.includes(
        '"~^/m(/[A-Za-z0-9_-]{1,1024}/[0-9a-f-]{36}/[A-Za-z0-9._~%!&\'()*+,=:@-]{1,765})(?:\\?|$)" /edge/decide/media$1;',
      ),
    );
    assert.ok(
      text.includes(
        '"~^/pub(/[0-9a-f-]{36}/[A-Za-z0-9._~%!&\'()*+,=:@-]{1,765})(?:\\?|$)" /edge/decide/public$1;',
      ),
    );
    const denied = location(text, 'location @gh_media_denied');
    assert.ok(denied.includes('if ($gh_deny_status = 410) { return 410 "$gh_deny_message\\n"; }'));
    assert.ok(denied.includes('add_header Retry-After $gh_retry_after always;'));
  });

  test('decision subrequest: keepalive upstream, no body, client Range/If-* and identity stripped, 200-only cache keyed by window', () => {
    const text = local();
    assert.match(text, /upstream gh_auth \{\n\s+server 127\.0\.0\.1:53001 max_fails=0;\n\s+keepalive 64;/);
    const media = location(text, 'location = /_gh/decide');
    for (const directive of [
      'internal;',
      'if ($gh_decide_uri = "") { return 403; }',
      'proxy_pass http://gh_auth$gh_decide_uri;',
      'proxy_cache gh_auth_decisions;',
      'proxy_cache_key $gh_decide_uri|$gh_decide_slot;',
      'proxy_cache_valid 200 1s;',
      'proxy_pass_request_body off;',
      'proxy_set_header Range "";',
      'proxy_set_header If-None-Match "";',
      'proxy_set_header X-Gatehouse-Subscriber-Id "";',
      'proxy_set_header Connection "";',
      'proxy_hide_header X-Media-Origin;',
      'access_log off;',
    ]) {
      assert.ok(media.includes(directive), directive);
    }
    assert.ok(!media.includes('proxy_cache_lock'), 'no lock: its waiters poll every 500 ms');
    // 100 ms windows (the default) cut from the tenths digit of $msec; 200 ms windows pair the digits.
    assert.match(text, /map \$msec \$gh_decide_slot \{\n\s+default "";\n\s+"~\^\(\\d\+\)\\\.0" \$1:0;/);
    assert.equal((text.match(/" \$1:\d;/g) ?? []).length, 10);
    const wide = renderLocal(resolveValues('local', { authCache: { windowMs: 200 } }, env));
    assert.match(wide, /"~\^\(\\d\+\)\\\.\[0-1\]" \$1:0;/);
    assert.equal((wide.match(/" \$1:\d;/g) ?? []).length, 5);
    const off = renderLocal(resolveValues('local', { authCache: { enabled: false } }, env));
    assert.ok(!location(off, 'location = /_gh/decide').includes('proxy_cache'));
  });

  test('origin location: allow-list, slice key, lock, stale, redirects, cache status, grant headers', () => {
    const s3 = location(local(), 'location = /_gh/origin/s3');
    const order = [
      'internal;',
      'if ($gh_origin_allowed = 0) { return 502; }',
      'slice 1m;',
      'proxy_cache_key $gh_key$slice_range;',
      'proxy_pass $gh_origin_pass;',
    ].map((d) => s3.indexOf(d));
    assert.ok(
      order.every((i) => i >= 0),
      `missing: ${order}`,
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'directives in order',
    );
    for (const directive of [
      'proxy_cache_valid 200 206 30d;',
      'proxy_cache_lock on;',
      'proxy_cache_lock_timeout 120s;',
      'proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;',
      'proxy_set_header Range $slice_range;',
      'proxy_pass_request_headers off;',
      'proxy_set_header Authorization "";',
      'proxy_set_header Cookie "";',
      'proxy_set_header Host $gh_origin_host;',
      'proxy_ssl_server_name on;',
      'proxy_ssl_verify on;',
      'resolver 127.0.0.1 ipv6=off;',
      'proxy_intercept_errors on;',
      'error_page 301 302 303 307 308 = @gh_origin_redirect;',
      'add_header X-Cache-Status $upstream_cache_status always;',
      'proxy_hide_header X-Amz-Request-Id;',
      'proxy_hide_header Server;',
      'proxy_hide_header Content-Type;',
      'add_header Content-Type $gh_content_type;',
      'add_header Content-Disposition $gh_disposition always;',
    ]) {
      assert.ok(s3.includes(directive), directive);
    }
    assert.match(
      local(),
      /map \$gh_origin \$gh_origin_allowed \{\n\s+default 0;\n\s+"~\^http:\/\/127\\\.0\\\.0\\\.1:59000\/" 1;/,
    );
  });

  test('pooled origins: an upstream with keepalive, the URL rewritten to it, the presigned Host kept', () => {
    const text = local();
    assert.match(
      text,
      /upstream gh_origin_pool_0 \{\n\s+server 127\.0\.0\.1:59000 max_fails=0;\n\s+keepalive 16;/,
    );
    assert.ok(
      text.includes(
        '"~^http://127\\.0\\.0\\.1:59000/(?<gh_origin_rest>.*)$" http://gh_origin_pool_0/$gh_origin_rest;',
      ),
      'the pooled origin is rewritten to its upstream',
    );
    assert.match(text, /map \$gh_origin \$gh_origin_pass \{\n\s+default \$gh_origin;/);
    assert.match(
      text,
      /map \$gh_origin \$gh_origin_host \{\n\s+default \$proxy_host;\n\s+"[^"]+" "127\.0\.0\.1:59000";/,
    );
    // Redirect targets are never pooled: their Host is their own.
    const redirect = location(text, 'location @gh_origin_redirect');
    assert.ok(redirect.includes('proxy_set_header Host $proxy_host;'));
    assert.ok(redirect.includes('proxy_pass $gh_redirect;'));
    // No pool: the plain variable proxy_pass, as before.
    const plain = renderLocal(resolveValues('local', { origin: { pooled: [] } }, env));
    assert.ok(!plain.includes('gh_origin_pool'));
    assert.ok(location(plain, 'location = /_gh/origin/s3').includes('proxy_pass $gh_origin;'));
    assert.ok(location(plain, 'location = /_gh/origin/s3').includes('proxy_set_header Host $proxy_host;'));
  });

  test('protected directory, secure_link, feeds auth_request, internal /_gh/', () => {
    const text = local();
    assert.ok(location(text, 'location ^~ /_gh/origin/local/').includes('alias /srv/stack/protected/;'));
    const secure = text.slice(text.indexOf('location ~ "^/s/'));
    assert.ok(secure.includes('secure_link $arg_md5,$arg_expires;'));
    assert.ok(
      secure.includes('secure_link_md5 "$secure_link_expires$uri local-stack-secure-link-secret-0001";'),
    );
    assert.ok(secure.includes('if ($secure_link = "0") { return 410; }'));
    const feeds = location(text, 'location ^~ /f/');
    assert.ok(feeds.includes('auth_request /_gh/auth;'));
    assert.ok(feeds.includes('auth_request_set $gh_tenant $upstream_http_x_gatehouse_tenant_id;'));
    assert.ok(
      feeds.indexOf('X-Gatehouse-Tenant-Id "";') < feeds.indexOf('X-Gatehouse-Tenant-Id $gh_tenant;'),
    );
    assert.ok(location(text, 'location ^~ /_gh/').includes('internal;'));
    assert.match(text, /listen 127\.0\.0\.1:58080;/);
    assert.match(text, /max_ranges 4;/);
  });

  test('rendering is deterministic', () => {
    assert.equal(local(), local());
  });

  test('every upstream retires its kept connections after a minute (keepalive_time)', () => {
    for (const text of [
      local(),
      renderEdge(
        resolveValues('edge', {
          origin: { allow: ['https://s3.example.com'] },
          secureLink: { secret: 'x'.repeat(20) },
        }),
      ),
    ]) {
      const upstreams = [...text.matchAll(/upstream (\S+) \{([^}]*)\}/g)];
      assert.ok(upstreams.length >= 6, `upstreams rendered: ${upstreams.length}`);
      for (const [, name, body] of upstreams) {
        assert.match(body ?? '', /keepalive_time 60s;/, `upstream ${name}`);
      }
    }
  });
});

describe('edge and ingress-nginx targets', () => {
  test('edge: full nginx.conf with slice and the configured upstream names', () => {
    const text = renderEdge(
      resolveValues('edge', {
        origin: { allow: ['https://s3.example.com'] },
        secureLink: { secret: 'x'.repeat(20) },
      }),
    );
    assert.match(text, /^worker_processes auto;/m);
    assert.match(text, /server gatehouse-auth:80 max_fails=0;/);
    assert.match(text, /slice 1m;/);
    assert.match(text, /proxy_cache_path \/var\/cache\/gatehouse\/media /);
    assert.match(text, /"~\^https:\/\/s3\\\.example\\\.com\(:443\)\?\/" 1;/);
  });

  test('ingress-nginx: snippets without slice, whole-object cache with max range offset', () => {
    const s = renderIngressNginx(
      resolveValues('ingress-nginx', {
        origin: { allow: ['https://s3.example.com'] },
        secureLink: { secret: 'x'.repeat(20) },
      }),
    );
    assert.match(s['http-snippet'], /proxy_cache_path /);
    assert.match(s['http-snippet'], /upstream gh_auth /);
    assert.doesNotMatch(s['http-snippet'], /^\s*resolver /m, 'the controller has its own resolver');
    assert.doesNotMatch(s['server-snippet'], /^\s*slice |\$slice_range/m);
    assert.match(s['server-snippet'], /proxy_cache_key \$gh_key;/);
    assert.match(s['server-snippet'], /proxy_cache_max_range_offset 8m;/);
    // auth_request and proxy_cache exist in the controller's nginx: the decision cache works there too.
    assert.match(s['http-snippet'], /keys_zone=gh_auth_decisions:/);
    assert.match(s['server-snippet'], /proxy_cache gh_auth_decisions;/);
    assert.doesNotMatch(s['server-snippet'], /^\s*server \{/m);
    const yaml = renderTarget(
      'ingress-nginx',
      resolveValues('ingress-nginx', {
        origin: { allow: ['https://s3.example.com'] },
        secureLink: { secret: 'x'.repeat(20) },
      }),
    );
    assert.match(yaml, /^data:\n {2}http-snippet: \|\n {4}# Gatehouse edge/);
  });

  test('bad values are refused with the field named', () => {
    assert.throws(() => resolveValues('edge', {}), /origin\.allow needs at least one/);
    assert.throws(
      () => resolveValues('local', { origin: { allow: ['http://evil.example/path'] } }),
      ValuesError,
    );
    assert.throws(() => resolveValues('local', { cache: { slice: '1m; evil' } }), /cache\.slice/);
    assert.throws(
      () => resolveValues('local', { upstreams: { auth: { servers: ['a b'] } } }),
      /upstreams\.auth\.servers/,
    );
    assert.throws(() => resolveValues('local', { secureLink: { secret: 'short' } }), /secureLink\.secret/);
    assert.throws(() => resolveValues('local', { authCache: { windowMs: 2000 } }), /authCache\.windowMs/);
    assert.throws(() => resolveValues('local', { authCache: { windowMs: 300 } }), /authCache\.windowMs/);
    assert.throws(() => resolveValues('local', { nope: 1 } as never), /values\.nope is not a known setting/);
    assert.throws(
      () => resolveValues('local', { origin: { pooled: ['http://127.0.0.1:59001'] } }),
      /origin\.pooled has http:\/\/127\.0\.0\.1:59001, which origin\.allow does not list/,
    );
    assert.throws(
      () =>
        resolveValues('local', {
          origin: { allow: ['https://s3.example.com'], pooled: ['https://s3.example.com'] },
        }),
      /origin\.pooled has https:\/\/s3\.example\.com: only http:\/\/host:port/,
    );
  });

  test('origin allow-list patterns match scheme, host and port exactly', () => {
    const re = (o: string) => new RegExp(originPattern(o));
    assert.ok(re('http://127.0.0.1:59000').test('http://127.0.0.1:59000/b/k?X-Amz-Signature=1'));
    assert.ok(!re('http://127.0.0.1:59000').test('http://127.0.0.1:590001/b'));
    assert.ok(!re('http://127.0.0.1:59000').test('http://127.0.0.1:59000@evil.example/b'));
    assert.ok(!re('http://127.0.0.1:59000').test('https://127.0.0.1:59000/b'));
    assert.ok(re('https://s3.example.com').test('https://s3.example.com:443/b'));
    assert.ok(!re('https://s3.example.com').test('https://s3.example.com.evil.example/b'));
  });
});

describe('nginx -t accepts the renders', {
  skip: existsSync(NGINX_BIN) ? false : `no nginx at ${NGINX_BIN}`,
}, () => {
  test('local (inside an http block, as conf.d/edge.conf)', () => {
    const result = nginxTest((dir) =>
      wrapHttp(renderLocal(resolveValues('local', clusterValues(dir), env)), dir),
    );
    assert.ok(result.ok, result.output);
  });

  test('local without the auth-decision cache', () => {
    const result = nginxTest((dir) =>
      wrapHttp(
        renderLocal(
          resolveValues(
            'local',
            {
              ...clusterValues(dir),
              authCache: { enabled: false, path: `${dir}/a` },
            },
            env,
          ),
        ),
        dir,
      ),
    );
    assert.ok(result.ok, result.output);
  });

  test('local and edge with edge records on, both modes, trusted proxies', () => {
    for (const authMode of AUTH_MODES) {
      const records = (dir: string): ValuesOverride => ({
        ...clusterValues(dir),
        records: { enabled: true, path: `${dir}/records.log` },
        realIp: { from: ['10.0.0.0/8', 'fd00::/8'] },
        media: { authMode },
      });
      const result = nginxTest((dir) =>
        wrapHttp(renderLocal(resolveValues('local', records(dir), env)), dir),
      );
      assert.ok(result.ok, `local ${authMode}: ${result.output}`);
      const edge = nginxTest((dir) =>
        renderEdge(resolveValues('edge', records(dir)))
          .replace('pid /tmp/nginx.pid;', `pid ${dir}/nginx.pid;`)
          .replace(/_temp_path \/tmp\//g, `_temp_path ${dir}/`)
          .replace('include /etc/nginx/mime.types;', '')
          .replace('error_log /dev/stderr notice;', `error_log ${dir}/error.log notice;`)
          .replace('access_log /dev/stdout;', `access_log ${dir}/access.log;`),
      );
      assert.ok(edge.ok, `edge ${authMode}: ${edge.output}`);
    }
  });

  test('local with x-accel as the only mode (no second server, no decision cache)', () => {
    const result = nginxTest((dir) =>
      wrapHttp(
        renderLocal(
          resolveValues(
            'local',
            { ...clusterValues(dir), media: { authMode: 'x-accel', xAccelListen: [] } },
            env,
          ),
        ),
        dir,
      ),
    );
    assert.ok(result.ok, result.output);
  });

  for (const authMode of AUTH_MODES) {
    test(`edge (a complete nginx.conf), media.authMode ${authMode}`, () => {
      const result = nginxTest((dir) =>
        renderEdge(resolveValues('edge', { ...clusterValues(dir), media: { authMode } }))
          .replace('pid /tmp/nginx.pid;', `pid ${dir}/nginx.pid;`)
          .replace(/_temp_path \/tmp\//g, `_temp_path ${dir}/`)
          .replace('include /etc/nginx/mime.types;', '')
          .replace('error_log /dev/stderr notice;', `error_log ${dir}/error.log notice;`)
          .replace('access_log /dev/stdout;', `access_log ${dir}/access.log;`),
      );
      assert.ok(result.ok, result.output);
    });

    test(`ingress-nginx snippets inside a controller-like http/server block, media.authMode ${authMode}`, () => {
      const result = nginxTest((dir) => {
        const s = renderIngressNginx(
          resolveValues('ingress-nginx', { ...clusterValues(dir), media: { authMode } }),
        );
        return wrapHttp(
          `resolver 127.0.0.1;\n${s['http-snippet']}\nserver {\nlisten 127.0.0.1:1;\n${s['server-snippet']}\n}`,
          dir,
        );
      });
      assert.ok(result.ok, result.output);
    });
  }

  test('edge with a second x-accel front door (media.xAccelListen)', () => {
    const result = nginxTest((dir) =>
      renderEdge(resolveValues('edge', { ...clusterValues(dir), media: { xAccelListen: ['8082'] } }))
        .replace('pid /tmp/nginx.pid;', `pid ${dir}/nginx.pid;`)
        .replace(/_temp_path \/tmp\//g, `_temp_path ${dir}/`)
        .replace('include /etc/nginx/mime.types;', '')
        .replace('error_log /dev/stderr notice;', `error_log ${dir}/error.log notice;`)
        .replace('access_log /dev/stdout;', `access_log ${dir}/access.log;`),
    );
    assert.ok(result.ok, result.output);
  });
});

/** The text of the server block listening on `listen` (local renders two). */
function serverOn(text: string, listen: string): string {
  const start = text.indexOf(`server {\n  listen ${listen};`);
  assert.ok(start >= 0, `no server on ${listen}`);
  const end = text.indexOf('\n}\n', start);
  return text.slice(start, end);
}

describe('media.authMode x-accel (the X-Accel-Redirect protocol)', () => {
  test('local renders both front doors on one media cache: 58080 decision cache, 58082 x-accel', () => {
    const text = local();
    assert.equal(text.match(/^proxy_cache_path .*keys_zone=gh_media:/gm)?.length, 1, 'one media cache');
    const decision = serverOn(text, '127.0.0.1:58080');
    const accel = serverOn(text, '127.0.0.1:58082');
    assert.match(decision, /auth_request \/_gh\/decide;/);
    assert.doesNotMatch(accel, /auth_request \/_gh\/decide;|location = \/_gh\/decide|gh_auth_decisions/);
    for (const server of [decision, accel]) assert.match(server, /proxy_cache gh_media;/);
  });

  test('public routes proxy to the X-Accel responders; internal targets copy $upstream_http_* with set', () => {
    const text = serverOn(local(), '127.0.0.1:58082');
    assert.ok(
      local().includes(
        '"~^/m(/[A-Za-z0-9_-]{1,1024}/[0-9a-f-]{36}/[A-Za-z0-9._~%!&\'()*+,=:@-]{1,765})(?:\\?|$)" /edge/media$1;',
      ),
    );
    assert.ok(
      local().includes(
        '"~^/pub(/[0-9a-f-]{36}/[A-Za-z0-9._~%!&\'()*+,=:@-]{1,765})(?:\\?|$)" /edge/public$1;',
      ),
    );
    assert.ok(
      local().includes(
        '"~^/d(/[A-Za-z0-9_-]{1,1024}/[A-Za-z0-9._~%!&\'()*+,=:@-]{1,765})(?:\\?|$)" /edge/download$1;',
      ),
    );
    for (const prefix of ['/m/', '/d/', '/pub/']) {
      const route = location(text, `location ^~ ${prefix}`);
      for (const directive of [
        'if ($gh_accel_uri = "") { return 404 "not found\\n"; }',
        'proxy_pass http://gh_auth$gh_accel_uri;',
        'proxy_method GET;',
        'proxy_pass_request_body off;',
        'proxy_set_header Range "";',
        'proxy_set_header X-Gatehouse-Subscriber-Id "";',
        'proxy_hide_header X-Media-Origin;',
        'proxy_hide_header X-Media-Key;',
        'error_page 500 502 503 504 = @gh_media_unavailable;',
      ]) {
        assert.ok(route.includes(directive), `${prefix}: ${directive}`);
      }
      assert.doesNotMatch(route, /auth_request|proxy_cache /, `${prefix}: no decision cache`);
    }
    const s3 = location(text, 'location = /_gh/origin/s3');
    const order = [
      'set $gh_origin $upstream_http_x_media_origin;',
      'set $gh_key $upstream_http_x_media_key;',
      'set $gh_size $upstream_http_x_media_size;',
      'if ($gh_origin_allowed = 0) { return 502; }',
      'proxy_cache_key $gh_key$slice_range;',
      'add_header X-Cache-Status $upstream_cache_status always;',
      'proxy_pass $gh_origin_pass;',
    ].map((d) => s3.indexOf(d));
    assert.ok(
      order.every((i) => i >= 0),
      `directives present: ${order}`,
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'set before use',
    );
    // The redirect carries Content-Type/-Disposition/Cache-Control itself; nothing is added twice.
    assert.doesNotMatch(s3, /add_header Content-Type/);
    assert.doesNotMatch(location(text, 'location ^~ /_gh/origin/local/'), /add_header Content-Type/);
  });

  test('edge and ingress-nginx render x-accel too; ingress-nginx refuses a second server', () => {
    const values = (authMode: AuthMode) => ({
      origin: { allow: ['https://s3.example.com'] },
      secureLink: { secret: 'x'.repeat(20) },
      media: { authMode },
    });
    const edge = renderEdge(resolveValues('edge', values('x-accel')));
    assert.match(edge, /proxy_pass http:\/\/gh_auth\$gh_accel_uri;/);
    assert.doesNotMatch(edge, /gh_auth_decisions|\$gh_decide_uri/);
    const s = renderIngressNginx(resolveValues('ingress-nginx', values('x-accel')));
    assert.match(s['http-snippet'], /map \$request_uri \$gh_accel_uri/);
    assert.doesNotMatch(s['http-snippet'], /gh_auth_decisions/);
    assert.match(s['server-snippet'], /set \$gh_origin \$upstream_http_x_media_origin;/);
    assert.throws(
      () => resolveValues('ingress-nginx', { ...values('x-accel'), media: { xAccelListen: ['8082'] } }),
      /media\.xAccelListen/,
    );
    assert.throws(
      () => resolveValues('local', { media: { authMode: 'accel' as AuthMode } }),
      /media\.authMode/,
    );
    assert.throws(() => resolveValues('local', { media: { xAccelListen: ['127.0.0.1:58080'] } }), /repeats/);
    // The default stays the decision cache on every target.
    for (const target of ['local', 'edge', 'ingress-nginx'] as const) {
      assert.equal(
        resolveValues(target, target === 'local' ? undefined : values('decision-cache')).media.authMode,
        'decision-cache',
      );
    }
  });
});

describe('edge records (issue 11)', () => {
  const on = { records: { enabled: true } };
  const cluster = { origin: { allow: ['https://s3.example.com'] }, secureLink: { secret: 'x'.repeat(20) } };
  const recordsLine =
    'access_log /srv/stack/nginx/edge-records.log gh_edge_records buffer=64k flush=1s if=$gh_record_kind;';

  test('off by default: no records format, map or log anywhere; media logs stay off', () => {
    const text = local();
    assert.doesNotMatch(text, /gh_edge_records|gh_record_kind|x_gatehouse_grant/);
    assert.ok(location(text, 'location ^~ /m/').includes('access_log off;'));
  });

  test('on: the kind set by each route, one JSON format, the records log in every location a record request ends in', () => {
    const text = renderLocal(resolveValues('local', on, env));
    for (const [path, kind] of [
      ['/m/', 'media'],
      ['/d/', 'download'],
      ['/pub/', 'public'],
      ['/f/', 'feed'],
    ]) {
      const route = location(text, `location ^~ ${path}`);
      assert.ok(route.includes(`set $gh_record_kind ${kind};`), kind);
      // First, so it is set before auth is asked or anything redirects.
      assert.ok(route.indexOf('set $gh_record_kind') < route.indexOf('auth_request'), kind);
    }
    assert.doesNotMatch(text, /map \$request_uri \$gh_record_kind/);
    assert.match(
      text,
      /log_format gh_edge_records escape=json '\{"req":"\$pid\.\$connection\.\$connection_requests","msec":"\$msec","kind":"\$gh_record_kind",.*"grant":"\$gh_grant","tenant":"\$gh_tenant","subscriber":"\$gh_subscriber","ua":"\$http_user_agent","addr":"\$remote_addr"\}';/,
    );
    for (const head of [
      'location ^~ /m/',
      'location ^~ /d/',
      'location ^~ /pub/',
      'location ^~ /f/',
      'location @gh_media_denied',
      'location @gh_media_unavailable',
      'location = /_gh/origin/s3',
      'location @gh_origin_redirect',
      'location @gh_origin_failed',
      'location @gh_range_not_satisfiable',
      'location ^~ /_gh/origin/local/',
      'location = /_gh/origin/refused',
    ]) {
      assert.ok(location(text, head).includes(recordsLine), head);
      assert.ok(!location(text, head).includes('access_log off;'), head);
    }
    // Identity from the decision (grant headers), never from the token.
    const media = location(text, 'location ^~ /m/');
    assert.ok(media.includes('auth_request_set $gh_grant $upstream_http_x_gatehouse_grant;'));
    assert.doesNotMatch(media, /x_gatehouse_(tenant|subscriber)_id/, 'one header, not four');
    // The x-accel door copies them from auth's X-Accel answer in the internal targets.
    const accel = text.slice(text.indexOf('Second front door'));
    for (const head of ['location = /_gh/origin/s3', 'location ^~ /_gh/origin/local/']) {
      assert.ok(location(accel, head).includes('set $gh_grant $upstream_http_x_gatehouse_grant;'), head);
    }
    // Unbuffered when asked (every line written at once).
    const unbuffered = renderLocal(resolveValues('local', { records: { enabled: true, buffer: '' } }, env));
    assert.ok(unbuffered.includes('gh_edge_records if=$gh_record_kind;'));
  });

  test('every target renders records; ingress-nginx snippets too; realIp only where nginx owns the server', () => {
    const realIp = { from: ['10.0.0.0/8'], header: 'X-Real-IP' };
    const edge = renderEdge(resolveValues('edge', { ...cluster, ...on, realIp }));
    assert.ok(edge.includes('access_log /var/log/gatehouse/edge-records.log gh_edge_records'));
    assert.ok(
      edge.includes('set_real_ip_from 10.0.0.0/8;\n    real_ip_header X-Real-IP;\n    real_ip_recursive on;'),
    );
    const ingress = renderIngressNginx(resolveValues('ingress-nginx', { ...cluster, ...on, realIp }));
    assert.match(ingress['http-snippet'], /log_format gh_edge_records escape=json/);
    assert.match(ingress['server-snippet'], /gh_edge_records buffer=64k flush=1s if=\$gh_record_kind;/);
    assert.match(ingress['server-snippet'], /set \$gh_record_kind media;/);
    assert.doesNotMatch(ingress['server-snippet'], /set_real_ip_from/);
  });

  test('bad records/realIp values are refused with the field named', () => {
    for (const [override, field] of [
      [{ records: { enabled: true }, mediaAccessLog: true }, /mediaAccessLog/],
      [{ records: { path: 'relative.log' } }, /records\.path/],
      [{ records: { buffer: '64 k' } }, /records\.buffer/],
      [{ records: { flush: 'soon' } }, /records\.flush/],
      [{ realIp: { from: ['10.0.0.0/8;evil'] } }, /realIp\.from/],
      [{ realIp: { header: 'X Forwarded' } }, /realIp\.header/],
    ] as const) {
      assert.throws(() => resolveValues('local', override as ValuesOverride, env), field);
    }
  });
});

describe('analytics API route', () => {
  test('/api/v1/analytics/ goes to the analytics upstream, ahead of /api/ (media), in every target', () => {
    const cluster = { origin: { allow: ['https://s3.example.com'] }, secureLink: { secret: 'x'.repeat(20) } };
    const texts = [
      local(),
      renderEdge(resolveValues('edge', cluster)),
      renderIngressNginx(resolveValues('ingress-nginx', cluster))['server-snippet'],
    ];
    for (const text of texts) {
      const route = location(text, 'location ^~ /api/v1/analytics/');
      assert.ok(route.includes('proxy_pass http://gh_analytics;'));
      assert.ok(route.includes('proxy_set_header X-Gatehouse-Tenant-Id "";'), 'identity cleared');
    }
    assert.match(local(), /upstream gh_analytics \{\n\s+server 127\.0\.0\.1:53005 max_fails=0;/);
    assert.match(renderEdge(resolveValues('edge', cluster)), /server gatehouse-analytics:80 max_fails=0;/);
  });
});

describe('service-internal prefixes are never routed', () => {
  test('every target and mode answers /internal/ and /edge/ with 404 from nginx', () => {
    const cluster = { origin: { allow: ['https://s3.example.com'] }, secureLink: { secret: 'x'.repeat(20) } };
    const texts = [
      local(),
      ...AUTH_MODES.flatMap((authMode) => [
        renderEdge(resolveValues('edge', { ...cluster, media: { authMode } })),
        renderIngressNginx(resolveValues('ingress-nginx', { ...cluster, media: { authMode } }))[
          'server-snippet'
        ],
      ]),
    ];
    assert.deepEqual([...INTERNAL_PREFIXES], ['/internal/', '/edge/']);
    for (const text of texts) {
      const servers = text.split(/^server \{$/m).length - 1 || 1;
      for (const prefix of INTERNAL_PREFIXES) {
        const blocks = text.match(
          new RegExp(
            `location \\^~ ${prefix.replaceAll('/', '\\/')} \\{\\n\\s+access_log off;\\n\\s+return 404;`,
            'g',
          ),
        );
        assert.equal(blocks?.length, servers, `${prefix} in every server`);
      }
    }
  });
});

/** One block of the rendered text by its head, at any depth (braces counted; values hold none). */
function blockOf(text: string, head: string): string {
  const start = text.indexOf(`${head} {\n`);
  assert.ok(start >= 0, `no ${head}`);
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`unterminated ${head}`);
}

function assertHas(text: string, label: string, directives: readonly string[]): void {
  for (const directive of directives) assert.ok(text.includes(directive), `${label}: ${directive}`);
}

describe('web service and download links (issue 10)', () => {
  const cluster = { origin: { allow: ['https://s3.example.com'] }, secureLink: { secret: 'x'.repeat(20) } };
  const texts = () => ({
    local: local(),
    edge: renderEdge(resolveValues('edge', cluster)),
    'ingress-nginx': renderIngressNginx(resolveValues('ingress-nginx', cluster))['server-snippet'],
  });
  const securityHeaders = [
    'proxy_hide_header X-Frame-Options;',
    'proxy_hide_header Referrer-Policy;',
    'proxy_hide_header X-Content-Type-Options;',
    'add_header X-Frame-Options DENY always;',
    'add_header X-Content-Type-Options nosniff always;',
    'add_header Referrer-Policy no-referrer always;',
  ];

  test('/app, /app/, /listen, /listen/, /ui/, /web/, /operator/ go to the web upstream in every target', () => {
    // The paths of PRODUCT-PLAN "Edge paths" (plus `= /listen`, which the web service also serves).
    const expected = [
      '= /app',
      '^~ /app/',
      '= /listen',
      '^~ /listen/',
      '^~ /ui/',
      '^~ /web/',
      '^~ /operator/',
    ];
    assert.deepEqual(
      [...WEB_LOCATIONS],
      expected.map((head) => `location ${head}`),
    );
    for (const [target, text] of Object.entries(texts())) {
      for (const head of [...WEB_LOCATIONS, 'location ^~ /ui/assets/']) {
        const route = blockOf(text, head);
        assertHas(route, `${target} ${head}`, [
          'proxy_pass http://gh_web;',
          'client_max_body_size 64k;',
          'proxy_set_header X-Gatehouse-Tenant-Id "";',
          'proxy_set_header X-Gatehouse-Subscriber-Id "";',
          'proxy_set_header Host $host;',
          'proxy_set_header X-Forwarded-Proto $scheme;',
          ...securityHeaders,
        ]);
        if (head !== 'location ^~ /ui/assets/')
          assert.doesNotMatch(route, /proxy_cache|proxy_ignore_headers/, `${target} ${head}: never cached`);
      }
    }
    assert.match(local(), /upstream gh_web \{\n\s+server 127\.0\.0\.1:53006 max_fails=0;/);
    assert.match(texts().edge, /upstream gh_web \{\n\s+server gatehouse-web:80 max_fails=0;/);
    assert.match(
      renderIngressNginx(resolveValues('ingress-nginx', cluster))['http-snippet'],
      /upstream gh_web \{\n\s+server gatehouse-web:80 max_fails=0;/,
    );
  });

  test('/ui/assets/ is cached by the edge: 200s only, no cookies either way, Set-Cookie answers never stored', () => {
    for (const [target, text] of Object.entries(texts())) {
      const assets = blockOf(text, 'location ^~ /ui/assets/');
      assertHas(assets, target, [
        'proxy_cache gh_web_assets;',
        'proxy_cache_key $uri;',
        'proxy_cache_valid 200 7d;',
        'proxy_no_cache $gh_web_no_store;',
        'proxy_cache_lock on;',
        'proxy_set_header Cookie "";',
        'proxy_set_header Authorization "";',
        'add_header X-Cache-Status $upstream_cache_status always;',
      ]);
      // nginx stores nothing carrying Set-Cookie unless told to ignore it; never told here.
      assert.doesNotMatch(assets, /proxy_ignore_headers/, target);
      assert.doesNotMatch(assets, /proxy_cache_valid (any|[^2])/, `${target}: 200 only`);
    }
    assert.ok(
      local().includes(
        'proxy_cache_path /srv/stack/nginx/cache/web levels=1:2 keys_zone=gh_web_assets:8m max_size=256m inactive=7d use_temp_path=off;',
      ),
    );
    assert.ok(texts().edge.includes('proxy_cache_path /var/cache/gatehouse/web '));
    assert.match(local(), /map \$upstream_status \$gh_web_no_store \{\n\s+default 1;\n\s+200 0;\n/);
    const off = renderLocal(resolveValues('local', { webCache: { enabled: false } }, env));
    assert.doesNotMatch(off, /gh_web_assets|location \^~ \/ui\/assets\//);
    assert.ok(blockOf(off, 'location ^~ /ui/').includes('proxy_pass http://gh_web;'), 'assets still served');
  });

  test('POST /v1/download-links goes to auth; any other method is a 405 from the edge', () => {
    for (const [target, text] of Object.entries(texts())) {
      const route = blockOf(text, 'location = /v1/download-links');
      assertHas(route, target, [
        'if ($request_method != POST) {',
        'add_header Allow POST always;',
        'return 405 "method not allowed\\n";',
        'proxy_pass http://gh_auth;',
        'client_max_body_size 64k;',
        'proxy_set_header X-Gatehouse-Tenant-Id "";',
      ]);
      // The feed token travels in Authorization: the route must not clear it.
      assert.doesNotMatch(route, /proxy_set_header Authorization/, target);
    }
  });

  test('body limits are explicit in every target (ingress-nginx has its own server-wide 1m)', () => {
    for (const [target, text] of Object.entries(texts())) {
      for (const [head, size] of [
        ['location ^~ /portal/', '64k'],
        ['location ^~ /api/v1/analytics/', '64k'],
        ['location ^~ /api/', '1m'],
        [UPLOAD_LOCATION, '10m'],
        ['location ^~ /billing/', '64k'],
        ['location ^~ /billing/webhooks/', '1m'],
      ] as const) {
        const route = blockOf(text, head).replace(/\n\s+location [^\n]*\{[^}]*\}/g, '');
        assert.equal(
          route.match(/client_max_body_size \S+;/g)?.join(),
          `client_max_body_size ${size};`,
          `${target} ${head}`,
        );
      }
      assert.ok(
        blockOf(blockOf(text, 'location ^~ /api/'), UPLOAD_LOCATION).includes('proxy_pass http://gh_media;'),
      );
    }
    assert.throws(() => resolveValues('local', { largeApiBodyLimit: '1 m' }, env), /largeApiBodyLimit/);
    assert.throws(() => resolveValues('local', { uploadBodyLimit: 'big' }, env), /uploadBodyLimit/);
    // The local storage driver's episodes: a larger limit there only, streamed to media.
    const upload = blockOf(
      renderLocal(resolveValues('local', { uploadBodyLimit: '5g' }, env)),
      UPLOAD_LOCATION,
    );
    assertHas(upload, 'upload', ['client_max_body_size 5g;', 'proxy_request_buffering off;']);
  });

  test('bad web values are refused with the field named', () => {
    for (const [override, field] of [
      [{ apiBodyLimit: '64 k' }, /apiBodyLimit/],
      [{ webCache: { maxSize: 'big' } }, /webCache\.maxSize/],
      [{ webCache: { valid: 'forever' } }, /webCache\.valid/],
      [{ webCache: { path: 'relative' } }, /webCache\.path/],
      [{ webCache: { path: '/srv/stack/nginx/cache/media' } }, /webCache\.path must differ/],
      [{ upstreams: { web: { servers: [] } } }, /upstreams\.web\.servers/],
    ] as const) {
      assert.throws(() => resolveValues('local', override as ValuesOverride, env), field);
    }
  });
});

describe('a reset feed link is gone (410), like its media URLs', () => {
  const cluster = { origin: { allow: ['https://s3.example.com'] }, secureLink: { secret: 'x'.repeat(20) } };

  test('every target and mode: /f/ sends auth denials to @gh_feed_denied, which answers the status auth meant', () => {
    for (const authMode of AUTH_MODES) {
      const texts = {
        local: renderLocal(resolveValues('local', { media: { authMode, xAccelListen: [] } }, env)),
        edge: renderEdge(resolveValues('edge', { ...cluster, media: { authMode } })),
        'ingress-nginx': renderIngressNginx(
          resolveValues('ingress-nginx', { ...cluster, media: { authMode } }),
        )['server-snippet'],
      };
      for (const [target, text] of Object.entries(texts)) {
        const label = `${target} ${authMode}`;
        assertHas(blockOf(text, 'location ^~ /f/'), `${label} /f/`, [
          'auth_request /_gh/auth;',
          'auth_request_set $gh_deny_status $upstream_http_x_gatehouse_deny_status;',
          'auth_request_set $gh_deny_reason $upstream_http_x_gatehouse_deny_reason;',
          'error_page 401 403 = @gh_feed_denied;',
        ]);
        const denied = blockOf(text, 'location @gh_feed_denied');
        assertHas(denied, `${label} @gh_feed_denied`, [
          'default_type text/plain;',
          'add_header Cache-Control no-store always;',
          'add_header X-Gatehouse-Deny-Reason $gh_deny_reason always;',
          'if ($gh_deny_status = 410) { return 410 ',
          'if ($gh_deny_status = 401) { return 401 ',
        ]);
        // Anything else (403, or no header at all) stays a 403: never a grant, never a 410 by default.
        assert.match(denied, /return 403 "not entitled\\n";\n\s*}$/, label);
      }
    }
  });
});
