import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { renderLocal } from './edge-targets.ts';
import { resolveValues } from './edge-values.ts';
import { NGINX_BIN } from './nginx-check.ts';

/**
 * The web routes through a real nginx (the local render on a free port, throw-away prefix): what a
 * browser gets back. The upstream is a small recording HTTP server standing in for the web and auth
 * services (this tests the edge's routing, headers, cache and limits, not those services).
 */
interface Seen {
  method: string;
  url: string;
  cookie: string;
  authorization: string;
  bytes: number;
}

const seen: Seen[] = [];
let upstream: Server;
let dir: string;
let base: string;
let nginxArgs: string[];

/** auth's `/edge/authorize` answers by the token in the feed URI (services/auth edge-authorize.routes.ts). */
const FEED_DENIALS: Record<string, { status: number; headers: Record<string, string> }> = {
  rotated: {
    status: 403,
    headers: { 'x-gatehouse-deny-status': '410', 'x-gatehouse-deny-reason': 'rotated' },
  },
  forged: { status: 401, headers: { 'x-gatehouse-deny-status': '401' } },
  other: { status: 403, headers: { 'x-gatehouse-deny-status': '403' } },
  // An auth that names no status: the edge keeps it a 403.
  silent: { status: 403, headers: {} },
};

function answer(req: IncomingMessage): { status: number; headers: Record<string, string> } {
  if (req.url === '/edge/authorize') {
    const token = /^\/f\/([^/]+)\//.exec(String(req.headers['x-original-uri']))?.[1] ?? '';
    const denial = FEED_DENIALS[token];
    if (denial)
      return { status: denial.status, headers: { ...denial.headers, 'content-type': 'text/plain' } };
    return { status: 200, headers: { 'x-gatehouse-tenant-id': 't1', 'x-gatehouse-subscriber-id': 's1' } };
  }
  const headers: Record<string, string> = {
    'content-type': 'text/plain',
    // What the web service sends itself (pages.routes.ts): the edge must replace, not double, them.
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'origin',
  };
  if (req.url?.startsWith('/ui/assets/')) headers['cache-control'] = 'public, max-age=31536000, immutable';
  if (req.url?.includes('with-cookie')) headers['set-cookie'] = 'gh_test=1; Path=/';
  return { status: req.url?.includes('missing') ? 404 : 200, headers };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const get = (p: string, init: RequestInit = {}) => fetch(`${base}${p}`, { redirect: 'manual', ...init });

describe('web routes through a real nginx', {
  skip: existsSync(NGINX_BIN) ? false : `no nginx at ${NGINX_BIN}`,
}, () => {
  before(async () => {
    upstream = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          cookie: req.headers.cookie ?? '',
          authorization: req.headers.authorization ?? '',
          bytes,
        });
        const { status, headers } = answer(req);
        res.writeHead(status, headers).end(`${req.method} ${req.url} ${seen.length}`);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const up = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    dir = mkdtempSync(path.join(tmpdir(), 'gh-web-routes-'));
    for (const sub of ['logs', 'tmp', 'cache']) mkdirSync(path.join(dir, sub));
    // As root, nginx's workers run as nobody: they must reach the cache and temp directories.
    chmodSync(dir, 0o755);
    const port = await freePort();
    const values = resolveValues(
      'local',
      {
        listen: [`127.0.0.1:${port}`],
        upstreams: Object.fromEntries(
          ['auth', 'media', 'feeds', 'billing', 'analytics', 'web'].map((name) => [
            name,
            { servers: [up], keepalive: 4 },
          ]),
        ),
        cache: { path: `${dir}/cache/media` },
        authCache: { path: `${dir}/cache/auth` },
        webCache: { path: `${dir}/cache/web` },
        media: { xAccelListen: [] },
      },
      { STACK_DIR: dir },
    );
    writeFileSync(
      path.join(dir, 'nginx.conf'),
      [
        `pid ${dir}/nginx.pid;`,
        'worker_processes 1;',
        'events { worker_connections 64; }',
        'http {',
        `  client_body_temp_path ${dir}/tmp/body;`,
        `  proxy_temp_path ${dir}/tmp/proxy;`,
        `  access_log ${dir}/logs/access.log;`,
        renderLocal(values),
        '}',
        '',
      ].join('\n'),
    );
    nginxArgs = ['-p', `${dir}/`, '-c', `${dir}/nginx.conf`, '-e', `${dir}/logs/error.log`];
    const started = spawnSync(NGINX_BIN, nginxArgs, { encoding: 'utf8' });
    assert.equal(started.status, 0, started.stderr);
    base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${base}/healthz`).catch(() => undefined))?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('private nginx did not answer /healthz');
  });

  after(async () => {
    if (nginxArgs) spawnSync(NGINX_BIN, [...nginxArgs, '-s', 'quit']);
    await new Promise((resolve) => upstream?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('pages, JSON and operator paths reach web with the cookie; the edge sets the security headers once', async () => {
    for (const p of [
      '/app',
      '/app/shows/1',
      '/listen',
      '/listen/acme/show/welcome?session_id=cs_1',
      '/ui/favicon.svg',
      '/web/v1/session',
      '/operator/v1/tenants',
    ]) {
      const res = await get(p, { headers: { cookie: 'gh_studio=s1' } });
      assert.equal(res.status, 200, p);
      assert.equal(await res.text(), `GET ${p} ${seen.length}`, p);
      assert.equal(seen.at(-1)?.cookie, 'gh_studio=s1', p);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', p);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', p);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', p);
      assert.equal(res.headers.get('x-cache-status'), null, `${p}: not through the asset cache`);
    }
    // Prefixes only: a neighbour path is nobody's.
    for (const p of ['/apple', '/listening', '/uix/a.js', '/webx', '/operators'])
      assert.equal((await get(p)).status, 404, p);
  });

  test('/ui/assets/: the second request is an edge HIT, no cookie is sent, Set-Cookie and non-200 are never stored', async () => {
    const before = seen.length;
    const first = await get('/ui/assets/index-abc123.js', { headers: { cookie: 'gh_studio=s1' } });
    assert.equal(first.headers.get('x-cache-status'), 'MISS');
    assert.equal(first.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(first.headers.get('x-frame-options'), 'DENY');
    const body = await first.text();
    const second = await get('/ui/assets/index-abc123.js');
    assert.equal(second.headers.get('x-cache-status'), 'HIT');
    assert.equal(await second.text(), body);
    assert.equal(seen.length, before + 1, 'web asked once');
    assert.equal(seen.at(-1)?.cookie, '', 'no cookie to the web service for an asset');
    for (const p of ['/ui/assets/with-cookie.js', '/ui/assets/missing.js']) {
      for (let i = 0; i < 2; i++) {
        const res = await get(p);
        await res.arrayBuffer();
        assert.equal(res.headers.get('x-cache-status'), 'MISS', `${p} #${i + 1}`);
      }
    }
    // The shells are never stored: every request reaches web.
    const shells = seen.length;
    for (let i = 0; i < 2; i++) await (await get('/app')).arrayBuffer();
    assert.equal(seen.length, shells + 2);
  });

  test('private feeds: a reset link is 410 + the deny reason, other denials keep their status, feeds answers pass through', async () => {
    const asked = seen.length;
    for (const [token, status, reason] of [
      ['rotated', 410, 'rotated'],
      ['forged', 401, null],
      ['other', 403, null],
      ['silent', 403, null],
    ] as const) {
      const res = await get(`/f/${token}/show-1.xml`);
      assert.equal(res.status, status, token);
      assert.equal(res.headers.get('x-gatehouse-deny-reason'), reason, token);
      assert.equal(res.headers.get('cache-control'), 'no-store', token);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/, token);
      assert.ok((await res.text()).endsWith('\n'), token);
    }
    // Only auth was asked (one subrequest each); feeds never saw a denied request.
    assert.deepEqual(
      seen.slice(asked).map((s) => s.url),
      Array(4).fill('/edge/authorize'),
    );
    const ok = await get('/f/ok/show-1.xml');
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), `GET /f/ok/show-1.xml ${seen.length}`);
    // The feeds service's own errors are not the edge's denials: they reach the client as written.
    const missing = await get('/f/ok/missing.xml');
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), `GET /f/ok/missing.xml ${seen.length}`);
  });

  test('/v1/download-links: POST reaches auth with the Bearer token; other methods are 405 + Allow: POST', async () => {
    const res = await get('/v1/download-links', {
      method: 'POST',
      headers: { authorization: 'Bearer feed-token', 'content-type': 'application/json' },
      body: '{"episodeId":"e"}',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      { method: seen.at(-1)?.method, url: seen.at(-1)?.url, authorization: seen.at(-1)?.authorization },
      { method: 'POST', url: '/v1/download-links', authorization: 'Bearer feed-token' },
    );
    const asked = seen.length;
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']) {
      const denied = await get('/v1/download-links', { method });
      assert.equal(denied.status, 405, method);
      assert.equal(denied.headers.get('allow'), 'POST', method);
    }
    assert.equal(seen.length, asked, 'auth never asked for another method');
    assert.equal((await get('/v1/download-links/x', { method: 'POST' })).status, 404, 'exact path only');
  });

  test('bodies over 64k are refused by the edge (413) before web or auth is asked', async () => {
    const asked = seen.length;
    for (const p of ['/web/v1/sign-in', '/operator/v1/tenants', '/v1/download-links']) {
      const res = await get(p, { method: 'POST', body: 'x'.repeat(64 * 1024 + 1) });
      assert.equal(res.status, 413, p);
    }
    assert.equal(seen.length, asked);
    const ok = await get('/web/v1/sign-in', { method: 'POST', body: 'x'.repeat(60 * 1024) });
    assert.equal(ok.status, 200);
    assert.equal(seen.at(-1)?.bytes, 60 * 1024);
  });

  test('body limits: small JSON 64k, media JSON and Stripe webhooks 1m, uploads through media the server limit (10m)', async () => {
    const kib = 1024;
    for (const [method, p, allowed, refused] of [
      ['POST', '/portal/acme/api/x', 60 * kib, 64 * kib + 1],
      ['POST', '/api/v1/analytics/x', 60 * kib, 64 * kib + 1],
      ['POST', '/billing/v1/plans', 60 * kib, 64 * kib + 1],
      ['POST', '/billing/webhooks/stripe', 1000 * kib, 1024 * kib + 1],
      ['PATCH', '/api/v1/episodes/e1', 1000 * kib, 1024 * kib + 1],
      ['PUT', '/api/v1/uploads/u1/content', 9 * 1024 * kib, 10 * 1024 * kib + 1],
      ['PUT', '/api/v1/private-files/a/b.mp3', 9 * 1024 * kib, 10 * 1024 * kib + 1],
      // Show artwork (≤ 10 MiB), transcripts and chapters: file bytes through media too.
      ['PUT', '/api/v1/shows/s1/artwork', 10 * 1024 * kib, 10 * 1024 * kib + 1],
      ['PUT', '/api/v1/episodes/e1/transcript', 5 * 1024 * kib, 10 * 1024 * kib + 1],
      ['PUT', '/api/v1/episodes/e1/chapters', 2 * 1024 * kib, 10 * 1024 * kib + 1],
    ] as const) {
      const ok = await get(p, { method, body: Buffer.alloc(allowed) });
      await ok.arrayBuffer();
      assert.equal(ok.status, 200, `${method} ${p} ${allowed}`);
      assert.deepEqual([seen.at(-1)?.url, seen.at(-1)?.bytes], [p, allowed]);
      const asked = seen.length;
      const big = await get(p, { method, body: Buffer.alloc(refused) });
      assert.equal(big.status, 413, `${method} ${p} ${refused}`);
      assert.equal(seen.length, asked, `${p}: refused at the edge`);
    }
    // Not an upload path: the upload routes' neighbours are JSON-sized.
    for (const p of [
      '/api/v1/uploads/u1/contents',
      '/api/v1/shows/s1/artwork/x',
      '/api/v1/episodes/e1/transcripts',
      '/api/v1/private-files/',
    ]) {
      const res = await get(p, { method: 'PUT', body: Buffer.alloc(1024 * kib + 1) });
      assert.equal(res.status, 413, p);
    }
  });
});
