import { errors } from '@gatehouse/errors';
import type { TokenRotator } from '../domain/portal-service.ts';

/**
 * Feed-token rotation belongs to billing (it bumps the generation and publishes
 * gh.access.token.rotated.v1 through its outbox). Billing's internal route, not exposed by the edge
 * (services/billing/src/routes/internal.routes.ts):
 *   POST {BILLING_URL}/internal/v1/subscribers/{subscriberId}/token-rotations
 *   Authorization: Bearer {INTERNAL_API_TOKEN}
 *   { "tenantId": "…", "rotatedBy": "subscriber" }  → 200 { subscriberId, generation }
 */
export function createBillingRotationClient(billingUrl: string, internalApiToken: string): TokenRotator {
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
            body: JSON.stringify({ tenantId, rotatedBy: 'subscriber' }),
            signal: AbortSignal.timeout(5_000),
          },
        );
      } catch (error) {
        throw errors.dependencyUnavailable('billing', error);
      }
      // The session's subscriber vanished (or moved tenant) since sign-in: not a billing outage.
      if (response.status === 404) throw errors.notFound('subscriber');
      if (!response.ok)
        throw errors.dependencyUnavailable('billing', new Error(`rotation answered ${response.status}`));
      await response.body?.cancel();
    },
  };
}
