import { createHash } from 'node:crypto';

/**
 * An alert's id is derived from what raised it (subscriber + the record that crossed the threshold),
 * not drawn at random: a replay of the same stream produces the same ids, so storing an alert and
 * the actions keyed by it are no-ops the second time (no second rotation, no second e-mail).
 * UUID-shaped (version 8, RFC 9562 "custom") so it fits the same columns and schemas as other ids.
 */
export function sharingAlertId(subscriberId: string, triggerRecordId: string): string {
  const hex = createHash('sha256')
    .update(`gh-sharing-alert:${subscriberId}:${triggerRecordId}`)
    .digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
