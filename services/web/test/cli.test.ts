import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import {
  buildWebApp,
  fakeUiDir,
  type Mail,
  mailErrors,
  OPERATOR_KEY,
  startMail,
  type WebApp,
} from './support/web-fixture.ts';

// The `gatehouse` CLI as an operator runs it: the bin launcher spawned as a process (under the system
// `node` when it is older than 24: the launcher re-runs itself with the pinned Node), against the web
// app listening on a free port, over real Postgres and SMTP.
const env = stackEnv();
const BIN = fileURLToPath(new URL('../../../packages/cli/bin/gatehouse.mjs', import.meta.url));
const run = promisify(execFile);
let prisma: PrismaClient;
let mail: Mail;
let app: WebApp;
let url: string;

before(async () => {
  prisma = createPrismaClient(env.databaseUrl, { poolSize: 4 });
  mail = await startMail();
  app = buildWebApp(prisma, mail, { uiDir: await fakeUiDir() });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app.close();
  await mail.close();
  await prisma.$disconnect();
  assert.deepEqual(mailErrors, []);
});

async function gatehouse(args: string[], extraEnv: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        GATEHOUSE_URL: url,
        GATEHOUSE_OPERATOR_KEY: OPERATOR_KEY,
        ...extraEnv,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('gatehouse CLI', () => {
  test('tenants create → list → set-fee, invites, api-keys create/list/revoke', async () => {
    const slug = uniqueId('cli').toLowerCase();
    const owner = `${slug}@example.test`;
    const created = await gatehouse([
      'tenants',
      'create',
      '--slug',
      slug,
      '--name',
      'CLI Creator',
      '--owner-email',
      owner,
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(
      created.stdout,
      new RegExp(`created tenant ${slug} \\([0-9a-f-]{36}\\)\ninvitation mailed to ${owner}`),
    );
    await mail.nth(owner, 1);

    const listed = await gatehouse(['tenants', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const tenant = (JSON.parse(listed.stdout) as { slug: string; id: string }[]).find((t) => t.slug === slug);
    assert.ok(tenant);
    assert.match(
      (await gatehouse(['tenants', 'list'])).stdout,
      new RegExp(`${tenant.id}\\s+${slug}\\s+active`),
    );

    const fee = await gatehouse(['tenants', 'set-fee', '--tenant', slug, '--bps', '150']);
    assert.equal(fee.stdout.trim(), `${slug}: platform fee 150 bps (1.5%)`);
    assert.equal(
      (await prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).applicationFeeBps,
      150,
    );

    const member = `m-${owner}`;
    const invited = await gatehouse(['invites', 'create', '--tenant', tenant.id, '--email', member]);
    assert.equal(invited.code, 0, invited.stderr);
    await mail.nth(member, 1);

    const key = await gatehouse(['api-keys', 'create', '--tenant', slug, '--name', 'ci', '--json']);
    assert.equal(key.code, 0, key.stderr);
    const made = JSON.parse(key.stdout) as { id: string; key: string };
    assert.match(made.key, /^ghk_[a-f0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const keys = await gatehouse(['api-keys', 'list', '--tenant', slug]);
    assert.match(keys.stdout, new RegExp(`${made.id}\\s+\\S+\\s+active\\s+never\\s+ci`));
    assert.ok(!keys.stdout.includes(made.key));
    const revoked = await gatehouse(['api-keys', 'revoke', '--tenant', slug, '--key', made.id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match((await gatehouse(['api-keys', 'list', '--tenant', slug])).stdout, /revoked/);
  });

  test('errors are one clear line with a non-zero exit', async () => {
    const cases: [string[], Record<string, string>, number, RegExp][] = [
      [
        ['tenants', 'list'],
        { GATEHOUSE_OPERATOR_KEY: `${OPERATOR_KEY}-wrong` },
        1,
        /operator key was refused .*GATEHOUSE_OPERATOR_KEY/,
      ],
      [['tenants', 'list'], { GATEHOUSE_URL: '' }, 2, /set GATEHOUSE_URL/],
      [
        ['tenants', 'list'],
        { GATEHOUSE_URL: 'http://127.0.0.1:9' },
        1,
        /cannot reach http:\/\/127\.0\.0\.1:9/,
      ],
      [['tenants', 'create', '--slug', 'x1'], {}, 2, /--name is required/],
      [['tenants', 'set-fee', '--tenant', 'x', '--bps=-5'], {}, 2, /--bps must be a whole number/],
      [['tenants', 'set-fee', '--tenant', 'x', '--bps', '-5'], {}, 2, /argument is ambiguous/],
      [['tenants', 'frobnicate'], {}, 2, /unknown command "tenants frobnicate"/],
      [['tenants', 'list', '--bogus'], {}, 2, /Unknown option '--bogus'/],
      [
        ['invites', 'create', '--tenant', 'no-such-tenant-here', '--email', 'a@b.test'],
        {},
        1,
        /tenant not found \(404 NOT_FOUND\)/,
      ],
    ];
    for (const [args, extra, code, message] of cases) {
      const result = await gatehouse(args, extra);
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^gatehouse: /);
      assert.match(result.stderr, message);
    }
  });
});
