/**
 * Reusable buffers for assembled private-feed bodies. A 1 MB feed assembled into a fresh buffer per
 * request costs an allocation the kernel must zero-fill and the GC must collect (with the copy,
 * ~35% of a full render under --cpu-prof); reusing buffers of the same size removes both.
 *
 * The one rule that keeps this safe: a buffer is released only after the response that carried it
 * has been handed to the OS completely (the routes release it on the response's 'finish'). A
 * response that never finishes (client went away) never releases its buffer; the GC takes it.
 * Buffers this pool did not create are never taken in (a shared template buffer passed to
 * `release` by mistake is ignored), and each buffer is handed out to one response at a time.
 */
export class BodyPool {
  readonly #free = new Map<number, Buffer[]>();
  readonly #created = new WeakSet<Buffer>();
  readonly #out = new WeakSet<Buffer>();
  readonly #maxFreeBytes: number;
  readonly #maxPerSize: number;
  #freeBytes = 0;

  constructor(options: { maxFreeBytes?: number; maxPerSize?: number } = {}) {
    this.#maxFreeBytes = options.maxFreeBytes ?? 64 * 1024 * 1024;
    this.#maxPerSize = options.maxPerSize ?? 32;
  }

  get freeBytes(): number {
    return this.#freeBytes;
  }

  /** A buffer of exactly `size` bytes with unspecified content; the caller overwrites all of it. */
  acquire(size: number): Buffer {
    const list = this.#free.get(size);
    const reused = list?.pop();
    let buffer: Buffer;
    if (reused) {
      this.#freeBytes -= size;
      buffer = reused;
    } else {
      // Not from Node's shared 8 KiB pool: this buffer must own its memory.
      buffer = Buffer.allocUnsafeSlow(size);
      this.#created.add(buffer);
    }
    this.#out.add(buffer);
    return buffer;
  }

  /** Gives a buffer back once nothing reads it any more (see the class comment). */
  release(buffer: Buffer): void {
    if (!this.#created.has(buffer) || !this.#out.has(buffer)) return;
    this.#out.delete(buffer);
    let list = this.#free.get(buffer.length);
    if (!list) {
      list = [];
      this.#free.set(buffer.length, list);
    }
    if (list.length >= this.#maxPerSize || this.#freeBytes + buffer.length > this.#maxFreeBytes) return;
    list.push(buffer);
    this.#freeBytes += buffer.length;
  }
}
