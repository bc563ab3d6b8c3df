import { type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import type { LogPosition } from './log-position.ts';

/** Lines read in one go, and where the file stands after the last of them. */
export interface LogChunk {
  lines: string[];
  end: LogPosition;
  /** A rotated file the shipper may delete once `end` is saved (it has been read to the end). */
  retire?: string;
  /** The read found the end of what nginx had written (the shipper has caught up). */
  atEnd: boolean;
}

/** Reasons bytes of the log were skipped without being read; every one is counted. */
export type GapReason = 'truncated' | 'rotated-away' | 'line-too-long';

export interface FollowerOptions {
  /** How long a rotated-away file must stay quiet (no growth) before it is closed: > nginx's flush. */
  graceMs: number;
  /** Rotate the log when it reaches this size, once read to the end (0: never; someone else rotates). */
  rotateBytes: number;
  /** Asks nginx to reopen its logs (SIGUSR1 to the master) after the shipper renamed the file. */
  reopen: () => Promise<void>;
  onGap: (reason: GapReason, bytes: number) => void;
  now?: () => number;
}

interface Current {
  handle: FileHandle;
  ino: number;
  name: string;
  readPos: number;
  partial: Buffer;
}

const MAX_LINE = 1 << 20;
const NL = 0x0a;

async function inodeOf(path: string): Promise<{ ino: number; size: number } | undefined> {
  try {
    const s = await stat(path);
    return { ino: s.ino, size: s.size };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Follows nginx's records log across rotations: a renamed file is read through its open
 * descriptor until it stayed quiet for `graceMs` (nginx workers write to it until they reopen,
 * and flush their buffers when they do), then the new file at the path is read from its start.
 * With `rotateBytes` the follower rotates itself: rename to `<path>.shipping`, ask nginx to
 * reopen, finish the old file, and hand it back as `retire` to delete once the position is saved.
 */
export class LogFollower {
  readonly #path: string;
  readonly #rotated: string;
  readonly #options: FollowerOptions;
  readonly #now: () => number;
  readonly #buffer: Buffer;
  #current: Current | undefined;
  #quietSince: number | undefined;

  constructor(path: string, options: FollowerOptions, readBytes = 1 << 20) {
    this.#path = path;
    this.#rotated = `${path}.shipping`;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#buffer = Buffer.allocUnsafe(readBytes);
  }

  /** Opens where `from` left off: the log itself, or the rotated file still being shipped. */
  async start(from: LogPosition | undefined): Promise<void> {
    if (!from || from.ino === 0) return;
    for (const name of [this.#path, this.#rotated]) {
      const found = await inodeOf(name);
      if (found?.ino !== from.ino) continue;
      await this.#open(name, found.ino, from.offset);
      if (found.size < from.offset) this.#truncated(this.#current as Current);
      return;
    }
    // The file of the checkpoint is gone (deleted by someone else while the shipper was down).
    this.#options.onGap('rotated-away', 0);
  }

  /** Position the next read starts from (what a save after an empty file records). */
  position(): LogPosition {
    const c = this.#current;
    return c ? { ino: c.ino, offset: c.readPos - c.partial.length } : { ino: 0, offset: 0 };
  }

  /** Bytes written to the log that have not been read yet (a gauge of the shipper's lag). */
  async backlog(): Promise<number> {
    const c = this.#current;
    if (!c) return (await inodeOf(this.#path))?.size ?? 0;
    return Math.max(0, (await c.handle.stat()).size - c.readPos);
  }

  /** The next complete lines, or undefined when there is nothing new right now. */
  async read(): Promise<LogChunk | undefined> {
    if (!this.#current) {
      const found = await inodeOf(this.#path);
      if (!found) return undefined;
      await this.#open(this.#path, found.ino, 0);
    }
    const c = this.#current as Current;
    const { bytesRead } = await c.handle.read(this.#buffer, 0, this.#buffer.length, c.readPos);
    if (bytesRead > 0) {
      this.#quietSince = undefined;
      c.readPos += bytesRead;
      return this.#split(c, this.#buffer.subarray(0, bytesRead), bytesRead < this.#buffer.length);
    }
    return this.#atEnd(c);
  }

  async close(): Promise<void> {
    await this.#current?.handle.close();
    this.#current = undefined;
  }

  #split(c: Current, data: Buffer, atEnd: boolean): LogChunk {
    const all = c.partial.length > 0 ? Buffer.concat([c.partial, data]) : data;
    const last = all.lastIndexOf(NL);
    if (last < 0) {
      c.partial = Buffer.from(all);
      if (c.partial.length > MAX_LINE) {
        this.#options.onGap('line-too-long', c.partial.length);
        c.partial = Buffer.alloc(0);
      }
      return { lines: [], end: this.position(), atEnd };
    }
    c.partial = Buffer.from(all.subarray(last + 1));
    const lines = all.toString('utf8', 0, last).split('\n');
    return { lines: lines.filter((l) => l.length > 0), end: this.position(), atEnd };
  }

  async #atEnd(c: Current): Promise<LogChunk | undefined> {
    const size = (await c.handle.stat()).size;
    if (size < c.readPos) {
      this.#truncated(c);
      return undefined;
    }
    const atPath = await inodeOf(this.#path);
    if (atPath?.ino === c.ino) {
      if (this.#options.rotateBytes > 0 && c.readPos >= this.#options.rotateBytes && c.name === this.#path)
        await this.#rotate(c);
      return undefined;
    }
    // Superseded: a new file (or none yet) is at the path. Wait until the old one is quiet.
    const now = this.#now();
    this.#quietSince ??= now;
    if (now - this.#quietSince < this.#options.graceMs) return undefined;
    if (c.partial.length > 0) this.#options.onGap('line-too-long', c.partial.length);
    const retire = c.name === this.#rotated ? this.#rotated : undefined;
    await this.close();
    this.#quietSince = undefined;
    if (atPath) await this.#open(this.#path, atPath.ino, 0);
    return { lines: [], end: this.position(), atEnd: true, ...(retire ? { retire } : {}) };
  }

  async #rotate(c: Current): Promise<void> {
    if (await inodeOf(this.#rotated)) return; // the previous rotation is not retired yet
    await rename(this.#path, this.#rotated);
    c.name = this.#rotated;
    await this.#options.reopen();
  }

  /** copytruncate-style rotation: what was written between our last read and the cut is unknown. */
  #truncated(c: Current): void {
    this.#options.onGap('truncated', 0);
    c.readPos = 0;
    c.partial = Buffer.alloc(0);
  }

  async #open(name: string, ino: number, offset: number): Promise<void> {
    const handle = await open(name, 'r');
    const actual = (await handle.stat()).ino;
    if (actual !== ino) {
      // Rotated between stat and open: start over on the next read.
      await handle.close();
      return;
    }
    this.#current = { handle, ino, name, readPos: offset, partial: Buffer.alloc(0) };
  }
}

/** Deletes a retired rotated file (already read to the end and checkpointed past). */
export async function retireFile(name: string): Promise<void> {
  await unlink(name).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
