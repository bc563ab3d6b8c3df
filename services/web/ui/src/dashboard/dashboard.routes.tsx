import type { RouteObject } from 'react-router';
import { businessRoutes } from './business/business.routes.tsx';
import { catalogRoutes, signInRoutes } from './catalog/catalog.routes.tsx';
import { DashboardLayout } from './layout/dashboard-layout.tsx';

// The creator dashboard under /app/: sign-in pages outside the shell; everything else inside it
// (navigation, tenant switcher, sign-out). Catalog = shows, episodes, uploads, files, API keys;
// business = plans, subscribers, analytics, domains, payments (Stripe Connect).
export const dashboardRoutes: RouteObject[] = [
  ...signInRoutes,
  {
    path: '/app',
    element: <DashboardLayout />,
    children: [...catalogRoutes, ...businessRoutes],
  },
];
