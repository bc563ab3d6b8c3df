import { errors } from '@gatehouse/errors';
import type {
  SubscriberDetail,
  SubscriberDirectory,
  SubscriberStatus,
  SubscriberSummary,
} from './subscriber-directory.port.ts';

export const DEFAULT_PAGE = 50;

export interface SubscriberPage {
  items: SubscriberSummary[];
  /** Opaque; absent when this page is the last. */
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The cursor is the last id of a page (ids are UUIDv7: time-ordered), base64url so clients treat it as opaque. */
export const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) throw errors.badRequest('invalid cursor');
  return id;
}

/**
 * One page of a tenant's subscribers, newest first: e-mail substring search (case-insensitive),
 * status filter, keyset pagination (stable while subscribers are added: new ones sort before
 * the cursor, so a page never repeats or skips one).
 */
export async function listSubscribers(
  directory: SubscriberDirectory,
  input: { tenantId: string; q?: string; status?: SubscriberStatus; cursor?: string; limit?: number },
): Promise<SubscriberPage> {
  const limit = input.limit ?? DEFAULT_PAGE;
  const search = input.q?.trim().toLowerCase();
  const rows = await directory.list({
    tenantId: input.tenantId,
    search: search ? search : undefined,
    status: input.status,
    beforeId: input.cursor === undefined ? undefined : decodeCursor(input.cursor),
    limit: limit + 1,
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

export interface Subscribers {
  list(input: Parameters<typeof listSubscribers>[1]): Promise<SubscriberPage>;
  get(tenantId: string, subscriberId: string): Promise<SubscriberDetail>;
}

/** The creators' subscriber reads: a page of the list, or one subscriber (404 outside the tenant). */
export function createSubscribers(directory: SubscriberDirectory): Subscribers {
  return {
    list: (input) => listSubscribers(directory, input),
    async get(tenantId, subscriberId) {
      const subscriber = await directory.get(tenantId, subscriberId);
      if (!subscriber) throw errors.notFound('subscriber');
      return subscriber;
    },
  };
}
