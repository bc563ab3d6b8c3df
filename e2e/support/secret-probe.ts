import { createHmac, randomUUID } from 'node:crypto';
import { issueAccessToken, parseKeyring } from '@gatehouse/tokens';
import { E2E_SECRETS, type E2eSecrets } from './e2e-secrets.ts';

/**
 * Asks a running service whether it holds the harness's secrets, with requests that change
 * nothing: each is answered one way when the secret matches and 401/400-signature when it does
 * not. Used on services the harness reuses (it did not start them, so it cannot know their env).
 * Returns the names of the settings the service rejects; empty = it accepts all it can be asked.
 *
 * - auth: TOKEN_KEYS — `/edge/authorize` with a token for a made-up subscriber: 403 (unknown
 *   subscriber) or 503 when valid, 401 when the signature does not verify.
 * - feeds: TOKEN_KEYS — `/f/{token}/x.xml` with matching identity headers: 404 (no such show)
 *   when valid, 401 otherwise.
 * - media, billing: INTERNAL_API_TOKEN — an `/internal/…` call with an empty body: 400 when the
 *   credential is right (validation runs after it), 401 otherwise.
 * - billing: STRIPE_WEBHOOK_SECRETS — a signed event of a type billing ignores: 200 `ignored`
 *   (not recorded), 400 when the signature does not verify.
 * - web: OPERATOR_API_KEY — `GET /operator/v1/tenants` (a read): 200 when the key matches, 401 otherwise.
 * (auth's and feeds' INTERNAL_API_TOKEN are only sent by them, to media and billing: not probed.)
 */
type Probe = {
  setting: keyof E2eSecrets;
  request: () => Promise<Response>;
  ok: (r: Response, body: string) => boolean;
};

function stripeSignature(payload: string, secret: string): string {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

function probeToken(): { token: string; tenantId: string; subscriberId: string } {
  const keyring = parseKeyring(E2E_SECRETS.TOKEN_KEYS, E2E_SECRETS.TOKEN_ACTIVE_KID);
  const claims = { tenantId: randomUUID(), subscriberId: randomUUID(), generation: 1 };
  return { ...claims, token: issueAccessToken(keyring, claims) };
}

const timeout = () => AbortSignal.timeout(5000);

function probes(name: string, base: string): Probe[] {
  const internal = (path: string): Probe => ({
    setting: 'INTERNAL_API_TOKEN',
    request: () =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${E2E_SECRETS.INTERNAL_API_TOKEN}`,
          'content-type': 'application/json',
        },
        body: '{}',
        signal: timeout(),
      }),
    ok: (r) => r.status !== 401,
  });
  switch (name) {
    case 'auth':
      return [
        {
          setting: 'TOKEN_KEYS',
          request: () =>
            fetch(`${base}/edge/authorize`, {
              headers: { 'x-original-uri': `/f/${probeToken().token}/probe.xml`, 'x-original-method': 'GET' },
              signal: timeout(),
            }),
          ok: (r) => r.status !== 401,
        },
      ];
    case 'feeds':
      return [
        {
          setting: 'TOKEN_KEYS',
          request: () => {
            const { token, tenantId, subscriberId } = probeToken();
            return fetch(`${base}/f/${token}/probe.xml`, {
              headers: {
                'x-gatehouse-tenant-id': tenantId,
                'x-gatehouse-subscriber-id': subscriberId,
                'x-gatehouse-generation': '1',
              },
              signal: timeout(),
            });
          },
          ok: (r) => r.status !== 401,
        },
      ];
    case 'media':
      return [internal('/internal/v1/origins')];
    case 'billing': {
      const secret = E2E_SECRETS.STRIPE_WEBHOOK_SECRETS.split(',')[0]!.trim();
      return [
        internal(`/internal/v1/subscribers/${randomUUID()}/token-rotations`),
        {
          setting: 'STRIPE_WEBHOOK_SECRETS',
          request: () => {
            const payload = JSON.stringify({
              id: `evt_e2e_probe_${randomUUID().replaceAll('-', '')}`,
              object: 'event',
              type: 'gatehouse.e2e_secret_probe',
              created: Math.floor(Date.now() / 1000),
              livemode: false,
              data: { object: {} },
            });
            return fetch(`${base}/billing/webhooks/stripe`, {
              method: 'POST',
              headers: {
                'stripe-signature': stripeSignature(payload, secret),
                'content-type': 'application/json',
              },
              body: payload,
              signal: timeout(),
            });
          },
          ok: (r, body) => !(r.status === 400 && /signature/i.test(body)),
        },
      ];
    }
    case 'web':
      return [
        {
          setting: 'OPERATOR_API_KEY',
          request: () =>
            fetch(`${base}/operator/v1/tenants`, {
              headers: { authorization: `Bearer ${E2E_SECRETS.OPERATOR_API_KEY}` },
              signal: timeout(),
            }),
          ok: (r) => r.status !== 401,
        },
      ];
    default:
      return [];
  }
}

export async function rejectedSecrets(name: string, baseUrl: string): Promise<string[]> {
  const rejected: string[] = [];
  for (const probe of probes(name, baseUrl)) {
    const response = await probe.request();
    const body = await response.text();
    if (!probe.ok(response, body)) rejected.push(`${probe.setting} (probe answered ${response.status})`);
  }
  return rejected;
}
