import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  LOCKFILE_CONTENT,
  migrationSlug,
  readMigrationsDirectory,
  readSchemaFiles,
  writeMigration,
} from './migrations-directory.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gh-migrations-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readMigrationsDirectory', () => {
  test('a missing folder is an empty list with no lockfile', async () => {
    const list = await readMigrationsDirectory(path.join(dir, 'nope'));
    assert.deepEqual(list.migrationDirectories, []);
    assert.equal(list.lockfile.content, null);
    assert.equal(list.lockfile.path, 'migration_lock.toml');
  });

  test('lists sub-directories in lexical order, reports a missing migration.sql, ignores files', async () => {
    const base = path.join(dir, 'm1');
    await mkdir(path.join(base, '20260102000000_b'), { recursive: true });
    await mkdir(path.join(base, '20260101000000_a'), { recursive: true });
    await mkdir(path.join(base, '20260103000000_empty'), { recursive: true });
    await writeFile(path.join(base, '20260101000000_a', 'migration.sql'), 'SELECT 1;');
    await writeFile(path.join(base, '20260102000000_b', 'migration.sql'), 'SELECT 2;');
    await writeFile(path.join(base, 'migration_lock.toml'), LOCKFILE_CONTENT);
    await writeFile(path.join(base, 'README.md'), 'not a migration');

    const list = await readMigrationsDirectory(base);
    assert.equal(list.baseDir, path.resolve(base));
    assert.equal(list.lockfile.content, LOCKFILE_CONTENT);
    assert.deepEqual(
      list.migrationDirectories.map((d) => d.path),
      ['20260101000000_a', '20260102000000_b', '20260103000000_empty'],
    );
    assert.deepEqual(list.migrationDirectories[0]?.migrationFile, {
      path: 'migration.sql',
      content: { tag: 'ok', value: 'SELECT 1;' },
    });
    assert.equal(list.migrationDirectories[2]?.migrationFile.content.tag, 'error');
  });
});

describe('writeMigration', () => {
  test('writes the script and a lockfile, and never overwrites an existing migration', async () => {
    const base = path.join(dir, 'm2');
    const file = await writeMigration(base, '20260101000000_init', 'CREATE TABLE x ();\n');
    assert.equal(file, path.join(base, '20260101000000_init', 'migration.sql'));
    assert.equal(await readFile(file, 'utf8'), 'CREATE TABLE x ();\n');
    assert.match(await readFile(path.join(base, 'migration_lock.toml'), 'utf8'), /provider = "postgresql"/);
    await assert.rejects(writeMigration(base, '20260101000000_init', 'DROP TABLE x;'), { code: 'EEXIST' });
  });
});

describe('readSchemaFiles', () => {
  test('reads one file, or every .prisma file of a folder in order', async () => {
    const folder = path.join(dir, 'schema');
    await mkdir(folder);
    await writeFile(path.join(folder, 'b.prisma'), 'model B { id Int @id }');
    await writeFile(path.join(folder, 'a.prisma'), 'model A { id Int @id }');
    await writeFile(path.join(folder, 'notes.txt'), 'x');
    const files = await readSchemaFiles(folder);
    assert.deepEqual(
      files.map(([p]) => path.basename(p)),
      ['a.prisma', 'b.prisma'],
    );
    const single = await readSchemaFiles(path.join(folder, 'a.prisma'));
    assert.equal(single[0]?.[1], 'model A { id Int @id }');
  });
});

test('migrationSlug lower-cases and joins words with _', () => {
  assert.equal(migrationSlug('Add Plans & Grants'), 'add_plans_grants');
  assert.equal(migrationSlug('  init '), 'init');
  assert.throws(() => migrationSlug('!!!'), /no letters or digits/);
});
