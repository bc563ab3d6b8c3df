/** The dashboard's sections, in navigation order (paths under /app). */
export const NAV_ITEMS = [
  { label: 'Shows', path: '/app/shows' },
  { label: 'Plans', path: '/app/plans' },
  { label: 'Subscribers', path: '/app/subscribers' },
  { label: 'Analytics', path: '/app/analytics' },
  { label: 'Domains', path: '/app/domains' },
  { label: 'Payments', path: '/app/payments' },
  { label: 'API keys', path: '/app/api-keys' },
] as const;

/** The section a path belongs to (a show's episode pages are under Shows). */
export function isActive(itemPath: string, pathname: string): boolean {
  if (itemPath === '/app/shows' && pathname.startsWith('/app/episodes')) return true;
  return pathname === itemPath || pathname.startsWith(`${itemPath}/`);
}
