import { errors } from '@gatehouse/errors';
import type { FeedTokenRotator } from '../domain/sharing/reset-executor.ts';

/**
 * Feed-token rotation belongs to billing (it bumps the generation and publishes
 * gh.access.token.rotated.v1 through its outbox); analytics calls billing's internal route the way
 * the feeds portal does, as the creator's decision (`rotatedBy: creator`):
 *   POST {BILLING_URL}/internal/v1/subscribers/{id}/token-rotations  (Bearer INTERNAL_API_TOKEN)
 */
export function createSharingRotationClient(billingUrl: string, internalApiToken: string): FeedTokenRotator {
  const base = billingUrl.replace(/\/+$/, '');
  return {
    async rotate(tenantId, subscriberId) {
      let response: Response;
      try {
        response = await fetch(
          `${base}/internal/v1/subscribers/${encodeURIComponent(subscriberId)}/token-rotations`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${internalApiToken}` },
            body: JSON.stringify({ tenantId, rotatedBy: 'creator' }),
            signal: AbortSignal.timeout(5_000),
          },
        );
      } catch (error) {
        throw errors.dependencyUnavailable('billing', error);
      }
      if (response.status === 404) throw errors.notFound('subscriber');
      if (!response.ok) {
        await response.body?.cancel();
        throw errors.dependencyUnavailable('billing', new Error(`rotation answered ${response.status}`));
      }
      const body = (await response.json()) as { generation?: unknown };
      if (typeof body.generation !== 'number')
        throw errors.dependencyUnavailable('billing', new Error('rotation answer without generation'));
      return body.generation;
    },
  };
}
