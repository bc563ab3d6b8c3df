import type { Page } from 'playwright-core';
import { PAGES_BASE_URL } from './pages-env.ts';

/**
 * The APIs as the signed-in creator of `page` calls them (the context's gh_studio cookie + the
 * session's CSRF token): for tests that need a record to exist without clicking through its form.
 */
export async function dashboardApi(page: Page) {
  const request = page.context().request;
  const session = await request.get(`${PAGES_BASE_URL}/web/v1/session`);
  if (!session.ok()) throw new Error(`GET /web/v1/session → ${session.status()}: not signed in`);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
    const response = await request.fetch(`${PAGES_BASE_URL}${path}`, {
      method,
      headers: method === 'GET' ? {} : { 'x-csrf-token': csrfToken },
      ...(body === undefined ? {} : { data: body }),
    });
    const text = await response.text();
    if (!response.ok()) throw new Error(`${method} ${path} → ${response.status()}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
    patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
    delete: <T>(path: string) => call<T>('DELETE', path),
  };
}

/** A show and a draft episode of the signed-in creator, made through the media API. */
export async function showWithEpisode(page: Page, slug: string) {
  const dashboard = await dashboardApi(page);
  const show = await dashboard.post<{ id: string; slug: string }>('/api/v1/shows', {
    slug,
    title: `Show ${slug}`,
  });
  const episode = await dashboard.post<{ id: string }>(`/api/v1/shows/${show.id}/episodes`, {
    title: 'Episode one',
  });
  return { show, episode };
}
