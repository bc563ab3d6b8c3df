export { type AttemptLimiter, type AttemptLimiterOptions, createAttemptLimiter } from './attempt-limiter.ts';
export { buildCookie, type CookieOptions, clearCookie, readCookie, secureCookiesFor } from './cookies.ts';
export {
  CREATOR_SESSION_COOKIE,
  type CreatorPrincipal,
  type CreatorSessionFound,
  type CreatorSessionStart,
  type CreatorSessionStore,
  type CreatorSessions,
  CSRF_HEADER,
  createCreatorSessions,
  type SessionRequest,
} from './creator-sessions.ts';
export { csrfMatches, csrfTokenFor, isSafeMethod } from './csrf.ts';
export {
  type ConsumeResult,
  createMagicLinks,
  type MagicLinkOptions,
  type MagicLinkStore,
  type MagicLinks,
} from './magic-links.ts';
export { constantTimeEqual, isSecretShaped, matchesHash, newSecret, sha256Hex } from './secrets.ts';
export {
  createSessions,
  DEFAULT_SESSION_POLICY,
  type LiveSession,
  type SessionPolicy,
  type SessionStore,
  type Sessions,
  type SessionTimes,
} from './sessions.ts';
