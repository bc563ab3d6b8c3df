import rules from '../../data/user-agents.json' with { type: 'json' };

/**
 * User-agent classification for counting (docs/analytics.md): known and self-declared bots, Apple
 * watchOS (IAB Tech Lab guidance: its downloads duplicate the paired iPhone's automatically), and
 * the app family creators see per download. The lists live in `data/user-agents.json`.
 */
interface NamedPattern {
  name: string;
  pattern: RegExp;
}

const compile = (list: readonly { name: string; pattern: string }[]): NamedPattern[] =>
  list.map(({ name, pattern }) => ({ name, pattern: new RegExp(pattern, 'i') }));

const bots = compile(rules.bots);
const apps = compile(rules.apps);
const watchOs = rules.watchOs.map((pattern) => new RegExp(pattern, 'i'));
const selfDeclared = new RegExp(rules.selfDeclaredBot, 'i');
// Device names that contain a bot word but are phones (e.g. CUBOT Android handsets).
const selfDeclaredExceptions = new RegExp(rules.selfDeclaredExceptions.join('|'), 'gi');

export const UNKNOWN_APP = 'Other';

/** A known bot from the list, or a user agent that says it is one (`bot|crawler|spider`). */
export function isBotUserAgent(userAgent: string): boolean {
  if (bots.some((bot) => bot.pattern.test(userAgent))) return true;
  return selfDeclared.test(userAgent.replace(selfDeclaredExceptions, ''));
}

/** Apple Watch (watchOS) requests: removed from counts because they duplicate the phone's download. */
export function isWatchOsUserAgent(userAgent: string): boolean {
  return watchOs.some((pattern) => pattern.test(userAgent));
}

/** The app family of a user agent (first matching pattern), `Other` when none matches. */
export function appOf(userAgent: string): string {
  return apps.find((app) => app.pattern.test(userAgent))?.name ?? UNKNOWN_APP;
}
