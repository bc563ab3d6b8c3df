// Display formats shared by the business pages (dates in the viewer's locale, money by currency).

/** Currencies whose amounts Stripe takes in whole units (no cents). */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

/** Minor units per major unit of the currency (100 for USD, 1 for JPY). */
export function minorUnits(currency: string): number {
  return ZERO_DECIMAL.has(currency.toLowerCase()) ? 1 : 100;
}

export function formatMoney(amount: number, currency: string): string {
  const major = amount / minorUnits(currency);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(
      major,
    );
  } catch {
    return `${major} ${currency.toUpperCase()}`;
  }
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** YYYY-MM-DD of a date in UTC (the analytics API's day). */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
