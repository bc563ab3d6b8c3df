import type { FeedService } from '../domain/feed-service.ts';
import type { PortalService } from '../domain/portal-service.ts';

/**
 * What the routes may use: the domain services' request-facing operations, nothing that reaches
 * Postgres, Redis or NATS directly. Built in app.ts from FeedsAppDeps.
 */
export interface RouteDeps {
  feeds: Pick<FeedService, 'publicFeed' | 'privateFeed'>;
  portal: Pick<
    PortalService,
    | 'findTenant'
    | 'requestMagicLink'
    | 'signInWithMagicLink'
    | 'signInWithCheckout'
    | 'sessionFromCookie'
    | 'account'
    | 'csrfToken'
    | 'checkCsrf'
    | 'resetFeed'
    | 'billingPortalUrl'
    | 'signOut'
  >;
  /** Set the portal cookie's Secure flag (PUBLIC_BASE_URL is https). */
  secureCookies: boolean;
}
