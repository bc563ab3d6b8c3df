import type { PublicShow } from '../../../src/domain/public-shows.service.ts';
import { ApiError, api, setCsrfToken } from '../shared/api-client.ts';

// What the listener pages read and send: the public show (web), the public checkout (billing), the
// portal's JSON API (feeds, cookie `gh_portal`) and short-lived download links (auth).

/** `GET /web/v1/public/shows/:tenantSlug/:showSlug`: the type the web service answers with (types only). */
export type { PublicShow } from '../../../src/domain/public-shows.service.ts';

/** `/portal/:tenantSlug/api/account` and the sign-in answers (services/feeds portal-api.routes.ts). */
export interface ListenerAccount {
  tenant: { slug: string; name: string };
  email: string;
  granted: boolean;
  lifecycle: 'none' | 'active' | 'payment_failed' | 'ended';
  feeds: { showId: string; title: string; url: string }[];
  feedToken: string | null;
  canManageBilling: boolean;
  csrfToken: string;
}

const portalApi = (tenantSlug: string, path: string) =>
  `/portal/${encodeURIComponent(tenantSlug)}/api/${path}`;

/** Keeps the portal session's CSRF token for the writes below. */
function signedIn(account: ListenerAccount): ListenerAccount {
  setCsrfToken(account.csrfToken);
  return account;
}

export const listenerApi = {
  show: (tenantSlug: string, showSlug: string) =>
    api<PublicShow>(`/web/v1/public/shows/${encodeURIComponent(tenantSlug)}/${encodeURIComponent(showSlug)}`),

  /** Starts Stripe Checkout; the answer is the Checkout page to go to. */
  checkout: (tenantSlug: string, planId: string, showSlug: string) =>
    api<{ url: string }>('/billing/v1/public/checkout', {
      method: 'POST',
      body: { tenantSlug, planId, showSlug },
    }),

  checkoutSignIn: async (tenantSlug: string, sessionId: string) =>
    signedIn(
      await api<ListenerAccount>(portalApi(tenantSlug, 'checkout-sign-in'), {
        method: 'POST',
        body: { sessionId },
      }),
    ),

  /** The signed-in listener, or null when signed out (401). */
  account: async (tenantSlug: string): Promise<ListenerAccount | null> => {
    try {
      return signedIn(await api<ListenerAccount>(portalApi(tenantSlug, 'account')));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },

  requestSignInLink: (tenantSlug: string, email: string) =>
    api<{ sent: true }>(portalApi(tenantSlug, 'sign-in-link'), { method: 'POST', body: { email } }),

  billingPortal: (tenantSlug: string) =>
    api<{ url: string }>(portalApi(tenantSlug, 'billing-portal'), { method: 'POST' }),

  resetFeed: async (tenantSlug: string) =>
    signedIn(await api<ListenerAccount>(portalApi(tenantSlug, 'reset-feed'), { method: 'POST' })),

  signOut: (tenantSlug: string) => api<void>(portalApi(tenantSlug, 'sign-out'), { method: 'POST' }),

  /**
   * `POST /v1/download-links` (auth, through the edge): the feed token buys a short-lived `/d/…`
   * link to one episode (seed 004). Its own fetch: the Bearer header is not a session's.
   */
  async downloadLink(feedToken: string, episodeId: string): Promise<{ url: string; expiresAt: number }> {
    const response = await fetch('/v1/download-links', {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${feedToken}`,
      },
      body: JSON.stringify({ episodeId }),
      credentials: 'omit',
    });
    const body: unknown = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, errorBody(body));
    return body as { url: string; expiresAt: number };
  },
};

/** Services answer `{error:{code,message}}`; the shared ApiError reads `{code,message}`. */
function errorBody(body: unknown) {
  const inner = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return inner ?? {};
}

/** A sentence to show for a failed request (by status: the shared client drops the error body). */
export function problemText(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (!(error instanceof ApiError)) return fallback;
  if (error.code !== 'error' && error.message) return error.message;
  switch (error.status) {
    case 404:
      return 'We could not find that. Check the address and try again.';
    case 409:
      return 'This cannot be done right now. Please try again in a minute.';
    case 410:
      return 'This link has expired.';
    case 429:
      return 'Too many attempts. Please wait a moment and try again.';
    default:
      return error.status >= 500
        ? 'The service is unavailable right now. Please try again shortly.'
        : fallback;
  }
}
