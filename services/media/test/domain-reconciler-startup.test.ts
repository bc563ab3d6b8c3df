import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

// The reconciler reads its configuration once through @gatehouse/config: bad configuration ends the
// process with exit 1 and one line naming the variable (or the settings field), before any connection.
const MAIN = resolve(import.meta.dirname, '../src/domain-reconciler/domain-reconciler.main.ts');

/** The chart's config.json in edge mode (charts/gatehouse/templates/domain-reconciler.yaml). */
const SETTINGS = {
  kind: 'ingress',
  clusterIssuer: 'letsencrypt-prod',
  ingressClassName: 'nginx',
  gatewayRef: {},
  edgeMode: 'edge',
  backend: { service: 'gh-gatehouse-edge', port: 80 },
  leaseName: 'gh-gatehouse-domain-reconciler',
  ownerConfigMap: 'gh-gatehouse-domain-reconciler',
  namePrefix: 'gh-gatehouse-domain-',
  intervalSeconds: 30,
};

function settingsFile(settings: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-reconciler-')), 'config.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

const env = (overrides: Record<string, string | undefined>) => {
  const all: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgresql://gatehouse:gatehouse@127.0.0.1:1/gatehouse',
    RECONCILER_CONFIG: settingsFile(SETTINGS),
    POD_NAME: 'reconciler-0',
    POD_NAMESPACE: 'gatehouse',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(all).filter(([, value]) => value !== undefined),
  ) as NodeJS.ProcessEnv;
};

function run(overrides: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, [MAIN], {
    env: env(overrides),
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  return { code: result.status, stderr: result.stderr, lines };
}

test('a missing POD_NAMESPACE ends the reconciler with exit 1 and one line naming it', () => {
  const result = run({ POD_NAMESPACE: undefined });
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(result.lines[0]!, /^domain-reconciler: cannot start: .*POD_NAMESPACE is required/);
});

test('a malformed DATABASE_URL is named in one line', () => {
  const result = run({ DATABASE_URL: 'mysql://x' });
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(result.lines[0]!, /^domain-reconciler: cannot start: invalid configuration: DATABASE_URL /);
});

test('an unreadable or invalid RECONCILER_CONFIG file is named in one line', () => {
  const missing = run({ RECONCILER_CONFIG: '/nonexistent/config.json' });
  assert.equal(missing.code, 1, missing.stderr);
  assert.equal(missing.lines.length, 1, missing.stderr);
  assert.match(
    missing.lines[0]!,
    /^domain-reconciler: cannot start: RECONCILER_CONFIG: cannot read \/nonexistent/,
  );

  const invalid = run({ RECONCILER_CONFIG: settingsFile({ ...SETTINGS, kind: 'gateway' }) });
  assert.equal(invalid.code, 1, invalid.stderr);
  assert.equal(invalid.lines.length, 1, invalid.stderr);
  assert.match(
    invalid.lines[0]!,
    /^domain-reconciler: cannot start: reconciler config: kind must be ingress or httproute/,
  );
});
