import { Navigate, type RouteObject } from 'react-router';
import { ApiKeysPage } from './api-keys/api-keys-page.tsx';
import { EpisodeCreatePage } from './episodes/episode-create-page.tsx';
import { EpisodePage } from './episodes/episode-page.tsx';
import { ShowCreatePage } from './shows/show-create-page.tsx';
import { ShowEditPage } from './shows/show-edit-page.tsx';
import { ShowPage } from './shows/show-page.tsx';
import { ShowsPage } from './shows/shows-page.tsx';
import { SignInConfirmPage } from './sign-in/sign-in-confirm-page.tsx';
import { SignInPage } from './sign-in/sign-in-page.tsx';

/** /app/sign-in… pages (outside the dashboard shell). */
export const signInRoutes: RouteObject[] = [
  { path: '/app/sign-in', element: <SignInPage /> },
  { path: '/app/sign-in/confirm', element: <SignInConfirmPage /> },
];

/** Children of /app: shows, episodes, uploads, API keys. */
export const catalogRoutes: RouteObject[] = [
  { index: true, element: <Navigate to="/app/shows" replace /> },
  { path: 'shows', element: <ShowsPage /> },
  { path: 'shows/new', element: <ShowCreatePage /> },
  { path: 'shows/:showId', element: <ShowPage /> },
  { path: 'shows/:showId/edit', element: <ShowEditPage /> },
  { path: 'shows/:showId/episodes/new', element: <EpisodeCreatePage /> },
  { path: 'episodes/:episodeId', element: <EpisodePage /> },
  { path: 'api-keys', element: <ApiKeysPage /> },
];
