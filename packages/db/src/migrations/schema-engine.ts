import { readFile } from 'node:fs/promises';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { DatabaseTarget } from './database-url.ts';
import { toAdapterConfig } from './database-url.ts';
import { MigrationAdapterFactory } from './migration-adapter-factory.ts';

export type SchemaEngine = glue.SchemaEngine;

let loaded: Promise<typeof glue> | undefined;

/**
 * Instantiates the wasm schema engine once per process. The package's own entry point
 * imports the `.wasm` file as an ES module, which Node 24 still flags as experimental
 * (and warns about); instantiating the bytes ourselves against the same JS glue avoids that.
 */
function loadEngineModule(): Promise<typeof glue> {
  loaded ??= (async () => {
    const wasmUrl = new URL(
      'schema_engine_bg.wasm',
      import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'),
    );
    const bytes = await readFile(wasmUrl);
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return loaded;
}

export interface EngineOptions {
  target: DatabaseTarget;
  /** [path, content] of each Prisma schema file */
  schemaFiles: [string, string][];
  /** receives the engine's log lines (JSON strings) */
  log?: (line: string) => void;
}

/** A schema engine connected to `target` through the pg driver adapter. */
export async function openSchemaEngine(options: EngineOptions): Promise<SchemaEngine> {
  const mod = await loadEngineModule();
  const adapter = bindMigrationAwareSqlAdapterFactory(
    new MigrationAdapterFactory(toAdapterConfig(options.target)),
  );
  const log = options.log ?? (() => {});
  return mod.SchemaEngine.new({ datamodels: options.schemaFiles }, log, adapter);
}

export async function engineVersion(): Promise<string> {
  return (await loadEngineModule()).version();
}
