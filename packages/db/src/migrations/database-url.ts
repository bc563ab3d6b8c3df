import type { ClientConfig } from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';

/** A Postgres URL that has been checked, with the pieces the migration tools need. */
export interface DatabaseTarget {
  url: string;
  /** Discrete pg settings (no `connectionString`), see `toAdapterConfig`. */
  clientConfig: ClientConfig;
  database: string;
  /** host:port/database, without credentials, safe for messages and logs */
  display: string;
}

export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

/**
 * Validates a postgres:// URL up front so a typo fails with one clear line instead of a
 * driver stack trace, and never echoes the password back.
 */
export function parseDatabaseUrl(raw: string | undefined): DatabaseTarget {
  if (raw === undefined || raw.trim() === '') {
    throw new DatabaseUrlError('DATABASE_URL is not set');
  }
  const url = raw.trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError('DATABASE_URL is not a valid URL');
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new DatabaseUrlError(
      `DATABASE_URL must start with postgresql:// or postgres:// (got ${parsed.protocol}//)`,
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new DatabaseUrlError('DATABASE_URL must name a database, e.g. postgresql://user:pass@host:5432/db');
  }
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
    throw new DatabaseUrlError('DATABASE_URL must name a host');
  }
  let clientConfig: ClientConfig;
  try {
    clientConfig = parseIntoClientConfig(url);
  } catch (err) {
    throw new DatabaseUrlError(`DATABASE_URL could not be parsed: ${(err as Error).message}`);
  }
  const host = parsed.hostname || parsed.searchParams.get('host') || '';
  const display = `${host}${parsed.port ? `:${parsed.port}` : ''}/${database}`;
  return { url, clientConfig, database, display };
}

/**
 * `@prisma/adapter-pg` opens the shadow database with `{ ...config, database: shadow }`, and
 * pg lets a `connectionString` override `database`: given a URL, the "shadow" would be the
 * real database. Handing the adapter discrete settings keeps the shadow separate.
 */
export function toAdapterConfig(target: DatabaseTarget): ClientConfig {
  const { connectionString: _ignored, ...rest } = target.clientConfig;
  return { ...rest, database: target.database };
}

/** The same server with another database name (used by tests that need a fresh database). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
