/**
 * RFC 2822 dates as RSS 2.0 requires (`Tue, 03 Jun 2025 09:39:21 GMT`). `toUTCString()` gives
 * exactly this shape in every modern engine, but we spell it out so a runtime change cannot break
 * every feed; four-digit years and a `GMT` zone are what Apple's validator accepts.
 */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

export function rfc2822(date: Date | number): string {
  const d = typeof date === 'number' ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid date');
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`
  );
}

/** `itunes:duration` as HH:MM:SS (Apple also accepts seconds; the clock form reads better). */
export function itunesDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}
