import { Navigate, type RouteObject, useLocation } from 'react-router';
import { AlertsPage } from './analytics/alerts-page.tsx';
import { AnalyticsPage } from './analytics/analytics-page.tsx';
import { DomainsPage } from './domains/domains-page.tsx';
import { PaymentsPage } from './payments/payments-page.tsx';
import { PlanEditPage } from './plans/plan-edit-page.tsx';
import { PlansPage } from './plans/plans-page.tsx';
import { SubscriberDrawer } from './subscribers/subscriber-drawer.tsx';
import { SubscribersPage } from './subscribers/subscribers-page.tsx';

/** Children of /app: plans, subscribers, analytics, domains, settings/payments. */
export const businessRoutes: RouteObject[] = [
  { path: 'plans', element: <PlansPage /> },
  // `plans/new` creates; any other id edits.
  { path: 'plans/:id', element: <PlanEditPage /> },
  // The drawer opens over the list, which keeps its search and page.
  {
    path: 'subscribers',
    element: <SubscribersPage />,
    children: [{ path: ':id', element: <SubscriberDrawer /> }],
  },
  { path: 'analytics', element: <AnalyticsPage /> },
  { path: 'analytics/alerts', element: <AlertsPage /> },
  { path: 'domains', element: <DomainsPage /> },
  { path: 'settings/payments', element: <PaymentsPage /> },
  // The navigation's short path; billing's Stripe return URLs use settings/payments.
  { path: 'payments', element: <ToPayments /> },
];

function ToPayments() {
  const { search } = useLocation();
  return <Navigate to={`/app/settings/payments${search}`} replace />;
}
