import type { Page, PageRequest } from '../domain/page.ts';

/** Prisma arguments of a page ordered by id: one row more than asked tells whether another page follows. */
export const pageArgs = (page: PageRequest) => ({
  orderBy: { id: 'asc' as const },
  take: page.limit + 1,
  ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
});

export function toPage<Row extends { id: string }, T>(
  rows: Row[],
  page: PageRequest,
  map: (row: Row) => T,
): Page<T> {
  const items = rows.slice(0, page.limit);
  return {
    items: items.map(map),
    nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null,
  };
}
