import type { Keyring } from '@gatehouse/tokens';
import type { AccessChecker } from '../domain/access-checker.ts';
import type { VerifiedClaims } from '../domain/media-access-decider.ts';
import type { OriginResolver } from '../domain/origin-resolver.ts';

/** What the routes use; built in app.ts from AuthAppDeps. */
export interface RouteDeps {
  keyring: Keyring;
  /** Feed/media token → claims, or undefined (forged, malformed, unknown key); successes memoized. */
  verifyAccess: (token: string) => VerifiedClaims | undefined;
  checker: AccessChecker;
  origins: OriginResolver;
  downloadLinkTtlS: number;
  publicBaseUrl: string;
  now: () => number;
}
