import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';

// The boundary rules live in biome.json (`overrides` → `noRestrictedImports`) and run in
// `npm test`'s lint step. These tests prove the rules bite: a probe service is written into the
// tree for the duration of the test (the overrides match paths under services/ and packages/),
// linted with the project's own Biome, and removed again.

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIOME = path.join(ROOT, 'node_modules', '.bin', 'biome');
const probeName = `zz-boundary-probe-${randomBytes(4).toString('hex')}`;
const probeService = path.join(ROOT, 'services', probeName);
const probePackage = path.join(ROOT, 'packages', probeName);

async function lint(relativeFile: string, source: string): Promise<{ ok: boolean; output: string }> {
  const file = path.join(ROOT, relativeFile);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, source);
  try {
    const { stdout, stderr } = await run(BIOME, ['lint', '--max-diagnostics=50', file], { cwd: ROOT });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const failure = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

after(async () => {
  await rm(probeService, { recursive: true, force: true });
  await rm(probePackage, { recursive: true, force: true });
});

describe('service boundaries (biome noRestrictedImports)', () => {
  const cases: Array<{ where: string; source: string; says: RegExp }> = [
    {
      where: 'src/domain/probe.ts',
      source: "import type { PrismaClient } from '@gatehouse/db';\nexport type Probe = PrismaClient;\n",
      says: /never touch the database[\s\S]*src\/adapters/,
    },
    {
      where: 'src/domain/probe.ts',
      source: "import type { FastifyInstance } from 'fastify';\nexport type Probe = FastifyInstance;\n",
      says: /Domain code is plain TypeScript/,
    },
    {
      where: 'src/domain/probe.ts',
      source: "import type { Redis } from 'ioredis';\nexport type Probe = Redis;\n",
      says: /never talk to Redis/,
    },
    {
      where: 'src/routes/probe.routes.ts',
      source:
        "import type { NatsConnection } from '@nats-io/transport-node';\nexport type Probe = NatsConnection;\n",
      says: /never talk to NATS/,
    },
    {
      where: 'src/routes/probe.routes.ts',
      source: "import { thing } from '../adapters/thing.repository.ts';\nexport const probe = thing;\n",
      says: /depend on interfaces, not on adapters/,
    },
    {
      where: 'src/routes/probe.routes.ts',
      source: "import type { AppDeps } from '../app.ts';\nexport type Probe = AppDeps;\n",
      says: /Routes never import app\.ts/,
    },
  ];
  for (const { where, source, says } of cases) {
    const imported = /from '([^']+)'/.exec(source)?.[1];
    test(`${where}: importing ${imported} fails the lint with a message that says what to do`, async () => {
      const result = await lint(path.join('services', probeName, where), source);
      assert.equal(result.ok, false, `expected a lint failure, got:\n${result.output}`);
      assert.match(result.output, /noRestrictedImports/);
      assert.match(result.output, says);
    });
  }

  test('a shared package importing fastify fails the lint', async () => {
    const result = await lint(
      path.join('packages', probeName, 'src', 'probe.ts'),
      "import type { FastifyReply } from 'fastify';\nexport type Probe = FastifyReply;\n",
    );
    assert.equal(result.ok, false, result.output);
    assert.match(result.output, /Shared packages never import Fastify/);
  });

  test('the allowed direction passes: domain code importing plain packages, routes importing route-deps', async () => {
    const domain = await lint(
      path.join('services', probeName, 'src', 'domain', 'clean.ts'),
      "import { errors } from '@gatehouse/errors';\nexport const probe = errors;\n",
    );
    assert.equal(domain.ok, true, domain.output);
    const routes = await lint(
      path.join('services', probeName, 'src', 'routes', 'clean.routes.ts'),
      "import type { RouteDeps } from './route-deps.ts';\nexport type Probe = RouteDeps;\n",
    );
    assert.equal(routes.ok, true, routes.output);
  });
});
