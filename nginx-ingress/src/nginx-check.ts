import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The Debian nginx binary (the stack's, or the system one). */
export const NGINX_BIN = process.env.NGINX_BIN || '/usr/sbin/nginx';

export interface CheckResult {
  ok: boolean;
  output: string;
}

/**
 * Runs `nginx -t` on a full nginx.conf text inside a throw-away prefix, so neither /etc/nginx nor
 * the stack's nginx is touched. `files` are written into the prefix first (e.g. mime.types).
 */
export function nginxTest(
  conf: string | ((prefix: string) => string),
  files: Record<string, string> = {},
): CheckResult {
  const prefix = mkdtempSync(path.join(tmpdir(), 'gh-nginx-t-'));
  try {
    const text = typeof conf === 'string' ? conf : conf(prefix);
    mkdirSync(path.join(prefix, 'logs'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(prefix, name), text);
    const confFile = path.join(prefix, 'nginx.conf');
    writeFileSync(confFile, text);
    const run = spawnSync(
      NGINX_BIN,
      ['-t', '-p', `${prefix}/`, '-c', confFile, '-e', path.join(prefix, 'logs', 'error.log')],
      {
        encoding: 'utf8',
      },
    );
    return {
      ok: run.status === 0,
      output: `${run.stdout ?? ''}${run.stderr ?? ''}${run.error?.message ?? ''}`,
    };
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

/** A minimal main context around http-level text (what the stack's nginx.conf does for conf.d/). */
export function wrapHttp(httpText: string, prefix: string): string {
  return [
    'pid nginx.pid;',
    'events { worker_connections 64; }',
    'http {',
    `  client_body_temp_path ${prefix}/tmp_body;`,
    `  proxy_temp_path ${prefix}/tmp_proxy;`,
    httpText,
    '}',
    '',
  ].join('\n');
}
