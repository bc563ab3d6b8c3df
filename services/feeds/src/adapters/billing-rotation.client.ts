import { errors } from '@gatehouse/errors';
import type { TokenRotator } from '../domain/portal-service.ts';

/**
 * Feed-token rotation belongs to billing (it bumps the generation and publishes
 * gh.access.token.rotated.v1 through its outbox). Contract used here:
 *   POST {BILLING_URL}/internal/v1/subscribers/{subscriberId}/token-rotations
 *   { "tenantId": "…", "rotatedBy": "subscriber" }  → 2xx
 */
export function createBillingRotationClient(billingUrl: string): TokenRotator {
  return {
    async rotate(tenantId, subscriberId) {
      let response: Response;
      try {
        response = await fetch(`${billingUrl}/internal/v1/subscribers/${subscriberId}/token-rotations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tenantId, rotatedBy: 'subscriber' }),
          signal: AbortSignal.timeout(5_000),
        });
      } catch (error) {
        throw errors.dependencyUnavailable('billing', error);
      }
      if (!response.ok)
        throw errors.dependencyUnavailable('billing', new Error(`rotation answered ${response.status}`));
    },
  };
}
