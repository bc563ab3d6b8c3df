import type { SchemaFilter } from '@prisma/schema-engine-wasm';
import pg from 'pg';
import type { DatabaseTarget } from './database-url.ts';
import {
  migrationSlug,
  readMigrationsDirectory,
  readSchemaFiles,
  writeMigration,
} from './migrations-directory.ts';
import type { SchemaEngine } from './schema-engine.ts';
import { openSchemaEngine } from './schema-engine.ts';

/** A failure the CLI reports as one line (no stack): the operator can act on it. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface MigrationPaths {
  /** `prisma/migrations` */
  migrationsDir: string;
  /** `prisma/schema.prisma` (or a folder of `.prisma` files) */
  schemaPath: string;
}

export interface RunnerOptions extends MigrationPaths {
  target: DatabaseTarget;
  log?: (line: string) => void;
  /** how long to wait for the server before giving up (ms) */
  connectTimeoutMs?: number;
}

/**
 * Turns whatever the driver or the wasm engine threw into one line. Engine errors carry
 * a multi-line message (sometimes a Prisma error code first); the first non-empty line
 * is the useful part.
 */
export function oneLineError(err: unknown): string {
  const anyErr = err as { message?: unknown; code?: unknown; errors?: unknown } | null;
  let message = '';
  if (anyErr && typeof anyErr.message === 'string' && anyErr.message !== '') {
    message = anyErr.message;
  } else if (anyErr && Array.isArray(anyErr.errors) && anyErr.errors.length > 0) {
    // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1) has an empty message
    message = oneLineError(anyErr.errors[0]);
  } else if (typeof err === 'string') {
    message = err;
  } else {
    message = String(err);
  }
  const firstLine =
    message
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? 'unknown error';
  const code =
    anyErr && typeof anyErr.code === 'string' && !firstLine.includes(anyErr.code) ? ` (${anyErr.code})` : '';
  return `${firstLine}${code}`;
}

/** Fails fast with a readable reason when the server is down or refuses us. */
export async function assertReachable(target: DatabaseTarget, timeoutMs = 5000): Promise<void> {
  const client = new pg.Client({ ...target.clientConfig, connectionTimeoutMillis: timeoutMs });
  // an 'error' after connect must not crash the process; we only want the connect outcome
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new MigrationError(`cannot reach database ${target.display}: ${oneLineError(err)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function withEngine<T>(options: RunnerOptions, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  await assertReachable(options.target, options.connectTimeoutMs);
  const schemaFiles = await readSchemaFiles(options.schemaPath);
  const engineOptions = { target: options.target, schemaFiles, ...(options.log ? { log: options.log } : {}) };
  const opened = await openSchemaEngine(engineOptions);
  try {
    return await fn(opened.engine);
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    throw new MigrationError(oneLineError(err));
  } finally {
    await opened.close();
  }
}

export interface DeployResult {
  applied: string[];
}

/**
 * `prisma migrate deploy`: applies the migrations not yet recorded in `_prisma_migrations`
 * (the engine creates and fills that table exactly as the Prisma CLI does). Idempotent.
 * Refuses to run with no migrations at all, which would otherwise look like success.
 */
export async function deployMigrations(options: RunnerOptions): Promise<DeployResult> {
  const migrationsList = await readMigrationsDirectory(options.migrationsDir);
  if (migrationsList.migrationDirectories.length === 0) {
    throw new MigrationError(`no migrations found in ${migrationsList.baseDir}`);
  }
  return withEngine(options, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return { applied: out.appliedMigrationNames };
  });
}

export interface DevResult {
  /** pending migrations applied before the new one was created */
  appliedBefore: string[];
  /** directory name of the new migration */
  created: string;
  file: string;
  warnings: string[];
}

/**
 * `prisma migrate dev --name`: brings the database up to the migrations folder, asks the
 * engine for the SQL between the folder (replayed on a throwaway shadow database) and the
 * schema, writes it as a new migration and applies it. Never resets a database: drift or
 * an edited migration is reported instead.
 */
export async function createDevMigration(options: RunnerOptions & { name: string }): Promise<DevResult> {
  const slug = migrationSlug(options.name);
  const migrationsList = await readMigrationsDirectory(options.migrationsDir);
  return withEngine(options, async (engine) => {
    const diagnostic = await engine.devDiagnostic({ migrationsList, filters: NO_FILTERS });
    if (diagnostic.action.tag === 'reset') {
      throw new MigrationError(
        `database ${options.target.display} needs a reset, refusing to do it: ${oneLineError(diagnostic.action.reason)}`,
      );
    }
    const before = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    // Once applyMigrations has applied something, the wasm engine (8.1.0-2) fails every
    // later shadow-database step with "PostgreSQL shadow DB must be provided through an
    // external factory" until a diagnostic command has run again; devDiagnostic re-arms it
    // (and re-checks the now up-to-date database).
    await engine.devDiagnostic({ migrationsList, filters: NO_FILTERS });

    const files = (await readSchemaFiles(options.schemaPath)).map(([path, content]) => ({ path, content }));
    const loss = await engine.evaluateDataLoss({ migrationsList, schema: { files }, filters: NO_FILTERS });
    if (loss.unexecutableSteps.length > 0) {
      throw new MigrationError(
        `migration cannot be executed: ${oneLineError(loss.unexecutableSteps[0]?.message)}`,
      );
    }
    const created = await engine.createMigration({
      draft: false,
      migrationName: slug,
      migrationsList,
      schema: { files },
      filters: NO_FILTERS,
    });
    if (created.migrationScript === null) {
      throw new MigrationError('schema and migrations already agree: no migration written');
    }
    const file = await writeMigration(
      migrationsList.baseDir,
      created.generatedMigrationName,
      created.migrationScript,
      created.extension,
    );
    const updated = await readMigrationsDirectory(options.migrationsDir);
    await engine.applyMigrations({ migrationsList: updated, filters: NO_FILTERS });
    return {
      appliedBefore: before.appliedMigrationNames,
      created: created.generatedMigrationName,
      file,
      warnings: loss.warnings.map((w) => w.message),
    };
  });
}
