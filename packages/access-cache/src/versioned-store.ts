import type { Redis } from 'ioredis';

/**
 * Writes a JSON record only if its `version` is greater than the stored record's. Done inside
 * Redis so two writers (projector replicas, cold path) racing on one key cannot interleave a
 * read and a write: the newest version always wins, a replay is a no-op.
 * Returns 1 when written, 0 when the stored record is as new or newer.
 */
const PUT_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and tonumber(decoded['version']) and tonumber(decoded['version']) >= tonumber(ARGV[2]) then
    return 0
  end
end
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
`;

interface VersionedRecord {
  version: number;
}

export interface VersionedStore {
  /** Stores `record` under `key` unless a record with an equal or greater version is there. */
  putIfNewer<R extends VersionedRecord>(key: string, record: R, ttlMs?: number): Promise<boolean>;
  /** Reads several records in one round trip; a missing or unreadable key is `undefined`. */
  getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]>;
  get<T>(key: string): Promise<T | undefined>;
  delete(...keys: string[]): Promise<void>;
}

type RedisWithPut = Redis & {
  ghPutIfNewer(key: string, json: string, version: number, ttlMs: number): Promise<number>;
};

export function createVersionedStore(redis: Redis): VersionedStore {
  const client = redis as RedisWithPut;
  if (typeof client.ghPutIfNewer !== 'function') {
    redis.defineCommand('ghPutIfNewer', { numberOfKeys: 1, lua: PUT_IF_NEWER });
  }
  const parse = <T>(raw: string | null): T | undefined => {
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return undefined;
    }
  };
  return {
    async putIfNewer(key, record, ttlMs = 0) {
      return (await client.ghPutIfNewer(key, JSON.stringify(record), record.version, ttlMs)) === 1;
    },
    async getMany<T>(keys: readonly string[]) {
      if (keys.length === 0) return [];
      const values = await redis.mget(...keys);
      return values.map((raw) => parse<T>(raw));
    },
    async get<T>(key: string) {
      return parse<T>(await redis.get(key));
    },
    async delete(...keys) {
      if (keys.length > 0) await redis.del(...keys);
    },
  };
}
