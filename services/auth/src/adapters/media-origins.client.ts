import type { OriginUrl } from '@gatehouse/contracts';
import type { OriginIssuer } from '../domain/origin-resolver.ts';

/**
 * Client of the media service's internal `POST /internal/v1/origins` (docs/edge-protocol.md).
 * Short timeout: the edge is waiting, and a slow answer is better turned into 503 + Retry-After.
 */
export function createMediaOriginsClient(options: {
  baseUrl: string;
  timeoutMs: number;
  /** INTERNAL_API_TOKEN, sent as `Authorization: Bearer …` (media answers 401 without it). */
  internalApiToken: string;
}): OriginIssuer {
  const endpoint = new URL('/internal/v1/origins', options.baseUrl).toString();
  return {
    async issue(objectKey) {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${options.internalApiToken}`,
        },
        body: JSON.stringify({ objectKey }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`media origins answered ${response.status}`);
      }
      const body = (await response.json()) as Partial<OriginUrl>;
      // Media answers `{ url, expiresAt }`; an objectKey, if present, must be the one asked for.
      if (
        typeof body.url !== 'string' ||
        typeof body.expiresAt !== 'number' ||
        (body.objectKey !== undefined && body.objectKey !== objectKey)
      ) {
        throw new Error('media origins answered an unexpected body');
      }
      return { objectKey, url: body.url, expiresAt: body.expiresAt };
    },
  };
}
