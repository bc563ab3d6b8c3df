/** One page of a list ordered by id: `nextCursor` is the last id when more rows follow. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
