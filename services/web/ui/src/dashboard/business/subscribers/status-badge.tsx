import { Badge } from '@mantine/core';
import type { SubscriberStatus } from './subscribers.api.ts';

// Dark shades: the badge text must keep 4.5:1 contrast (axe-core checks it).
const COLORS: Record<SubscriberStatus, string> = {
  active: 'teal.9',
  trialing: 'blue.9',
  past_due: 'red.9',
  paused: 'gray.8',
  unpaid: 'red.9',
  incomplete: 'grape.9',
  incomplete_expired: 'gray.8',
  canceled: 'gray.8',
  none: 'gray.8',
};

export const statusLabel = (status: SubscriberStatus) => status.replaceAll('_', ' ');

export function StatusBadge({ status }: { status: SubscriberStatus }) {
  return <Badge color={COLORS[status]}>{statusLabel(status)}</Badge>;
}
