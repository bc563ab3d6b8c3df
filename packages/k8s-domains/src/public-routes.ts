/**
 * The public prefixes of docs/edge-protocol.md ("Public routes at the edge") and the Service behind
 * each, for ingress-nginx mode: a custom domain routes exactly what the platform host routes
 * (charts/gatehouse/templates/ingress-nginx-ingress.yaml; charts/gatehouse/tests/ compares that
 * template's list with this one). Nothing else is routed: `/internal/`, `/edge/`, `/metrics`,
 * `/readyz`, `/openapi.json`… fall to the controller's default backend (404).
 */
export type PublicRouteService = 'auth' | 'media' | 'feeds' | 'billing';

export interface PublicRoute {
  /** Path as written in the Ingress; rendered by ingress-nginx as the regex location `~* "^<prefix>"`. */
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

export const PUBLIC_ROUTE_SERVICES: readonly PublicRouteService[] = ['auth', 'media', 'feeds', 'billing'];

/**
 * The controller's server-snippet already holds `location ^~ /m/` etc. A Prefix path would render
 * `location /m/`, a duplicate nginx refuses (the controller stops reloading); regex paths render as
 * `location ~* "^/m/"` instead, and the snippet's `^~` locations win.
 */
export const ANNOTATION_USE_REGEX = 'nginx.ingress.kubernetes.io/use-regex';
export const PUBLIC_ROUTE_PATH_TYPE = 'ImplementationSpecific';
/** Every Service of the chart names its port `http` (charts/gatehouse/templates/service.yaml). */
export const SERVICE_PORT_NAME = 'http';
