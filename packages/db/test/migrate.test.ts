// Integration: migrations and the client against a real Postgres (DATABASE_URL, e.g. the local
// stack's). Each run creates its own database on that server and drops it at the end.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createPrismaClient, isUniqueViolation, type PrismaClient } from '../src/index.ts';
import {
  createDevMigration,
  defaultMigrationPaths,
  deployMigrations,
  MigrationError,
  parseDatabaseUrl,
  withDatabase,
} from '../src/migrations/index.ts';

const serverUrl = process.env.DATABASE_URL;
const paths = defaultMigrationPaths();
const dbName = `gh_db_test_${Date.now()}_${randomBytes(3).toString('hex')}`;

let admin: pg.Client;
let testUrl: string;
let prisma: PrismaClient | undefined;
let work: string; // scratch copy of schema + migrations for the dev/failure tests

before(async () => {
  if (!serverUrl) {
    throw new Error(
      'DATABASE_URL is not set: start the local stack (npm run up) or point it at a Postgres server',
    );
  }
  admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  testUrl = withDatabase(serverUrl, dbName);
  work = await mkdtemp(path.join(tmpdir(), 'gh-db-migrate-'));
});

after(async () => {
  await prisma?.$disconnect();
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
  if (work) await rm(work, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: testUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function shadowDatabases(): Promise<number> {
  const rows = await admin.query(
    `SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`,
  );
  return rows.rows[0].n as number;
}

describe('migrations and client on a fresh database', { concurrency: false }, () => {
  test('deploy migrates an empty database and records _prisma_migrations like Prisma', async () => {
    const names = (await readdir(paths.migrationsDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    assert.ok(names.length >= 1, 'the package ships at least the initial migration');

    const result = await deployMigrations({ target: parseDatabaseUrl(testUrl), ...paths });
    assert.deepEqual(result.applied, names);

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
      logs: string | null;
    }>('SELECT * FROM _prisma_migrations ORDER BY migration_name');
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      names,
    );
    for (const row of rows) {
      const script = await readFile(
        path.join(paths.migrationsDir, row.migration_name, 'migration.sql'),
        'utf8',
      );
      assert.equal(row.checksum, createHash('sha256').update(script).digest('hex'), row.migration_name);
      assert.ok(row.finished_at instanceof Date);
      assert.equal(row.rolled_back_at, null);
      assert.equal(row.applied_steps_count, 1);
      assert.equal(row.logs, null);
    }
    const tables = await query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    for (const t of ['tenants', 'shows', 'episodes', 'media_assets', 'subscriptions', 'outbox_messages']) {
      assert.ok(
        tables.some((r) => r.table_name === t),
        `table ${t} exists`,
      );
    }
  });

  test('deploy again is a no-op', async () => {
    const result = await deployMigrations({ target: parseDatabaseUrl(testUrl), ...paths });
    assert.deepEqual(result.applied, []);
    const [count] = await query<{ n: number }>('SELECT count(*)::int AS n FROM _prisma_migrations');
    assert.equal(
      count?.n,
      (await readdir(paths.migrationsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).length,
    );
  });

  test('the client writes and reads tenant → show → episode → media asset, and subscriptions', async () => {
    prisma = createPrismaClient(testUrl, { poolSize: 2, applicationName: 'db-migrate-test' });
    const tenant = await prisma.tenant.create({ data: { slug: `t-${dbName}`, name: 'Test Creator' } });
    assert.match(tenant.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/, 'ids are UUIDv7');
    assert.equal(tenant.pastDueGraceSeconds, 3 * 24 * 3600);

    const show = await prisma.show.create({
      data: {
        tenantId: tenant.id,
        slug: 'main',
        title: 'The Show',
        podcastGuid: '917393e3-1b1e-5cef-ace4-edaa54e1f810',
      },
    });
    const episode = await prisma.episode.create({
      data: {
        tenantId: tenant.id,
        showId: show.id,
        title: 'Episode 1',
        status: 'published',
        publishedAt: new Date('2026-01-01T00:00:00Z'),
      },
    });
    assert.equal(episode.visibility, 'premium');
    assert.equal(episode.version, 1);
    assert.ok(episode.guid.length > 0, 'guid is assigned at creation');

    const size = 3n * 1024n ** 3n; // > 2^31: needs BigInt end to end
    const asset = await prisma.mediaAsset.create({
      data: {
        tenantId: tenant.id,
        episodeId: episode.id,
        storageDriver: 's3',
        objectKey: `${tenant.id}/${episode.id}/${'a'.repeat(64)}.mp3`,
        contentType: 'audio/mpeg',
        byteSize: size,
        sha256: 'a'.repeat(64),
        status: 'ready',
      },
    });
    await prisma.episode.update({
      where: { id: episode.id },
      data: { currentMediaAssetId: asset.id, version: { increment: 1 } },
    });

    const read = await prisma.episode.findUniqueOrThrow({
      where: { id: episode.id },
      include: { show: true, currentMediaAsset: true },
    });
    assert.equal(read.show.title, 'The Show');
    assert.equal(read.currentMediaAsset?.byteSize, size);
    assert.equal(read.version, 2);
    assert.equal(read.guid, episode.guid);

    const plan = await prisma.plan.create({
      data: { tenantId: tenant.id, name: 'Supporter', amount: 500, currency: 'usd', interval: 'month' },
    });
    await prisma.planGrant.create({ data: { planId: plan.id, showId: show.id } });
    const subscriber = await prisma.subscriber.create({
      data: { tenantId: tenant.id, email: 'fan@example.com', stripeCustomerId: 'cus_test_1' },
    });
    const stripeSubscriptionId = `sub_${randomBytes(6).toString('hex')}`;
    const sub = await prisma.subscription.create({
      data: {
        tenantId: tenant.id,
        subscriberId: subscriber.id,
        planId: plan.id,
        stripeSubscriptionId,
        status: 'active',
        stripeEventCreated: new Date('2026-01-01T00:00:01Z'),
      },
    });
    assert.equal(sub.version, 1n);
    assert.equal(sub.cancelAtPeriodEnd, false);

    await assert.rejects(
      prisma.subscription.create({
        data: {
          tenantId: tenant.id,
          subscriberId: subscriber.id,
          planId: plan.id,
          stripeSubscriptionId,
          status: 'trialing',
        },
      }),
      (err: unknown) => {
        assert.ok(isUniqueViolation(err), `expected P2002, got ${String(err)}`);
        return true;
      },
    );

    const bySubscriber = await prisma.subscription.findMany({ where: { subscriberId: subscriber.id } });
    assert.equal(bySubscriber.length, 1);
    assert.equal(bySubscriber[0]?.status, 'active');
  });

  test('check constraints from the migration hold', async () => {
    assert.ok(prisma);
    const tenant = await prisma.tenant.create({ data: { slug: `c-${dbName}`, name: 'Checks' } });
    const plan = await prisma.plan.create({
      data: { tenantId: tenant.id, name: 'P', amount: 100, currency: 'eur', interval: 'year' },
    });
    // a grant must name exactly one of show/episode
    await assert.rejects(
      prisma.planGrant.create({ data: { planId: plan.id } }),
      /plan_grants_one_target_check/,
    );
    // e-mails are stored lower-cased
    await assert.rejects(
      prisma.subscriber.create({ data: { tenantId: tenant.id, email: 'Fan@Example.com' } }),
      /subscribers_email_lower_check/,
    );
    await assert.rejects(
      prisma.plan.create({
        data: { tenantId: tenant.id, name: 'X', amount: 1, currency: 'USD', interval: 'month' },
      }),
      /plans_currency_check/,
    );
  });

  test('dev applies pending migrations, writes a new one for a schema change, then reports nothing to do', async () => {
    const schemaPath = path.join(work, 'schema.prisma');
    const migrationsDir = path.join(work, 'migrations');
    await cp(paths.migrationsDir, migrationsDir, { recursive: true });
    // a migration someone else added that this database has not seen yet
    const existing = (await readdir(migrationsDir, { withFileTypes: true })).filter((d) => d.isDirectory());
    const pending = `${existing
      .map((d) => d.name)
      .sort()
      .at(-1)}_pending`;
    await mkdir(path.join(migrationsDir, pending));
    await writeFile(
      path.join(migrationsDir, pending, 'migration.sql'),
      'ALTER TABLE "tenants" ADD COLUMN "test_pending" TEXT;\n',
    );
    const schema = await readFile(paths.schemaPath, 'utf8');
    const changed = schema.replace(
      /(model Tenant \{\n)/,
      '$1  testPending String? @map("test_pending")\n  testNote String? @map("test_note")\n',
    );
    assert.notEqual(changed, schema, 'test could patch the schema');
    await writeFile(schemaPath, changed);

    const shadowsBefore = await shadowDatabases();
    const target = parseDatabaseUrl(testUrl);
    const result = await createDevMigration({ target, schemaPath, migrationsDir, name: 'Add tenant note' });
    assert.deepEqual(result.appliedBefore, [pending]);
    assert.match(result.created, /^\d{14}_add_tenant_note$/);
    const sql = await readFile(result.file, 'utf8');
    assert.match(sql, /ALTER TABLE "tenants" ADD COLUMN\s+"test_note" TEXT/);
    assert.doesNotMatch(sql, /test_pending/, 'what the pending migration does is not repeated');
    assert.doesNotMatch(sql, /CONSTRAINT .*_check/, 'check constraints are not seen as drift');

    const columns = await query(
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'tenants' AND column_name = 'test_note'`,
    );
    assert.equal(columns.length, 1, 'the new migration was applied');
    const [row] = await query<{ n: number }>(
      'SELECT count(*)::int AS n FROM _prisma_migrations WHERE migration_name = $1 AND finished_at IS NOT NULL',
      [result.created],
    );
    assert.equal(row?.n, 1);

    await assert.rejects(
      createDevMigration({ target, schemaPath, migrationsDir, name: 'again' }),
      (err: unknown) => err instanceof MigrationError && /already agree/.test(err.message),
    );
    assert.ok((await shadowDatabases()) <= shadowsBefore, 'shadow databases are dropped');
  });

  test('a migration runs as one script: semicolons in literals work, a failure leaves nothing behind', async () => {
    const migrationsDir = path.join(work, 'migrations');
    const schemaPath = path.join(work, 'schema.prisma');
    const target = parseDatabaseUrl(testUrl);

    const ok = path.join(migrationsDir, '29990101000000_semicolons');
    await mkdir(ok);
    await writeFile(
      path.join(ok, 'migration.sql'),
      `CREATE TABLE "semi" ("id" int);\nCOMMENT ON TABLE "semi" IS 'a;b';\n`,
    );
    assert.deepEqual((await deployMigrations({ target, schemaPath, migrationsDir })).applied, [
      '29990101000000_semicolons',
    ]);
    const [comment] = await query<{ c: string }>(
      `SELECT obj_description('"semi"'::regclass, 'pg_class') AS c`,
    );
    assert.equal(comment?.c, 'a;b');

    const bad = path.join(migrationsDir, '29990102000000_broken');
    await mkdir(bad);
    await writeFile(path.join(bad, 'migration.sql'), `CREATE TABLE "half" ("id" int);\nSELECT 1/0;\n`);
    await assert.rejects(deployMigrations({ target, schemaPath, migrationsDir }), MigrationError);
    const half = await query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half'`);
    assert.equal(half.length, 0, 'the failed migration was rolled back as a whole');
    const [failed] = await query<{ finished_at: Date | null; logs: string | null }>(
      'SELECT finished_at, logs FROM _prisma_migrations WHERE migration_name = $1',
      ['29990102000000_broken'],
    );
    assert.equal(failed?.finished_at, null, 'recorded as failed, as Prisma does');
    assert.match(failed?.logs ?? '', /division by zero/);
    // and it blocks later deploys until resolved, as with `prisma migrate deploy`
    await assert.rejects(deployMigrations({ target, schemaPath, migrationsDir }), MigrationError);
  });
});
