import { createHmac, type KeyObject } from 'node:crypto';
import { EdgeRequestRecord } from '@gatehouse/contracts';
import Type from 'typebox';
import { Compile } from 'typebox/compile';
import { clientAddress } from './client-address.ts';
import type { DailySalts } from './daily-salt.ts';
import type { EdgeLogLine } from './edge-log-line.ts';
import { edgeRecordId } from './record-id.ts';

/**
 * The contract, checked on every record before it is published — except `at`'s date-time format:
 * the line parser writes `at` itself (`toISOString` of a checked `$msec`), and that format check
 * was half of the validator's CPU per record.
 */
const validator = Compile(
  Type.Object({ ...EdgeRequestRecord.properties, at: Type.String() }, { additionalProperties: false }),
);

export type BuiltRecord = { ok: true; record: EdgeRequestRecord } | { ok: false; reason: string };

/** An address's hash under one day's salt, and its network. */
interface HashedAddress {
  day: string;
  ipHash: string;
  network: string;
}

/**
 * Hashes by address, bounded to `max` entries in two generations: when the young one is full, the
 * old one is dropped whole and the young one becomes old; a hit in the old one moves to the young.
 * (Evicting a Map's oldest entry one at a time — `@gatehouse/bounded-cache` — makes V8 step over
 * the deleted slots at the Map's start on every eviction: ~130 µs per insert at 65 536 entries
 * once full, measured; a stream of new addresses would pay that per record.)
 */
class AddressHashes {
  readonly #half: number;
  #young = new Map<string, HashedAddress>();
  #old = new Map<string, HashedAddress>();

  constructor(max: number) {
    this.#half = Math.max(1, Math.floor(max / 2));
  }

  get(address: string): HashedAddress | undefined {
    const young = this.#young.get(address);
    if (young) return young;
    const old = this.#old.get(address);
    if (old) this.set(address, old);
    return old;
  }

  set(address: string, hashed: HashedAddress): void {
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(address, hashed);
  }
}

/**
 * Log line → published record: the address is hashed with the salt of the record's own UTC day
 * (so a replay of old lines hashes the same) and reduced to its network; the raw address stops here.
 *
 * Hashes are kept per address for its day in a bounded map (a listener's range requests, an app
 * server's feed fetches repeat one address many times): the HMAC was the largest single item of the
 * shipper's CPU per record. An entry of another day is recomputed with that day's salt.
 */
export class EdgeRecordBuilder {
  readonly #salts: DailySalts;
  readonly #instance: string;
  readonly #addresses: AddressHashes;

  /** `instance`: the edge that wrote the lines (edge-instance.ts), part of every derived id. */
  constructor(salts: DailySalts, instance: string, options: { maxAddresses?: number } = {}) {
    this.#salts = salts;
    this.#instance = instance;
    this.#addresses = new AddressHashes(options.maxAddresses ?? 65_536);
  }

  /** Synchronous unless the day's salt must come from the store (once per day per process). */
  build(line: EdgeLogLine): BuiltRecord | Promise<BuiltRecord> {
    const day = line.at.slice(0, 10);
    const salt = this.#salts.peek(day);
    if (salt) return this.#build(line, day, salt);
    return this.#salts.forDay(day).then((fetched) => this.#build(line, day, fetched));
  }

  #build(line: EdgeLogLine, day: string, salt: KeyObject): BuiltRecord {
    const hashed = this.#hashed(line.address, day, salt);
    if (!hashed) return { ok: false, reason: 'addr not an IP address' };
    // Spelled out (not a spread without `address`): one object shape, and the address stays behind.
    const record: EdgeRequestRecord = {
      id: line.id === null ? edgeRecordId(this.#instance, line.at, line.request) : line.id,
      at: line.at,
      kind: line.kind,
      method: line.method,
      status: line.status,
      bytesSent: line.bytesSent,
      range: line.range,
      contentRange: line.contentRange,
      objectSize: line.objectSize,
      tenantId: line.tenantId,
      subscriberId: line.subscriberId,
      episodeId: line.episodeId,
      via: line.via,
      userAgent: line.userAgent,
      ipHash: hashed.ipHash,
      network: hashed.network,
      saltDay: day,
    };
    // Checked here, once: a record the contract refuses would otherwise block its batch forever.
    if (!validator.Check(record)) {
      const first = [...validator.Errors(record)][0];
      return { ok: false, reason: `schema ${first?.instancePath || '/'}` };
    }
    return { ok: true, record };
  }

  #hashed(address: string, day: string, salt: KeyObject): HashedAddress | undefined {
    const cached = this.#addresses.get(address);
    if (cached?.day === day) return cached;
    const client = clientAddress(address);
    if (!client) return undefined;
    const hashed = {
      day,
      ipHash: createHmac('sha256', salt).update(client.hashInput).digest('hex'),
      network: client.network,
    };
    this.#addresses.set(address, hashed);
    return hashed;
  }
}
