import { readFile } from 'node:fs/promises';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { DatabaseTarget } from './database-url.ts';
import { toAdapterConfig } from './database-url.ts';
import { MigrationAdapterFactory } from './migration-adapter-factory.ts';

export type SchemaEngine = glue.SchemaEngine;

// The project's `lib` (es2024, no DOM) carries no WebAssembly typings; this is the part used.
interface WasmInstance {
  exports: Record<string, unknown>;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<WasmInstance>;
}
const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: WasmApi };

const GLUE_SPECIFIER = '@prisma/schema-engine-wasm/schema_engine_bg';

/**
 * The engine arms ~10 s timers (timeouts raced against its own work) and leaves them running
 * after the work is done, which keeps a finished CLI or test process alive that long.
 * Unref'ing them is safe: while the engine still waits on the database, the open socket
 * keeps the process alive anyway.
 */
export function unrefTimers<T extends object>(imports: T): T {
  const out: Record<string, unknown> = { ...(imports as Record<string, unknown>) };
  for (const [name, fn] of Object.entries(imports)) {
    if (name.startsWith('__wbg_setTimeout_') && typeof fn === 'function') {
      out[name] = (...args: unknown[]) => {
        const timer = fn(...args) as { unref?: () => void } | undefined;
        timer?.unref?.();
        return timer;
      };
    }
  }
  return out as T;
}

/** Message of the last Rust panic inside the engine (the glue reports it through this global). */
let lastPanic: string | undefined;

export function takeEnginePanic(): string | undefined {
  const message = lastPanic;
  lastPanic = undefined;
  return message;
}

let loaded: Promise<typeof glue> | undefined;

/**
 * Instantiates the wasm schema engine once per process. The package's own entry point
 * imports the `.wasm` file as an ES module, which Node 24 still flags as experimental (and
 * warns about); instantiating the bytes ourselves against the same JS glue avoids that.
 */
function loadEngineModule(): Promise<typeof glue> {
  loaded ??= (async () => {
    const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    g.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (message: string) => {
        lastPanic = message;
      },
    };
    const bytes = await readFile(new URL('schema_engine_bg.wasm', import.meta.resolve(GLUE_SPECIFIER)));
    const wasmModule = await wasmApi.compile(bytes);
    const instance = await wasmApi.instantiate(wasmModule, { './schema_engine_bg.js': unrefTimers(glue) });
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

export interface OpenEngine {
  engine: SchemaEngine;
  /** frees the engine and closes every connection it opened */
  close(): Promise<void>;
}

/** A schema engine connected to `target` through the pg driver adapter. */
export async function openSchemaEngine(options: EngineOptions): Promise<OpenEngine> {
  const mod = await loadEngineModule();
  const factory = new MigrationAdapterFactory(toAdapterConfig(options.target));
  const log = options.log ?? (() => {});
  let engine: SchemaEngine;
  try {
    engine = await mod.SchemaEngine.new(
      { datamodels: options.schemaFiles },
      log,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
  } catch (err) {
    await factory.close();
    throw err;
  }
  return {
    engine,
    close: async () => {
      engine.free();
      await factory.close();
    },
  };
}

export async function engineVersion(): Promise<string> {
  return (await loadEngineModule()).version();
}
