/**
 * The public prefixes of docs/edge-protocol.md ("Public routes at the edge") and the Service behind
 * each, for ingress-nginx mode: a custom domain routes what the platform host's main Ingress routes
 * (charts/gatehouse/templates/ingress-nginx-ingress.yaml; charts/gatehouse/tests/ compares that
 * template's list with PUBLIC_ROUTES) plus the listener pages (LISTENER_PAGE_ROUTES). Nothing else is routed: `/internal/`, `/edge/`, `/metrics`,
 * `/readyz`, `/openapi.json`… fall to the controller's default backend (404).
 */
export type PublicRouteService = 'auth' | 'media' | 'feeds' | 'billing' | 'web';

export interface PublicRoute {
  /**
   * Path as written in the Ingress; rendered by ingress-nginx as the regex location `~* "^<prefix>"`
   * (so a trailing `$` makes it exact).
   */
  prefix: string;
  service: PublicRouteService;
}

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  // auth decides these three (the controller snippet's auth_request locations)
  { prefix: '/m/', service: 'auth' },
  { prefix: '/d/', service: 'auth' },
  { prefix: '/pub/', service: 'auth' },
  // answered by nginx alone (secure_link) from media's files
  { prefix: '/s/', service: 'media' },
  { prefix: '/f/', service: 'feeds' },
  { prefix: '/p/', service: 'feeds' },
  { prefix: '/portal/', service: 'feeds' },
  { prefix: '/api/', service: 'media' },
  { prefix: '/billing/', service: 'billing' },
];

/**
 * The listener pages on a creator's own domain (issue 10): the show page, Checkout's welcome page and
 * the account page (`/listen/{tenantSlug}/…`), the hashed assets they load, the show page's public data
 * and the web player's download links. Their other calls go to `/portal/` (account, sign-in) and
 * `/billing/v1/public/checkout` (Subscribe), both in PUBLIC_ROUTES. Custom domains only: the platform
 * host routes these in the chart's pages Ingress (with the dashboard, which a creator's domain never
 * serves: no `/app`, `/operator/`, or `/web/` beyond the public show data).
 */
export const LISTENER_PAGE_ROUTES: readonly PublicRoute[] = [
  { prefix: '/listen/', service: 'web' },
  { prefix: '/ui/assets/', service: 'web' },
  { prefix: '/web/v1/public/', service: 'web' },
  { prefix: '/v1/download-links$', service: 'auth' },
];

/** Everything a verified custom domain's Ingress routes (ingress-nginx mode), in this order. */
export const CUSTOM_DOMAIN_ROUTES: readonly PublicRoute[] = [...PUBLIC_ROUTES, ...LISTENER_PAGE_ROUTES];

export const PUBLIC_ROUTE_SERVICES: readonly PublicRouteService[] = [
  'auth',
  'media',
  'feeds',
  'billing',
  'web',
];

/**
 * The controller's server-snippet already holds `location ^~ /m/` etc. A Prefix path would render
 * `location /m/`, a duplicate nginx refuses (the controller stops reloading); regex paths render as
 * `location ~* "^/m/"` instead, and the snippet's `^~` locations win.
 */
export const ANNOTATION_USE_REGEX = 'nginx.ingress.kubernetes.io/use-regex';
export const PUBLIC_ROUTE_PATH_TYPE = 'ImplementationSpecific';
/** Every Service of the chart names its port `http` (charts/gatehouse/templates/service.yaml). */
export const SERVICE_PORT_NAME = 'http';
