import { readFile, rename, writeFile } from 'node:fs/promises';

/**
 * How far the shipper got: the byte after the last line JetStream acknowledged, in the file with
 * inode `ino` (0: the start of whatever file is at the log path). Saved only after the acks, so a
 * shipper killed at any point re-reads at most its unacknowledged tail, and JetStream's
 * `Nats-Msg-Id` dedupe drops what it had already stored.
 */
export interface LogPosition {
  ino: number;
  offset: number;
}

export interface PositionStore {
  load(): Promise<LogPosition | undefined>;
  save(position: LogPosition): Promise<void>;
}

/** A JSON file, replaced atomically (write beside, rename over): never half written. */
export class FilePositionStore implements PositionStore {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  async load(): Promise<LogPosition | undefined> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const value = JSON.parse(text) as Partial<LogPosition>;
    if (
      !Number.isSafeInteger(value.ino) ||
      !Number.isSafeInteger(value.offset) ||
      (value.offset as number) < 0
    )
      throw new Error(`checkpoint ${this.#file} is malformed: ${text.slice(0, 100)}`);
    return { ino: value.ino as number, offset: value.offset as number };
  }

  async save(position: LogPosition): Promise<void> {
    const tmp = `${this.#file}.tmp`;
    await writeFile(tmp, JSON.stringify(position));
    await rename(tmp, this.#file);
  }
}
