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

/**
 * Few distinct user agents make most requests: remember answers (bounded, restarted when full) so
 * the pattern lists run once per user agent, not once per record.
 */
function memo<T>(compute: (userAgent: string) => T, max = 20_000): (userAgent: string) => T {
  const cache = new Map<string, T>();
  return (userAgent) => {
    const hit = cache.get(userAgent);
    if (hit !== undefined) return hit;
    if (cache.size >= max) cache.clear();
    const value = compute(userAgent);
    cache.set(userAgent, value);
    return value;
  };
}

/** A known bot from the list, or a user agent that says it is one (`bot|crawler|spider`). */
export const isBotUserAgent = memo(
  (userAgent) =>
    bots.some((bot) => bot.pattern.test(userAgent)) ||
    selfDeclared.test(userAgent.replace(selfDeclaredExceptions, '')),
);

/** Apple Watch (watchOS) requests: removed from counts because they duplicate the phone's download. */
export const isWatchOsUserAgent = memo((userAgent) => watchOs.some((pattern) => pattern.test(userAgent)));

/** The app family of a user agent (first matching pattern), `Other` when none matches. */
export const appOf = memo(
  (userAgent) => apps.find((app) => app.pattern.test(userAgent))?.name ?? UNKNOWN_APP,
);
