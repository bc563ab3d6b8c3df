import { createBrowserRouter } from 'react-router';
import { dashboardRoutes } from './dashboard/dashboard.routes.tsx';
import { listenerRoutes } from './listener/listener.routes.tsx';
import { NotFoundPage } from './shared/not-found-page.tsx';

// The table of contents of the pages: the creator dashboard under /app/, listener pages under /listen/.
export const router = createBrowserRouter([
  ...dashboardRoutes,
  ...listenerRoutes,
  { path: '*', element: <NotFoundPage /> },
]);
