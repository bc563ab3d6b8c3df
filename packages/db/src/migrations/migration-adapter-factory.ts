import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlResultSet,
} from '@prisma/driver-adapter-utils';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import pg from 'pg';

const PG_CHAR_OID = 18; // the one-byte "char" of pg_catalog (contype, relkind, …)
const PG_TEXT_OID = 25;
/** Appended to a column name by the pool patch, removed again in `queryRaw`. */
const CHAR_MARKER = '\u0000gatehouse:char';

/** Double quotes an identifier for SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

interface FieldLike {
  name: string;
  dataTypeID: number;
}

/**
 * pg_catalog's one-byte `"char"` columns: the schema engine's introspection selects
 * `pg_constraint.contype` and expects a Character value, but `@prisma/adapter-pg` 7.10 has
 * no mapping for the type, so every introspection (and therefore `migrate dev`) fails with
 * "Column type 'char' could not be deserialized". At the pg level the column is reported as
 * text (pg already returns a one-character string) with a marker on its name;
 * `restoreCharColumns` turns the marked columns into Character for the engine.
 */
export function markCharColumns<T>(result: T): T {
  const results: unknown[] = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as { fields?: FieldLike[] } | null)?.fields;
    if (!Array.isArray(fields)) continue;
    for (const f of fields) {
      if (f.dataTypeID === PG_CHAR_OID) {
        f.dataTypeID = PG_TEXT_OID;
        f.name += CHAR_MARKER;
      }
    }
  }
  return result;
}

export function restoreCharColumns(result: SqlResultSet): SqlResultSet {
  const columnNames = result.columnNames.map((n) =>
    n.endsWith(CHAR_MARKER) ? n.slice(0, -CHAR_MARKER.length) : n,
  );
  const columnTypes = result.columnTypes.map((t, i) =>
    result.columnNames[i]?.endsWith(CHAR_MARKER) ? ColumnTypeEnum.Character : t,
  );
  return { ...result, columnNames, columnTypes };
}

type Queryable = { query: (...args: never[]) => unknown };

function patchPromiseQuery(target: Queryable): void {
  const original = target.query.bind(target) as (...args: unknown[]) => unknown;
  (target as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const out = original(...args);
    // callback-style calls (pg.Pool uses them internally) return no promise: leave them be
    return out instanceof Promise ? out.then(markCharColumns) : out;
  };
}

function createPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({ ...config, max: 2 });
  patchPromiseQuery(pool);
  // transactions check out their own client
  pool.on('connect', (client) => patchPromiseQuery(client));
  pool.on('error', () => {}); // an idle client dying must not crash the CLI
  return pool;
}

/**
 * Migration scripts run as one simple-protocol query, the way the native engine runs them:
 * Postgres executes a multi-statement string in one implicit transaction, so a failing
 * migration leaves nothing half-applied. (`adapter-pg`'s own executeScript splits on `;`,
 * which breaks on semicolons inside strings or function bodies and commits statement by
 * statement.) `executeRaw` with no parameters goes through pg's simple protocol.
 */
function wrapAdapter(inner: SqlDriverAdapter, afterDispose?: () => Promise<void>): SqlDriverAdapter {
  const adapter: SqlDriverAdapter = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: async (q) => restoreCharColumns(await inner.queryRaw(q)),
    executeRaw: (q) => inner.executeRaw(q),
    executeScript: async (script) => {
      await inner.executeRaw({ sql: script, args: [], argTypes: [] });
    },
    startTransaction: async (level) => {
      const tx = await inner.startTransaction(level);
      const query = tx.queryRaw.bind(tx);
      tx.queryRaw = async (q) => restoreCharColumns(await query(q));
      return tx;
    },
    dispose: async () => {
      try {
        await inner.dispose();
      } finally {
        await afterDispose?.();
      }
    },
  };
  if (inner.getConnectionInfo) adapter.getConnectionInfo = inner.getConnectionInfo.bind(inner);
  return adapter;
}

/**
 * The pg driver adapter for the wasm schema engine, with three fixes over plain `PrismaPg`
 * (see above), and a shadow database that really goes away: `adapter-pg` 7.10 drops it
 * before closing the shadow pool, Postgres refuses ("being accessed by other users"), and a
 * `prisma_migrate_shadow_db_*` database is left behind on every run. Here the pool closes
 * first and the drop uses `WITH (FORCE)` (Postgres 13+).
 */
export class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@gatehouse/db-migrate-pg';
  readonly #config: pg.PoolConfig;
  readonly #open = new Set<SqlDriverAdapter>();

  /** `config` must carry discrete settings, not a `connectionString` (it would win over `database`). */
  constructor(config: pg.PoolConfig) {
    this.#config = config;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const inner = await new PrismaPg(createPool(this.#config), { disposeExternalPool: true }).connect();
    return this.#track(wrapAdapter(inner));
  }

  /**
   * Closes whatever the engine left open: `SchemaEngine.free()` does not dispose its main
   * connection, and an open pg pool keeps the process alive for its idle timeout.
   */
  async close(): Promise<void> {
    const open = [...this.#open];
    this.#open.clear();
    await Promise.allSettled(open.map((a) => a.dispose()));
  }

  #track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    const dispose = adapter.dispose;
    let disposed: Promise<void> | undefined;
    this.#open.add(adapter);
    adapter.dispose = () => {
      this.#open.delete(adapter);
      disposed ??= dispose();
      return disposed;
    };
    return adapter;
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const admin = await this.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    const drop = async (): Promise<void> => {
      try {
        await admin.executeScript(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      } finally {
        await admin.dispose();
      }
    };
    await admin.executeScript(`CREATE DATABASE ${quoteIdent(database)}`);
    try {
      const pool = createPool({ ...this.#config, database });
      const inner = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
      return this.#track(wrapAdapter(inner, drop));
    } catch (err) {
      await drop().catch(() => {});
      throw err;
    }
  }
}
