import { errors } from '@gatehouse/errors';

/** Whose decision the rotation is: the listener's own (feeds portal) or the creator's (analytics). */
export type RotatedBy = 'subscriber' | 'creator';

export interface BillingRotationClient {
  /** Rotates the subscriber's feed token; resolves to the new token generation. */
  rotate(tenantId: string, subscriberId: string): Promise<number>;
}

/**
 * Feed-token rotation belongs to billing (it bumps the generation and publishes
 * gh.access.token.rotated.v1 through its outbox). Billing's internal route, not exposed by the edge
 * (services/billing/src/routes/internal.routes.ts):
 *   POST {BILLING_URL}/internal/v1/subscribers/{subscriberId}/token-rotations
 *   Authorization: Bearer {INTERNAL_API_TOKEN}
 *   { "tenantId": "…", "rotatedBy": "subscriber" | "creator" }  → 200 { subscriberId, generation }
 */
export function createBillingRotationClient(
  billingUrl: string,
  internalApiToken: string,
  rotatedBy: RotatedBy,
): BillingRotationClient {
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
            body: JSON.stringify({ tenantId, rotatedBy }),
            signal: AbortSignal.timeout(5_000),
          },
        );
      } catch (error) {
        throw errors.dependencyUnavailable('billing', error);
      }
      // The subscriber vanished (or moved tenant) since the caller read it: not a billing outage.
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
