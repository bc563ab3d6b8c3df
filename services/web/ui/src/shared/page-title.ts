import { useEffect } from 'react';

/** Sets the document title ("Shows · Gatehouse"): screen readers announce it on navigation. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Gatehouse` : 'Gatehouse';
  }, [title]);
}
