import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationDirectory, MigrationList } from '@prisma/schema-engine-wasm';

export const LOCKFILE_NAME = 'migration_lock.toml';
export const MIGRATION_FILE_NAME = 'migration.sql';

/** What `prisma migrate` writes to pin the provider of a migrations folder. */
export const LOCKFILE_CONTENT = [
  '# Written by the migration tool; do not edit. Keep it in version control.',
  'provider = "postgresql"',
  '',
].join('\n');

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Loads a Prisma migrations folder the way the Prisma CLI does: every sub-directory is a
 * migration, applied in lexical order (names start with a UTC timestamp); a directory
 * without `migration.sql` is reported to the engine as an error, not skipped silently.
 */
export async function readMigrationsDirectory(baseDir: string): Promise<MigrationList> {
  const absolute = path.resolve(baseDir);
  let entries: string[] = [];
  try {
    const dirents = await readdir(absolute, { withFileTypes: true });
    entries = dirents.filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  entries.sort();
  const migrationDirectories: MigrationDirectory[] = [];
  for (const name of entries) {
    const file = path.join(absolute, name, MIGRATION_FILE_NAME);
    const content = await readIfExists(file);
    migrationDirectories.push({
      path: name,
      migrationFile: {
        path: MIGRATION_FILE_NAME,
        content:
          content === null
            ? { tag: 'error', value: `${MIGRATION_FILE_NAME} is missing in ${name}` }
            : { tag: 'ok', value: content },
      },
    });
  }
  return {
    baseDir: absolute,
    lockfile: {
      path: LOCKFILE_NAME,
      content: await readIfExists(path.join(absolute, LOCKFILE_NAME)),
    },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Writes `<baseDir>/<name>/migration.<ext>` and the lockfile if it is missing. */
export async function writeMigration(
  baseDir: string,
  name: string,
  script: string,
  extension = 'sql',
): Promise<string> {
  const dir = path.join(path.resolve(baseDir), name);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `migration.${extension}`);
  await writeFile(file, script, { flag: 'wx' });
  const lockfile = path.join(path.resolve(baseDir), LOCKFILE_NAME);
  if ((await readIfExists(lockfile)) === null) await writeFile(lockfile, LOCKFILE_CONTENT);
  return file;
}

/** Reads a schema file, or every `.prisma` file of a schema folder, as [path, content]. */
export async function readSchemaFiles(schemaPath: string): Promise<[string, string][]> {
  const absolute = path.resolve(schemaPath);
  const info = await stat(absolute);
  if (info.isFile()) return [[absolute, await readFile(absolute, 'utf8')]];
  const names = (await readdir(absolute)).filter((n) => n.endsWith('.prisma')).sort();
  const files: [string, string][] = [];
  for (const n of names) {
    const file = path.join(absolute, n);
    files.push([file, await readFile(file, 'utf8')]);
  }
  return files;
}

/**
 * Normalises a `--name` into the slug used in the directory name, as Prisma does with
 * `migrate dev --name` (lower case, `_` between words).
 */
export function migrationSlug(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (slug === '') throw new Error(`migration name "${name}" has no letters or digits`);
  return slug;
}
