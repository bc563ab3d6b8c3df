import type { Redis } from 'ioredis';
import type { SaltStore } from './daily-salt.ts';

/** Key of a day's address salt (outside the access-record layout `gh:v1:…`). */
export const saltKey = (day: string) => `gh:analytics:ip-salt:${day}`;

/** SET NX EX: the first replica's candidate wins; everyone then reads the winner. */
export class RedisSaltStore implements SaltStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async claim(day: string, candidate: string, ttlSeconds: number): Promise<string> {
    const key = saltKey(day);
    const set = await this.#redis.set(key, candidate, 'EX', ttlSeconds, 'NX');
    if (set === 'OK') return candidate;
    const current = await this.#redis.get(key);
    if (current === null) return this.claim(day, candidate, ttlSeconds); // expired in between
    return current;
  }
}
